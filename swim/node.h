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
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "swim/broadcast_queue.h"
#include "swim/codec.h"
#include "swim/config.h"
#include "swim/counters.h"
#include "swim/envelope.h"
#include "swim/health.h"
#include "swim/keyring.h"
#include "swim/members.h"
#include "swim/message.h"
#include "swim/packet_view.h"
#include "swim/precedence.h"
#include "swim/prng.h"
#include "swim/status.h"
#include "swim/suspicion.h"

namespace swim {

// A datagram the node wants sent.
struct Transmit {
  std::string to_address;
  std::string datagram;  // sealed; at most config.max_datagram_bytes
};

// A change the node observed in a member (the local one included).
struct MemberEvent {
  std::string member;
  // kUnknown when the member was just learnt of.
  Status previous = Status::kUnknown;
  // kUnknown when the member was forgotten (see `forgotten`).
  Status current = Status::kUnknown;
  OfflineReason offline_reason = OfflineReason::kNone;
  uint64_t incarnation = 0;
  // The member's metadata map (as held locally) changed.
  bool metadata_changed = false;
  // An offline member was forgotten after config.offline_retention.
  bool forgotten = false;
};

class Node {
 public:
  // Validates `config` (errors name the field) and starts the node at
  // `now`: it contacts its seed peers (if any) right away.
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

  // The Alive a node created from `config` announces itself with, which
  // every member holds of it until it changes. The config's errors, as
  // Create's.
  static absl::StatusOr<Alive> Announcement(const Config& config);

  // Leaves the cluster gracefully: tells config.leave_fanout members
  // directly and gossips the news. Afterwards the node only answers pings
  // (with the news); keep running it for a few probe intervals before
  // closing its socket, so that nobody suspects it meanwhile.
  void Leave(absl::Time now);

  // The next datagram to send, oldest first.
  std::optional<Transmit> PollTransmit();
  // The next membership event, oldest first.
  std::optional<MemberEvent> PollEvent();
  // When Tick must next be called; absl::InfiniteFuture() if never.
  absl::Time NextDeadline() const;

  const Members& members() const { return members_; }
  const Counters& counters() const { return counters_; }
  // Members whose state waits in the gossip queue.
  size_t pending_gossip() const { return broadcasts_.size(); }
  // The config the node was created with, minus its keys (held by the
  // keyring only) and initial metadata (see members().local()).
  const Config& config() const { return config_; }
  bool has_left() const { return left_; }

  // Times each gossip update is piggybacked with the current membership:
  // retransmit_mult × ⌈log10(N + 1)⌉ (0 with testing.zero_retransmits).
  int RetransmitLimit() const;
  // The current suspicion timeouts (they depend on the member count).
  SuspicionTimeouts CurrentSuspicionTimeouts() const;
  // The interval between push-pull exchanges at the current size.
  absl::Duration CurrentSyncInterval() const;

 private:
  // The probe of one member, from its ping to the end of its interval.
  struct Probe {
    uint32_t target = 0;
    std::string target_name;  // ids are reused once members are forgotten
    uint32_t seq = 0;
    absl::Time timeout_at;  // direct ping times out; ask relays
    absl::Time end_at;      // the interval ends; judge the probe
    bool acked = false;
    bool indirect_sent = false;
    int expected_nacks = 0;
    int nacks = 0;
  };
  // A ping this node sends on behalf of a requester (PingReq).
  struct Relay {
    std::string requester_address;
    uint32_t requester_seq = 0;
    absl::Time nack_at;
  };
  // A metadata map being fetched in MetaChunk parts.
  struct Fetch {
    uint64_t version = 0;
    uint32_t total_size = 0;
    std::string data;           // the encoded map's first bytes
    std::string source;         // address asked last
    uint32_t window_start = 0;  // offset of the last MetaRequest
    uint32_t chunk_bytes = 0;   // data per chunk from the source; 0 unknown
    int attempts = 0;
    absl::Time deadline;
  };
  // Where an update came from, which decides what is re-gossiped.
  // kKnown: AddKnownMembers.
  enum class Via { kGossip, kSync, kKnown };

  Node(Config config, Keyring keyring, absl::Time now);

  // ---- Sending. ----
  void Send(absl::string_view to_address, std::string body, size_t type);
  // Starts a packet with `message` and room for gossip.
  absl::StatusOr<PacketWriter> StartPacket(const Message& message) const;
  // Fills `writer` with the buddy update (if any) and queued gossip.
  void AddGossip(PacketWriter& writer, std::optional<uint32_t> buddy);
  void SendWithGossip(absl::string_view to_address, const Message& message,
                      std::optional<uint32_t> buddy = std::nullopt);
  // The member's current state as an update; inline metadata when allowed
  // and small enough.
  Update UpdateFor(uint32_t id, bool inline_metadata = true) const;
  // Full state in as many Sync datagrams as it takes; only the members of
  // the digest buckets marked in `buckets` (all if empty).
  void SendState(absl::string_view to_address, bool reply_wanted,
                 const std::vector<bool>& buckets = {});
  // A digest of our state (config.sync_digest_buckets buckets).
  void SendDigest(absl::string_view to_address, bool reply_wanted);

  // ---- Receiving. ----
  void HandlePacket(absl::Time now, absl::string_view from_address,
                    const PacketView& packet);
  // Whether applying `alive` would change nothing (a member we know, in
  // the life and metadata we hold): most of a full-state exchange, skipped
  // without copying.
  bool TellsNothingNew(const AliveView& alive) const;
  void ApplyUpdate(absl::Time now, const Update& update,
                   absl::string_view sender, absl::string_view from_address,
                   Via via);
  void ApplyAlive(absl::Time now, const Alive& alive, absl::string_view sender,
                  absl::string_view from_address, Via via);
  // `offline_news`: the suspicion stands for an OFFLINE declaration heard
  // in a full-state exchange.
  void ApplySuspect(absl::Time now, const Suspect& suspect,
                    bool offline_news = false);
  void ApplyOffline(absl::Time now, absl::string_view member,
                    uint64_t incarnation, OfflineReason reason);
  void OnPing(const Ping& ping, absl::string_view from_address);
  void OnAck(absl::Time now, const Ack& ack);
  void OnNack(absl::Time now, const Nack& nack);
  void OnPingReq(absl::Time now, const PingReq& req,
                 absl::string_view from_address);
  void OnSyncDigest(const SyncDigest& digest, absl::string_view from_address);
  void OnMetaRequest(const MetaRequest& req, absl::string_view from_address);
  void OnMetaChunk(absl::Time now, const MetaChunk& chunk);

  // ---- State changes. ----
  // Answers gossip that the local member is suspect or offline at
  // `incarnation`: refutes it if current, re-spreads our Alive if stale.
  void RebutAccusation(uint64_t accused_incarnation);
  // Re-spreads a member's current state, newer than gossip just received.
  void RespondToStale(uint32_t id);
  // Out-incarnates an accusation about the local member at `incarnation`.
  void Refute(uint64_t accused_incarnation);
  // Sets a member's status, keeping the side tables in step, and reports
  // the change.
  void Transition(absl::Time now, uint32_t id, Status status,
                  OfflineReason reason, bool metadata_changed);
  void Emit(uint32_t id, Status previous, bool metadata_changed);
  // How a suspicion came about.
  enum class SuspicionSource {
    kOwnProbe,     // one of our probes of the member just failed
    kGossip,       // a Suspect heard from others
    kOfflineNews,  // an OFFLINE declaration heard in a full-state exchange
  };
  void StartSuspicion(absl::Time now, uint32_t id, absl::string_view accuser,
                      SuspicionSource source);
  // Counts a confirmation; true if it was independent (and counted).
  bool ConfirmSuspicion(uint32_t id, absl::string_view accuser);
  void EraseSuspicion(uint32_t id);
  void DeclareOffline(absl::Time now, uint32_t id);
  // A probe of a suspect ended: `failed` with evidence that our own
  // network works (a relay's nack), or not.
  void OnSuspectProbed(absl::Time now, uint32_t id, bool failed);
  void ForgetMember(uint32_t id);
  void OnAnnouncedMetadata(absl::Time now, uint32_t id, const Alive& alive,
                           absl::string_view from_address, bool* changed);
  void RequestMetadata(uint32_t id, Fetch& fetch);
  // The map we hold for the member (empty if none).
  const Metadata& HeldMap(uint32_t id) const;

  // ---- Timers. ----
  void RunProbeTimers(absl::Time now);
  void StartProbe(absl::Time now);
  // The probe's ping to its target (again, as the fallback).
  void SendProbePing();
  void SendIndirectProbes();
  void FinishProbe(absl::Time now);
  std::optional<uint32_t> NextProbeTarget();
  void AddToProbeOrder(uint32_t id);
  void SetAwaitingProbe(uint32_t id, bool awaiting);
  void RunRelayTimers(absl::Time now);
  void RunSuspicionTimers(absl::Time now);
  void RunGossip(absl::Time now);
  // Whether gossip rounds are on and some update waits.
  bool HasGossipToSend() const;
  void RunFetchTimers(absl::Time now);
  void RunSync(absl::Time now);
  void RunChurnSync(absl::Time now);
  void RunJoin(absl::Time now);
  void RunOfflineProbe(absl::Time now);
  void RunReaper(absl::Time now);

  // Up to `count` distinct random members with a status in `query`,
  // excluding the local member and `exclude`.
  std::vector<uint32_t> RandomMembers(size_t count, Status query,
                                      std::optional<uint32_t> exclude);
  void UpdateHealth(int delta);

  Config config_;
  Keyring keyring_;
  EnvelopeOptions envelope_;
  size_t body_budget_;
  Prng rng_;        // protocol choices
  Prng nonce_rng_;  // envelope nonces unless config.nonce_source is set
  RandomSource* nonce_source_;

  Members members_;
  BroadcastQueue broadcasts_;
  LocalHealth health_;
  Counters counters_;
  std::deque<Transmit> transmits_;
  std::deque<MemberEvent> events_;
  // Receive buffers, reused across datagrams (received_ borrows from
  // received_body_).
  std::string received_body_;
  PacketView received_;
  bool left_ = false;
  uint32_t next_seq_ = 0;

  // Probing.
  std::vector<uint32_t> probe_order_;
  size_t probe_position_ = 0;
  // By id: the member waits in the rest of this pass (probe_order_ from
  // probe_position_ on), so that adding one is O(1), not a search.
  std::vector<bool> awaiting_probe_;
  // Members we came to suspect, probed next out of turn (oldest first).
  std::deque<uint32_t> suspects_to_probe_;
  bool last_probe_out_of_turn_ = false;
  // A probe failed without a word from any relay since we last heard an
  // ack: we were probably cut off, and may have missed news.
  bool cut_off_ = false;
  // The last input (tick or datagram), to notice a stalled process.
  absl::Time last_active_;
  std::optional<Probe> probe_;
  absl::Time next_probe_at_;
  absl::Time next_gossip_at_;

  // Ordered containers wherever iteration order reaches the output.
  std::map<uint32_t, Relay> relays_;          // by our ping's seq
  std::map<uint32_t, Suspicion> suspicions_;  // by member id
  std::set<std::pair<absl::Time, uint32_t>> suspicion_deadlines_;
  std::map<uint32_t, Fetch> fetches_;             // by member id
  std::map<uint32_t, absl::Time> offline_since_;  // by member id
  std::set<std::pair<absl::Time, uint32_t>> offline_by_time_;

  absl::Time next_sync_at_;
  int new_members_since_sync_ = 0;  // learnt through gossip
  absl::Time last_churn_sync_;
  absl::Time settle_sync_at_ = absl::InfiniteFuture();
  absl::Time next_join_at_;
  absl::Duration join_backoff_;
  absl::Time next_offline_probe_at_;
};

}  // namespace swim

#endif  // SWIM_NODE_H_
