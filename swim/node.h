// A SWIM cluster member with Lifeguard, as a sans-I/O state machine.
//
// Node does no I/O and reads no clock: the caller feeds it received
// datagrams and timer ticks with the current time, and drains the
// datagrams it wants sent and the membership events it observed. The same
// config (seed included) and the same inputs give the same outputs, bit for
// bit, which is what makes simulation and replay possible.
//
//   absl::StatusOr<std::unique_ptr<Node>> node = Node::Create(config, now);
//   if (!node.ok()) return node.status();
//   for (;;) {
//     while (std::optional<Transmit> t = (*node)->PollTransmit())
//       socket.SendTo(t->to_address, t->datagram);
//     while (std::optional<MemberEvent> e = (*node)->PollEvent())
//       Log(e->member, StatusName(e->current));
//     Received r = socket.ReceiveUntil((*node)->NextDeadline());
//     if (r.has_datagram) (*node)->HandleDatagram(Now(), r.from, r.bytes);
//     (*node)->Tick(Now());
//   }
//
// Not thread-safe: call it from one thread (or under one lock).
#ifndef SWIM_NODE_H_
#define SWIM_NODE_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "swim/admission.h"
#include "swim/anti_entropy.h"
#include "swim/app_state.h"
#include "swim/config.h"
#include "swim/counters.h"
#include "swim/delivery.h"
#include "swim/keyring.h"
#include "swim/local_member.h"
#include "swim/member_event.h"
#include "swim/members.h"
#include "swim/membership.h"
#include "swim/message.h"
#include "swim/metadata_fetch.h"
#include "swim/node_context.h"
#include "swim/offline_members.h"
#include "swim/outbox.h"
#include "swim/packet_view.h"
#include "swim/peer_sampler.h"
#include "swim/prober.h"
#include "swim/protocol_peers.h"
#include "swim/relays.h"
#include "swim/request_gate.h"
#include "swim/round_trips.h"
#include "swim/state_sizes.h"
#include "swim/suspicion.h"
#include "swim/suspicions.h"
#include "swim/user_broadcasts.h"

namespace swim {

// Node is a facade over parts that each own one job and its timers (see
// swim/protocol.md, "Structure"): the prober, the relays, the suspicions,
// the outbox with its gossip, membership merging, the local member,
// metadata fetches, anti-entropy and the offline members. NextDeadline()
// is the earliest of the parts' deadlines.
class Node {
 public:
  // Validates `config` (errors name the field) and starts the node at
  // `now`: it contacts its seed peers (if any) right away. With no seed
  // peers it contacts nobody until Join.
  static absl::StatusOr<std::unique_ptr<Node>> Create(Config config,
                                                      absl::Time now);

  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // A datagram arrived from `from_address`. Datagrams that fail to open or
  // decode are counted in counters().drops and otherwise ignored.
  void HandleDatagram(absl::Time now, absl::string_view from_address,
                      absl::string_view datagram);

  // Runs every timer due at `now`. Calling it early or twice is harmless.
  void Tick(absl::Time now);

  // Replaces the local member's whole metadata map and spreads it.
  // InvalidArgument if a key or the encoded map is over its limit
  // (kMaxMetadataKeyBytes, config.max_metadata_bytes); FailedPrecondition
  // after Leave.
  absl::Status SetMetadata(absl::Time now, Metadata metadata);

  // Adds members this node knows of from outside the protocol: a view
  // saved before a restart, a deployment manifest, a simulator's formed
  // cluster (Announcement() gives each member's first Alive). They are
  // merged as a full-state exchange would merge them (events, probing,
  // metadata fetched from the member if not inline), except that members
  // new to this node are old news: not gossiped and not counted as churn,
  // since the cluster presumably knows them already. An entry for the
  // local member only matters if it holds a later incarnation (a previous
  // life), which the node then out-incarnates. InvalidArgument, and
  // nothing added, if an entry's name, address or metadata is invalid;
  // FailedPrecondition after Leave.
  absl::Status AddKnownMembers(absl::Time now, absl::Span<const Alive> members);

  // Contacts `peers` ("host:port") now with this node's state, asking for
  // theirs, and adds them to the seed peers (retried with backoff while
  // the node knows no other member). Callable any time, to join late or to
  // add seeds. InvalidArgument for no peers or a bad address;
  // FailedPrecondition after Leave.
  absl::Status Join(absl::Time now, absl::Span<const std::string> peers);
  // How many of the last Join's peers (the config's seed peers before any
  // Join) have answered with their state.
  size_t join_answers() const { return anti_entropy_.join_answers(); }

  // Spreads `payload` under `key` to every member (swim/user_broadcasts.h):
  // piggybacked on the protocol's datagrams and in gossip rounds, the same
  // retransmit budget as membership updates; a later Broadcast of the same
  // key replaces this one where it is still in flight. Each member delivers
  // it once (PollDelivery), the origin does not. Key and payload together
  // may be MaxBroadcastBytes() long: one datagram's body less room for the
  // protocol's header and any member's name. InvalidArgument for an empty
  // key, a key over kMaxUserKeyBytes or more bytes; FailedPrecondition
  // after Leave.
  absl::Status Broadcast(absl::Time now, absl::string_view key,
                         absl::string_view payload);
  size_t MaxBroadcastBytes() const { return user_.MaxBroadcastBytes(); }
  // Sends `payload` to `member` in one datagram, best effort (no retry, no
  // acknowledgement); delivered there as a Delivery from this node. At most
  // MaxMessageBytes(). NotFound for a member not known here,
  // FailedPrecondition for an offline one (or after Leave), or one not yet
  // known to speak protocol version 2 (direct messages are version 2's; a
  // member's range is learnt from its first version 2 datagram, a second or
  // so after it is first heard of),
  // InvalidArgument if too long.
  absl::Status SendTo(absl::Time now, absl::string_view member,
                      absl::string_view payload);
  size_t MaxMessageBytes() const { return user_.MaxMessageBytes(); }

  // The application's state in anti-entropy (swim/app_state.h): `state`
  // is offered at every state exchange from now on (the join, periodic
  // and churn exchanges, with members speaking protocol version 2), and
  // each member to whom it is news fetches it and hands it to its
  // application (PollStateMerge). Set it again whenever it changes; empty
  // offers nothing. InvalidArgument over config.max_app_state_bytes;
  // FailedPrecondition after Leave.
  absl::Status SetLocalState(absl::Time now, std::string state);
  const std::string& local_state() const { return app_state_.local(); }
  uint64_t local_state_version() const { return app_state_.local_version(); }

  // The Alive a node created from `config` announces itself with, which
  // every member holds of it until it changes. The config's errors, as
  // Create's.
  static absl::StatusOr<Alive> Announcement(const Config& config);

  // Leaves the cluster gracefully: tells config.leave_fanout members
  // directly and gossips the news. Afterwards the node only answers pings
  // (with the news); keep running it for a few probe intervals before
  // closing its socket, so that nobody suspects it meanwhile.
  void Leave(absl::Time now);

  // Keys at runtime, for rotating the cluster's key without a restart (the
  // order every member goes through is in swim/keyring.h: add, use,
  // remove). AddKey accepts `key` from now on and returns its id
  // (InvalidArgument for a key under kMinKeyBytes, AlreadyExists for one
  // already held); UseKey seals with key `id` from the next datagram on;
  // RemoveKey stops accepting it (FailedPrecondition for the primary, and
  // so for the last key). Both are NotFound for an id not held.
  absl::StatusOr<KeyId> AddKey(absl::string_view key);
  absl::Status UseKey(KeyId id);
  absl::Status RemoveKey(KeyId id);
  // The ids of the keys held, the primary first; never the keys.
  std::vector<KeyId> key_ids() const { return keyring_.key_ids(); }

  // The application's veto on who enters this node's view
  // (swim/admission.h): `check` is called, synchronously inside the input
  // that brought the news, before a member never seen before is admitted
  // or a known one moves to a new address; a refused member stays out of
  // the view, the events, gossip and state exchanges, and is counted in
  // counters().admissions_vetoed. Applies to news heard from now on; an
  // empty check admits everyone.
  void SetAdmissionCheck(AdmissionCheck check) {
    admission_.Set(std::move(check));
  }

  // The next datagram to send, oldest first.
  std::optional<Transmit> PollTransmit();
  // The next membership event, oldest first.
  std::optional<MemberEvent> PollEvent();
  // The next broadcast or direct message received, oldest first.
  std::optional<Delivery> PollDelivery() { return user_.Poll(); }
  // The next remote application state received, oldest first, to merge.
  std::optional<StateMerge> PollStateMerge() { return app_state_.Poll(); }
  // When Tick must next be called; absl::InfiniteFuture() if never.
  absl::Time NextDeadline() const;

  // The member's smoothed round trip and its variance (RFC 6298) from
  // this node's timed probes of it (swim/round_trips.h); nullopt until one
  // was timed.
  std::optional<RttEstimate> Rtt(absl::string_view member) const {
    return round_trips_.Rtt(member);
  }
  // With config.coordinates: the round trip to `member` that the network
  // coordinates predict (the member's last coordinate heard on its pings
  // or acks; zero for the local member), and the local coordinate.
  // nullopt without coordinates, or before the member's was heard.
  std::optional<absl::Duration> EstimatedRtt(absl::string_view member) const {
    return round_trips_.EstimatedRtt(member);
  }
  std::optional<Coordinate> coordinate() const {
    return round_trips_.LocalCoordinate();
  }

  const Members& members() const { return ctx_.members; }
  const Counters& counters() const { return ctx_.counters; }
  // Members whose state waits in the gossip queue.
  size_t pending_gossip() const { return outbox_.pending(); }
  // User broadcasts in flight here, and (origin, key) pairs remembered as
  // delivered (both bounded, see swim/user_broadcasts.h).
  size_t pending_broadcasts() const { return user_.queued(); }
  size_t remembered_broadcasts() const { return user_.remembered(); }
  // What the node holds in each table a peer can grow (each within
  // StateBounds(config())).
  StateSizes state_sizes() const;
  // The config the node was created with, minus its keys (held by the
  // keyring only) and initial metadata (see members().local()).
  const Config& config() const { return ctx_.config; }
  bool has_left() const { return ctx_.left; }

  // Times each gossip update is piggybacked with the current membership:
  // retransmit_mult × ⌈log10(N + 1)⌉ (0 with testing.zero_retransmits).
  int RetransmitLimit() const;
  // The current suspicion timeouts (they depend on the member count).
  SuspicionTimeouts CurrentSuspicionTimeouts() const;
  // The interval between push-pull exchanges at the current size.
  absl::Duration CurrentSyncInterval() const;

 private:
  Node(Config config, Keyring keyring, absl::Time now);

  // Opens, decodes and checks a datagram into received_; false (and the
  // drop counted) if it fails.
  bool Receive(absl::string_view datagram);
  void HandlePacket(absl::Time now, absl::string_view from_address,
                    const PacketView& packet, size_t datagram_bytes);
  void OnPing(const Ping& ping, absl::string_view from_address,
              size_t reply_max_bytes);
  void OnAck(absl::Time now, const Ack& ack, absl::string_view from_address);
  // A request for a large reply: answered if the gate lets it through.
  void OnLargeRequest(absl::Time now, absl::string_view from_address,
                      absl::string_view sender, Message request,
                      size_t datagram_bytes);
  void AnswerRequest(absl::Time now, absl::string_view from_address,
                     const Message& request);

  // Declaration order is construction order: every part refers only to
  // those above it.
  NodeContext ctx_;
  Keyring keyring_;
  PeerSampler sampler_;
  Suspicions suspicions_;
  ProtocolPeers versions_;
  Outbox outbox_;
  // No amplification (swim/protocol.md): stamps, validated addresses and
  // the requests waiting for theirs.
  RequestGate gate_;
  RoundTrips round_trips_;
  Prober prober_;
  Relays relays_;
  MetadataFetcher fetcher_;
  AppState app_state_;
  AntiEntropy anti_entropy_;
  OfflineMembers offline_;
  LocalMember local_;
  Admission admission_;
  Membership membership_;
  UserBroadcasts user_;

  // Receive buffers, reused across datagrams (received_ borrows from
  // received_body_).
  std::string received_body_;
  PacketView received_;
  // The last input (tick or datagram), to notice a stalled process.
  absl::Time last_active_;
};

}  // namespace swim

#endif  // SWIM_NODE_H_
