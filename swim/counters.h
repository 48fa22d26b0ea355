// What a Node has done, for monitoring: traffic by message type, drops by
// reason, and the protocol's notable events.
//
//   const Counters& c = node->counters();
//   uint64_t pings_out = c.datagrams_out[MessageTypeIndex<Ping>()];
//   uint64_t forged = c.drops[static_cast<size_t>(DropReason::kAuthFailed)];
#ifndef SWIM_COUNTERS_H_
#define SWIM_COUNTERS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>

#include "absl/strings/string_view.h"
#include "swim/drop_reason.h"
#include "swim/message.h"
#include "swim/user_counters.h"

namespace swim {

inline constexpr size_t kMessageTypeCount = std::variant_size_v<Message>;

// The index of message type T in swim::Message (and in the counters).
template <class T, size_t I = 0>
constexpr size_t MessageTypeIndex() {
  if constexpr (I >= kMessageTypeCount) {
    return kMessageTypeCount;
  } else if constexpr (std::is_same_v<T,
                                      std::variant_alternative_t<I, Message>>) {
    return I;
  } else {
    return MessageTypeIndex<T, I + 1>();
  }
}

// "ping", "ack", "nack", "ping_req", "sync", "meta_request", "meta_chunk",
// "gossip"; "?" out of range.
absl::string_view MessageTypeName(size_t index);

struct Counters {
  using PerType = std::array<uint64_t, kMessageTypeCount>;

  // Datagrams (and their bytes, envelope included) by the message they
  // carried. Dropped datagrams are counted in `drops` only.
  PerType datagrams_in{};
  PerType bytes_in{};
  PerType datagrams_out{};
  PerType bytes_out{};
  DropCounts drops{};
  // Valid datagrams ignored: addressed to another member, from ourselves,
  // or received after leaving.
  uint64_t ignored = 0;

  uint64_t probes = 0;           // probes started (direct pings)
  uint64_t probes_failed = 0;    // probes that ended without an ack
  uint64_t indirect_probes = 0;  // ping requests sent to relays
  uint64_t relayed_pings = 0;    // pings sent as a relay for others
  uint64_t nacks_sent = 0;
  uint64_t nacks_received = 0;
  uint64_t nacks_missed = 0;       // relays that answered neither ack nor nack
  uint64_t suspicions_raised = 0;  // by this node's own failed probes
  // Failed probes that accused nobody: not even a relay's nack came back.
  uint64_t accusations_withheld = 0;
  // Expired suspicions this node had no evidence of: probed once more.
  uint64_t suspicions_verified = 0;
  uint64_t suspicion_confirmations = 0;  // independent ones received
  uint64_t refutations = 0;
  // Updates refused because they would move a member's incarnation or
  // metadata version too far (swim/incarnation_bound.h).
  uint64_t updates_refused = 0;
  // Alives about other members more than kMaxIncarnationJump past the
  // incarnation held, taken at held + the jump (AliveIncarnationTaken).
  uint64_t alives_clamped = 0;
  // Accusations of the local member more than kMaxIncarnationJump past
  // its incarnation, rebutted one jump up (swim/protocol.md).
  uint64_t accusations_clamped = 0;
  // Members never seen before, refused while the table held
  // config.max_members.
  uint64_t members_refused = 0;
  // Metadata fetches not started while kMaxMetadataFetches were under way
  // (swim/metadata_fetch.h); the next announcement tries again.
  uint64_t fetches_refused = 0;
  // Claims of a live member's name (the local one's included) from another
  // address (swim/name_policy.h), each one heard.
  uint64_t name_conflicts = 0;
  // Members that came back under their name at a new address.
  uint64_t address_changes = 0;
  // Members the application's admission check refused (swim/admission.h),
  // each time one was heard of.
  uint64_t admissions_vetoed = 0;
  // Ping requests not relayed while kMaxRelays were in flight
  // (swim/relays.h).
  uint64_t relays_refused = 0;
  // Suspects not queued for an out-of-turn probe (or, for a verification,
  // the queue's last entry dropped) while the queue held config.max_members;
  // they are still probed in turn.
  uint64_t out_of_turn_refused = 0;
  // Members not added to the gossip backlog while it held
  // 2 × config.max_members entries (swim/outbox.h); they still go out in
  // full-state exchanges.
  uint64_t backlog_refused = 0;
  uint64_t members_declared_offline = 0;  // suspicions that timed out here
  uint64_t syncs_sent = 0;                // states sent (whole or some buckets)
  uint64_t digests_sent = 0;              // SyncDigests sent
  uint64_t churn_syncs = 0;               // exchanges started because of churn
  uint64_t seed_rechecks = 0;             // digests to seeds no member holds
  uint64_t metadata_fetched = 0;          // maps completed through MetaChunks
  uint64_t updates_sent = 0;              // gossip updates piggybacked
  // No amplification (swim/address_validation.h, swim/deferred_requests.h):
  // addresses validated by an ack, and forgotten to make room; challenges
  // sent; large-reply requests deferred, then released on validation,
  // dropped for room or expired; acks and nacks whose gossip was cut to
  // 3x the request's bytes.
  uint64_t addresses_validated = 0;
  uint64_t validated_addresses_forgotten = 0;
  uint64_t challenges_sent = 0;
  uint64_t replies_deferred = 0;
  uint64_t deferred_released = 0;
  uint64_t deferred_dropped = 0;
  uint64_t deferred_expired = 0;
  uint64_t replies_trimmed = 0;
  // Request senders the replay guard forgot to make room (swim/replay_guard.h).
  uint64_t stamp_senders_forgotten = 0;
  // Senders whose stamps went back after kRestartSilence: taken as restarts.
  uint64_t stamp_series_restarted = 0;
  // Large-reply requests that came in version 1, which has no stamps:
  // answered without replay protection (older nodes in a rolling upgrade).
  uint64_t requests_unstamped = 0;
  // Round trips (swim/round_trips.h): probes timed; received coordinates
  // refused as unusable (NaN, infinite, out of range); times the local
  // coordinate left the usable range and started over.
  uint64_t rtt_samples = 0;
  uint64_t coordinates_rejected = 0;
  uint64_t coordinate_resets = 0;
  // Application broadcasts and direct messages.
  UserCounters user;

  // Protocol versions (swim/protocol_peers.h). Datagrams of versions this
  // node does not speak are drops (bad_version).
  struct Versions {
    // Messages and updates of types this node does not know, skipped in
    // datagrams of version 2 or later (the rest of the datagram is used).
    uint64_t messages_skipped = 0;
    uint64_t updates_skipped = 0;
    // Datagrams not sent: the peer's advertised range shares no version
    // with this node's.
    uint64_t no_overlap = 0;
    // Version 2 announcements sent to peers whose range is not known.
    uint64_t announcements = 0;
    // Datagrams sent in version 2 or later (announcements included).
    uint64_t datagrams_out_v2 = 0;
    // Times the table of peers' ranges filled up and was cleared.
    uint64_t table_resets = 0;
  };
  Versions versions;

  // Lifeguard's local health score now (0 is healthy).
  int health_score = 0;

  // Adds every count of `other` (a fleet's totals); health_score, a gauge,
  // is left alone.
  Counters& operator+=(const Counters& other);
};

}  // namespace swim

#endif  // SWIM_COUNTERS_H_
