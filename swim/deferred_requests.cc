#include "swim/deferred_requests.h"

#include <algorithm>
#include <utility>

namespace swim {

bool DeferredRequests::Defer(absl::Time now, absl::string_view from_address,
                             Message request) {
  size_t same_address = 0;
  auto oldest_same = held_.end();
  for (auto it = held_.begin(); it != held_.end(); ++it) {
    if (it->address != from_address) continue;
    if (same_address++ == 0) oldest_same = it;
  }
  const bool first = same_address == 0;
  if (same_address >= kMaxDeferredPerAddress) {
    held_.erase(oldest_same);
    ++counters_.deferred_dropped;
  } else if (held_.size() >= kMaxDeferredRequests) {
    held_.pop_front();
    ++counters_.deferred_dropped;
  }
  held_.push_back(Held{std::string(from_address), std::move(request),
                       now + kDeferredRequestLifetime});
  ++counters_.replies_deferred;
  return first;
}

std::vector<Message> DeferredRequests::Take(absl::string_view address) {
  std::vector<Message> taken;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->address != address) {
      ++it;
      continue;
    }
    taken.push_back(std::move(it->request));
    it = held_.erase(it);
  }
  counters_.deferred_released += taken.size();
  return taken;
}

std::vector<std::string> DeferredRequests::Expire(absl::Time now) {
  std::vector<std::string> addresses;
  while (!held_.empty() && held_.front().expires_at <= now) {
    addresses.push_back(std::move(held_.front().address));
    held_.pop_front();
    ++counters_.deferred_expired;
  }
  return addresses;
}

}  // namespace swim
