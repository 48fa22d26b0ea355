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
#include "swim/random.h"
#include "swim/suspicions.h"

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
         PeerSampler& sampler, absl::Time now);

  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // ---- Sending. ----
  // Starts a packet with `message` and room for gossip.
  absl::StatusOr<PacketWriter> StartPacket(const Message& message) const;
  // Seals `body` (a packet whose message has type index `type`), counts
  // it and queues it for `to_address`.
  void Send(absl::string_view to_address, absl::string_view body, size_t type);
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
  // Mentions the member where packets have room after the news.
  void AddToBacklog(uint32_t id) { broadcasts_.AddToBacklog(id); }
  bool IsQueued(uint32_t id) const { return broadcasts_.Contains(id); }
  // Whether some update waits to be spread as news.
  bool has_news() const { return broadcasts_.queued() > 0; }
  void Forget(uint32_t id) { broadcasts_.Remove(id); }
  // Members whose state waits in the queue or the backlog.
  size_t pending() const { return broadcasts_.size(); }
  // Times each update is piggybacked with the current membership:
  // retransmit_mult × ⌈log10(N + 1)⌉ (0 with testing.zero_retransmits).
  int RetransmitLimit() const;

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
  // Fills `writer` with the buddy update (if any) and queued gossip.
  void AddGossip(PacketWriter& writer, std::optional<uint32_t> buddy);
  // Whether gossip rounds are on and some update waits.
  bool HasGossipToSend() const;

  NodeContext& ctx_;
  const Keyring& keyring_;
  const Suspicions& suspicions_;
  PeerSampler& sampler_;
  EnvelopeOptions envelope_;
  size_t body_budget_;
  Prng nonce_rng_;  // envelope nonces unless config.nonce_source is set
  RandomSource* nonce_source_;
  BroadcastQueue broadcasts_;
  std::deque<Transmit> transmits_;
  absl::Time next_gossip_at_;
  AddressValidation* validation_ = nullptr;
};

}  // namespace swim

#endif  // SWIM_OUTBOX_H_
