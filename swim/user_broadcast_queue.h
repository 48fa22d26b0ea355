// The queue of application broadcasts (swim/user_broadcasts.h) waiting to
// be piggybacked, beside the membership updates' BroadcastQueue.
//
// One entry per (origin, key): a newer version replaces an older one still
// in flight (memberlist's invalidation), an older or equal one is ignored.
// Entries go out fewest-sent first, newest first among equals, and leave
// once sent `limit` times (retransmit_mult × ⌈log10(N + 1)⌉). At most
// kMaxQueuedBroadcasts wait: past that, the most-sent entry (the oldest
// among equals) makes room, so that a flood from the wire costs bounded
// memory and the newest news still goes out.
//
//   UserBroadcastQueue queue;
//   queue.Enqueue(UserBroadcast{"node-a", "silence/42", 7, "created"});
//   for (uint64_t id : queue.InSendOrder(16))
//     if (writer.AddBroadcast(queue.Get(id))) sent.push_back(id);
//   for (uint64_t id : sent) queue.MarkSent(id, limit);
#ifndef SWIM_USER_BROADCAST_QUEUE_H_
#define SWIM_USER_BROADCAST_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "swim/message.h"

namespace swim {

class UserBroadcastQueue {
 public:
  // Entries in flight at most.
  static constexpr size_t kMaxQueuedBroadcasts = 1024;

  enum class Result { kQueued, kReplaced, kStale };
  // Queues `broadcast` unless an entry of the same origin and key holds
  // the same or a newer version. `evicted` counts entries dropped to make
  // room.
  Result Enqueue(UserBroadcast broadcast, uint64_t* evicted = nullptr);
  // Counts one transmission of entry `id`; drops it at `limit`.
  void MarkSent(uint64_t id, int limit);

  // Up to `max` entry ids in send order.
  std::vector<uint64_t> InSendOrder(size_t max) const;
  const UserBroadcast& Get(uint64_t id) const { return entries_.at(id).value; }
  // Transmissions so far of the (origin, key) entry; -1 if none is queued.
  int TransmitsOf(const std::string& origin, const std::string& key) const;
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    UserBroadcast value;
    int transmits = 0;
  };
  // Send order: fewest transmits, then newest (the id grows with each
  // entry, so ~id sorts the newest first).
  using OrderKey = std::tuple<int, uint64_t>;

  void Erase(uint64_t id);

  std::map<uint64_t, Entry> entries_;
  std::map<std::pair<std::string, std::string>, uint64_t> by_key_;
  std::set<OrderKey> order_;
  uint64_t next_id_ = 1;
};

}  // namespace swim

#endif  // SWIM_USER_BROADCAST_QUEUE_H_
