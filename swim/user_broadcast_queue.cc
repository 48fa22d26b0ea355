#include "swim/user_broadcast_queue.h"

namespace swim {

UserBroadcastQueue::Result UserBroadcastQueue::Enqueue(UserBroadcast broadcast,
                                                       uint64_t* evicted) {
  Result result = Result::kQueued;
  auto key = std::make_pair(broadcast.origin, broadcast.key);
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    if (entries_.at(it->second).value.version >= broadcast.version) {
      return Result::kStale;
    }
    Erase(it->second);
    result = Result::kReplaced;
  }
  while (entries_.size() >= kMaxQueuedBroadcasts) {
    // The last in send order: the most-sent, the oldest among equals.
    Erase(~std::get<1>(*order_.rbegin()));
    if (evicted != nullptr) ++*evicted;
  }
  const uint64_t id = next_id_++;
  by_key_.emplace(std::move(key), id);
  order_.insert(OrderKey{0, ~id});
  entries_.emplace(id, Entry{std::move(broadcast), 0});
  return result;
}

void UserBroadcastQueue::MarkSent(uint64_t id, int limit) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& entry = it->second;
  order_.erase(OrderKey{entry.transmits, ~id});
  if (++entry.transmits >= limit) {
    by_key_.erase({entry.value.origin, entry.value.key});
    entries_.erase(it);
    return;
  }
  order_.insert(OrderKey{entry.transmits, ~id});
}

std::vector<uint64_t> UserBroadcastQueue::InSendOrder(size_t max) const {
  std::vector<uint64_t> ids;
  for (auto it = order_.begin(); it != order_.end() && ids.size() < max; ++it) {
    ids.push_back(~std::get<1>(*it));
  }
  return ids;
}

int UserBroadcastQueue::TransmitsOf(const std::string& origin,
                                    const std::string& key) const {
  auto it = by_key_.find({origin, key});
  if (it == by_key_.end()) return -1;
  return entries_.at(it->second).transmits;
}

void UserBroadcastQueue::Erase(uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  order_.erase(OrderKey{it->second.transmits, ~id});
  by_key_.erase({it->second.value.origin, it->second.value.key});
  entries_.erase(it);
}

}  // namespace swim
