// The application's traffic on top of membership: user broadcasts, spread
// to every member by the machinery that spreads membership updates, and
// direct messages to one member.
//
// A broadcast goes into the outbox's UserBroadcastQueue and rides on every
// packet with room after the membership updates (probes, acks, gossip
// rounds, which run while anything is queued), retransmit_mult ×
// ⌈log10(N + 1)⌉ times per node, fewest-sent first. Each member that
// receives it delivers it once and queues it to spread in turn. Versions
// order the broadcasts of one (origin, key): a newer one replaces an older
// one still in flight, and a member delivers a version only if it is newer
// than any it delivered for that pair, so each (origin, key, version) is
// delivered at most once (an older version that arrives late is not
// delivered at all). The origin does not deliver its own broadcasts.
//
// What a member remembers is bounded: kMaxRememberedBroadcasts (origin,
// key) pairs, each forgotten kRememberFor after it was last seen (at the
// next tick; every copy seen renews it, so a pair is only forgotten once
// its copies stopped circulating); while the table is full, new pairs are
// refused (counted, neither delivered nor spread), as a flood of forged
// members is refused by the member table. Deliveries wait for
// Node::PollDelivery, at most kMaxPendingDeliveries of them.
//
//   UserBroadcasts user(ctx, outbox);
//   SWIM_RETURN_IF_ERROR(user.Broadcast(now, "silence/42", "created"));
//   user.OnBroadcasts(now, packet.broadcasts);  // deliver, spread
//   while (std::optional<Delivery> d = user.Poll()) Use(*d);
#ifndef SWIM_USER_BROADCASTS_H_
#define SWIM_USER_BROADCASTS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/deadline_index.h"
#include "swim/delivery.h"
#include "swim/node_context.h"
#include "swim/outbox.h"
#include "swim/packet_view.h"

namespace swim {

class UserBroadcasts {
 public:
  // 2 minutes of 546 new (origin, key) pairs a second, cluster-wide; about
  // 100 bytes each.
  static constexpr size_t kMaxRememberedBroadcasts = 65536;
  static constexpr absl::Duration kRememberFor = absl::Minutes(2);
  static constexpr size_t kMaxPendingDeliveries = 4096;
  // Room a broadcast leaves for the protocol in the worst case: a Gossip
  // head, counts, the origin's name (both names of kMaxNameBytes) and the
  // lengths and version, so that every member can relay it.
  static constexpr size_t kBroadcastOverheadBytes = 532;
  // The same for a direct message: its head with the sender's name.
  static constexpr size_t kMessageOverheadBytes = 262;

  UserBroadcasts(NodeContext& ctx, Outbox& outbox);

  UserBroadcasts(const UserBroadcasts&) = delete;
  UserBroadcasts& operator=(const UserBroadcasts&) = delete;

  // The most bytes of key and payload together a broadcast may carry.
  size_t MaxBroadcastBytes() const;
  // The most bytes a direct message may carry.
  size_t MaxMessageBytes() const;

  // Spreads `payload` under `key` from this member. InvalidArgument for an
  // empty key, one over kMaxUserKeyBytes, or key and payload over
  // MaxBroadcastBytes().
  absl::Status Broadcast(absl::Time now, absl::string_view key,
                         absl::string_view payload);
  // One datagram to `member` (with gossip where it has room). NotFound for
  // a member not known here (or the local one), FailedPrecondition for an
  // offline one, InvalidArgument over MaxMessageBytes().
  absl::Status SendTo(absl::string_view member, absl::string_view payload);

  // What a packet brought.
  void OnBroadcasts(absl::Time now,
                    const std::vector<UserBroadcastView>& broadcasts);
  void OnMessage(absl::string_view sender, const UserMessage& message);

  // Forgets the (origin, key) pairs not seen for kRememberFor.
  void RunExpiry(absl::Time now);

  std::optional<Delivery> Poll();
  // Broadcasts in flight (waiting to be sent again).
  size_t queued() const { return outbox_.queued_broadcasts(); }
  // (origin, key) pairs remembered.
  size_t remembered() const { return delivered_.size(); }

 private:
  // StableHash of "origin\0key" (origin names hold no NUL): 8 bytes per
  // pair remembered instead of two strings.
  using Key = uint64_t;
  static Key KeyOf(absl::string_view origin, absl::string_view key);

  void Deliver(Delivery delivery);
  void OnBroadcast(absl::Time now, const UserBroadcastView& broadcast);

  NodeContext& ctx_;
  Outbox& outbox_;
  uint64_t last_version_ = 0;
  std::map<Key, uint64_t> delivered_;  // the latest version delivered
  DeadlineIndex<Key> forget_at_;
  std::deque<Delivery> deliveries_;
};

}  // namespace swim

#endif  // SWIM_USER_BROADCASTS_H_
