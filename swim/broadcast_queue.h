// The queue of membership updates waiting to be piggybacked.
//
// An entry names a member, not a message: what gets sent is that member's
// state at send time, so a newer update about a member replaces the older
// one for free. Entries go out fewest-sent first, newest first among
// equals, and leave the queue once sent `limit` times
// (retransmit_mult × ⌈log10(N + 1)⌉; offline_retransmit_mult for a member
// that is OFFLINE at send time).
//
//   BroadcastQueue queue;
//   queue.Enqueue(member_id);
//   for (uint32_t id : queue.InSendOrder(64)) if (writer.Add(UpdateFor(id)))
//     sent.push_back(id);
//   for (uint32_t id : sent) queue.MarkSent(id, limit);
#ifndef SWIM_BROADCAST_QUEUE_H_
#define SWIM_BROADCAST_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"

namespace swim {

class BroadcastQueue {
 public:
  // Queues (or re-queues, as new and unsent) the state of `member`.
  void Enqueue(uint32_t member);
  // Forgets any entry for `member`.
  void Remove(uint32_t member);
  // Counts one transmission of `member`'s entry; drops it at `limit`.
  void MarkSent(uint32_t member, int limit);

  // Up to `max` members in send order.
  std::vector<uint32_t> InSendOrder(size_t max) const;
  bool Contains(uint32_t member) const { return index_.count(member) != 0; }
  // Transmissions so far of `member`'s entry; -1 if none is queued.
  int TransmitsOf(uint32_t member) const;
  size_t size() const { return index_.size() + backlog_.size(); }
  // Entries of the queue proper (the backlog aside).
  size_t queued() const { return index_.size(); }
  bool empty() const { return index_.empty() && backlog_.empty(); }

  // The backlog: members worth mentioning twice where a packet has room
  // left after the queue proper (say, many members learnt at once from a
  // full-state exchange). A FIFO of 4-byte ids, so that thousands of
  // entries stay cheap.
  void AddToBacklog(uint32_t member);
  // The backlog's next member, if any.
  std::optional<uint32_t> BacklogFront() const;
  // Removes the front entry; if it was `sent` for the first time, it goes
  // round once more.
  void PopBacklog(bool sent);
  size_t backlog_size() const { return backlog_.size(); }

 private:
  struct Key {
    int transmits;
    uint64_t age;  // ~sequence: smaller is newer
    uint32_t member;
    bool operator<(const Key& o) const {
      return std::tie(transmits, age, member) <
             std::tie(o.transmits, o.age, o.member);
    }
  };

  // B-trees: the queue is empty in a quiet cluster, and then holds no
  // memory (a flat map would keep its peak capacity); ordered like
  // std::set and std::map, but walked in send order at every gossip round
  // without a cache miss per entry.
  absl::btree_set<Key> order_;
  absl::btree_map<uint32_t, Key> index_;
  static constexpr uint32_t kSentOnce = 0x80000000u;
  std::deque<uint32_t> backlog_;  // ids, kSentOnce marking a second round
  uint64_t next_age_ = ~uint64_t{0};
};

}  // namespace swim

#endif  // SWIM_BROADCAST_QUEUE_H_
