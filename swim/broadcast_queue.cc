#include "swim/broadcast_queue.h"

namespace swim {

void BroadcastQueue::Enqueue(uint32_t member) {
  Remove(member);
  const Key key{0, next_age_--, member};
  order_.insert(key);
  index_.emplace(member, key);
}

void BroadcastQueue::Remove(uint32_t member) {
  auto it = index_.find(member);
  if (it == index_.end()) return;
  order_.erase(it->second);
  index_.erase(it);
}

void BroadcastQueue::MarkSent(uint32_t member, int limit) {
  auto it = index_.find(member);
  if (it == index_.end()) return;
  order_.erase(it->second);
  ++it->second.transmits;
  if (it->second.transmits >= limit) {
    index_.erase(it);
    return;
  }
  order_.insert(it->second);
}

std::vector<uint32_t> BroadcastQueue::InSendOrder(size_t max) const {
  std::vector<uint32_t> members;
  for (auto it = order_.begin(); it != order_.end() && members.size() < max;
       ++it) {
    members.push_back(it->member);
  }
  return members;
}

void BroadcastQueue::AddToBacklog(uint32_t member) {
  backlog_.push_back(member & ~kSentOnce);
}

std::optional<uint32_t> BroadcastQueue::BacklogFront() const {
  if (backlog_.empty()) return std::nullopt;
  return backlog_.front() & ~kSentOnce;
}

void BroadcastQueue::PopBacklog(bool sent) {
  if (backlog_.empty()) return;
  const uint32_t entry = backlog_.front();
  backlog_.pop_front();
  if (sent && (entry & kSentOnce) == 0) backlog_.push_back(entry | kSentOnce);
  if (backlog_.empty()) backlog_.shrink_to_fit();
}

int BroadcastQueue::TransmitsOf(uint32_t member) const {
  auto it = index_.find(member);
  return it == index_.end() ? -1 : it->second.transmits;
}

}  // namespace swim
