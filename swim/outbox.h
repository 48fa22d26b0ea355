// What a node sends: datagrams sealed, counted and queued for the caller,
// and the gossip they carry (the broadcast queue, piggybacking, and gossip
// rounds while news waits).
//
// Every outgoing packet can carry membership updates: a packet starts with
// its message, then takes the "buddy" update (a suspect told of its own
// suspicion), then the queued updates, fewest-sent first, then the
// backlog. An update is the member's state as of sending, so news that
// changed while queued goes out current.
//
//   outbox.Enqueue(id);                          // spread id's new state
//   outbox.SendWithGossip(address, ping, buddy);
//   outbox.RunGossip(now);                       // a round, if one is due
//   while (std::optional<Transmit> t = outbox.Poll()) Send(*t);
#ifndef SWIM_OUTBOX_H_
#define SWIM_OUTBOX_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/address_validation.h"
#include "swim/broadcast_queue.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/peer_sampler.h"
#include "swim/prng.h"
#include "swim/protocol_peers.h"
#include "swim/random.h"
#include "swim/suspicions.h"
#include "swim/user_broadcast_queue.h"

namespace swim {

// A datagram the node wants sent.
struct Transmit {
  std::string to_address;
  std::string datagram;  // sealed; at most config.max_datagram_bytes
};

class Outbox {
 public:
  // `suspicions` names the accuser in Suspect updates.
  Outbox(NodeContext& ctx, const Keyring& keyring, const Suspicions& suspicions,
         PeerSampler& sampler, ProtocolPeers& versions, absl::Time now);

  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // ---- Sending. ----
  // Starts a packet for `to_address` with `message` and room for gossip,
  // in the protocol version the peer gets (swim/protocol_peers.h);
  // FailedPrecondition if it shares none with us.
  absl::StatusOr<PacketWriter> StartPacket(absl::string_view to_address,
                                           const Message& message) const;
  // As above, in a body of at most `budget_bytes`.
  absl::StatusOr<PacketWriter> StartPacket(absl::string_view to_address,
                                           const Message& message,
                                           size_t budget_bytes) const;
  // Seals the packet (whose message has type index `type`) in its version,
  // counts it and queues it for `to_address`, followed by a version
  // announcement when one is due.
  void Send(absl::string_view to_address, PacketWriter&& packet, size_t type);
  // The protocol version a datagram to `to_address` is written in now; 0
  // when the peer speaks none of ours.
  uint8_t VersionFor(absl::string_view to_address) const;
  void SendWithGossip(absl::string_view to_address, const Message& message,
                      std::optional<uint32_t> buddy = std::nullopt);
  // As SendWithGossip, in a datagram of at most `max_bytes` (a reply to an
  // unvalidated address: swim/protocol.md, "No amplification"): gossip
  // that does not fit waits for another packet (counted in
  // replies_trimmed); nothing is sent if the message alone does not fit.
  // False if nothing was sent.
  bool SendReply(absl::string_view to_address, const Message& message,
                 size_t max_bytes,
                 std::optional<uint32_t> buddy = std::nullopt);
  // The message alone, no gossip, if it fits `max_bytes`.
  bool SendBare(absl::string_view to_address, const Message& message,
                size_t max_bytes);
  // Told of every Ping sent, so that its Ack can validate the address.
  void set_validation(AddressValidation* validation) {
    validation_ = validation;
  }
  // A Gossip datagram of queued updates, led by `lead`'s update if given;
  // false (and nothing sent) if it would carry no update.
  bool SendGossip(absl::string_view to_address, std::optional<uint32_t> lead);
  // The member's current state as an update; inline metadata when allowed
  // and small enough.
  Update UpdateFor(uint32_t id, bool inline_metadata = true) const;

  // ---- The broadcast queue. ----
  // Spreads the member's state (again, as news).
  void Enqueue(uint32_t id) { broadcasts_.Enqueue(id); }
  // Mentions the member where packets have room after the news; refused
  // (and counted) while the backlog holds BacklogMax() entries.
  void AddToBacklog(uint32_t id);
  // 2 × config.max_members: each member once, plus its second round.
  size_t BacklogMax() const;
  bool IsQueued(uint32_t id) const { return broadcasts_.Contains(id); }
  // Whether some update waits to be spread as news.
  bool has_news() const { return broadcasts_.queued() > 0; }
  void Forget(uint32_t id) { broadcasts_.Remove(id); }
  // Members whose state waits in the queue or the backlog.
  size_t pending() const { return broadcasts_.size(); }
  // The queue proper (one entry per member at most) and the backlog.
  size_t queued() const { return broadcasts_.queued(); }
  size_t backlog_size() const { return broadcasts_.backlog_size(); }
  // Times each update is piggybacked with the current membership:
  // retransmit_mult × ⌈log10(N + 1)⌉ (0 with testing.zero_retransmits).
  int RetransmitLimit() const;
  // The same for member `id`'s update as of now: offline_retransmit_mult
  // in place of retransmit_mult when the member is OFFLINE.
  int RetransmitLimitFor(uint32_t id) const;

  // ---- Application broadcasts (swim/user_broadcasts.h), sent after the
  // queued updates, before the backlog. ----
  void EnqueueBroadcast(UserBroadcast broadcast);
  // Brings the next gossip round forward to `now`, or to
  // UserGossipInterval() after the last one if that is later (for user
  // broadcasts, and for members' new metadata): while user
  // broadcasts wait, rounds run that much more often (the retransmit
  // budget, not the interval, bounds what they cost), so that the
  // application's news hops on at once instead of waiting out
  // gossip_interval at every hop, and a stream of it still goes out in
  // batches.
  void GossipSoon(absl::Time now);
  // gossip_interval / kUserGossipSpeedup.
  absl::Duration UserGossipInterval() const;
  static constexpr int kUserGossipSpeedup = 8;
  size_t queued_broadcasts() const { return user_broadcasts_.size(); }

  // ---- Gossip rounds. ----
  // Sends a round to config.gossip_fanout members if one is due and news
  // waits.
  void RunGossip(absl::Time now);
  absl::Time NextDeadline() const;

  // ---- Output. ----
  std::optional<Transmit> Poll();
  const EnvelopeOptions& envelope() const { return envelope_; }
  // Room for a packet body in one datagram.
  size_t body_budget() const { return body_budget_; }

 private:
  // mult × ⌈log10(N + 1)⌉, or 0 with testing.zero_retransmits.
  int LimitOf(int mult) const;
  // Fills `writer` with the buddy update (if any) and queued gossip.
  void AddGossip(PacketWriter& writer, std::optional<uint32_t> buddy);
  // Whether gossip rounds are on and some update waits.
  bool HasGossipToSend() const;
  // Fills `writer` with queued user broadcasts, fewest-sent first.
  void AddUserBroadcasts(PacketWriter& writer, int limit);
  // Send, with the version announcement only if `may_announce`.
  void SendAnnouncing(absl::string_view to_address, PacketWriter&& packet,
                      size_t type, bool may_announce);
  // Seals `body` in `version` and queues it.
  void Seal(absl::string_view to_address, absl::string_view body,
            uint8_t version, size_t type);

  NodeContext& ctx_;
  const Keyring& keyring_;
  const Suspicions& suspicions_;
  PeerSampler& sampler_;
  ProtocolPeers& versions_;
  EnvelopeOptions envelope_;
  size_t body_budget_;
  Prng nonce_rng_;  // envelope nonces unless config.nonce_source is set
  RandomSource* nonce_source_;
  BroadcastQueue broadcasts_;
  UserBroadcastQueue user_broadcasts_;
  std::deque<Transmit> transmits_;
  absl::Time next_gossip_at_;
  AddressValidation* validation_ = nullptr;
  absl::Time last_gossip_at_ = absl::InfinitePast();
};

}  // namespace swim

#endif  // SWIM_OUTBOX_H_
