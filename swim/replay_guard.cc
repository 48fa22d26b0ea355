#include "swim/replay_guard.h"

#include <algorithm>

namespace swim {
namespace {

uint64_t MicrosOf(absl::Time t) {
  const int64_t micros = absl::ToUnixMicros(t);
  return micros > 0 ? static_cast<uint64_t>(micros) : 0;
}

uint64_t MicrosOf(absl::Duration d) {
  return static_cast<uint64_t>(absl::ToInt64Microseconds(d));
}

}  // namespace

uint64_t NextRequestStamp(uint64_t& last, absl::Time now) {
  // Saturates rather than wraps: a stamp never goes back.
  const uint64_t next = last == UINT64_MAX ? last : last + 1;
  last = std::max(next, MicrosOf(now));
  return last;
}

ReplayGuard::Verdict ReplayGuard::Check(absl::Time now,
                                        absl::string_view sender,
                                        uint64_t stamp) {
  if (stamp == 0) return Verdict::kStale;
  auto it = senders_.find(sender);
  if (it == senders_.end()) {
    const uint64_t clock = MicrosOf(now);
    const uint64_t distance = stamp > clock ? stamp - clock : clock - stamp;
    if (distance > MicrosOf(kFirstContactWindow)) return Verdict::kStale;
    if (senders_.size() >= max_senders_) EvictOne();
    if (max_senders_ == 0) return Verdict::kFresh;
    Sender fresh;
    fresh.recent[0] = stamp;
    fresh.count = 1;
    fresh.highest = stamp;
    fresh.last_use = ++use_clock_;
    senders_.emplace(std::string(sender), fresh);
    return Verdict::kFresh;
  }
  Sender& s = it->second;
  const auto begin = s.recent.begin();
  const auto end = begin + static_cast<std::ptrdiff_t>(s.count);
  if (std::find(begin, end, stamp) != end) return Verdict::kReplayed;
  if (stamp < s.highest) {
    // Every stamp accepted and no longer kept is below the smallest kept
    // one, so only stamps above it can be told new.
    if (s.highest - stamp > MicrosOf(kReorderWindow)) {
      return Verdict::kReplayed;
    }
    if (s.count == kStampsKept && stamp < *std::min_element(begin, end)) {
      return Verdict::kReplayed;
    }
  }
  if (s.count < kStampsKept) {
    s.recent[s.count++] = stamp;
  } else {
    *std::min_element(begin, end) = stamp;
  }
  s.highest = std::max(s.highest, stamp);
  s.last_use = ++use_clock_;
  return Verdict::kFresh;
}

void ReplayGuard::EvictOne() {
  if (senders_.empty()) return;
  // The least recently used; last_use values are distinct, so the choice
  // does not depend on the table's iteration order.
  auto oldest = senders_.begin();
  for (auto it = senders_.begin(); it != senders_.end(); ++it) {
    if (it->second.last_use < oldest->second.last_use) oldest = it;
  }
  senders_.erase(oldest);
  ++counters_.stamp_senders_forgotten;
}

}  // namespace swim
