#include "net/node_metrics.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "net/member_snapshot.h"
#include "net/resolver.h"
#include "net/socket_counters.h"
#include "net/udp_node.h"
#include "swim/counters.h"
#include "swim/drop_reason.h"
#include "swim/status.h"

namespace swim::net {
namespace {

class SampleList {
 public:
  void Counter(absl::string_view family, absl::string_view help,
               uint64_t value) {
    Add(family, MetricType::kCounter, help, "", "", value);
  }
  void Gauge(absl::string_view family, absl::string_view help, uint64_t value) {
    Add(family, MetricType::kGauge, help, "", "", value);
  }
  void Add(absl::string_view family, MetricType type, absl::string_view help,
           absl::string_view label_name, absl::string_view label_value,
           uint64_t value) {
    MetricSample& s = samples_.emplace_back();
    s.family = std::string(family);
    s.type = type;
    s.help = help;
    s.label_name = std::string(label_name);
    s.label_value = std::string(label_value);
    s.value = value;
  }
  void PerMessageType(absl::string_view family, absl::string_view help,
                      const Counters::PerType& values) {
    for (size_t i = 0; i < values.size(); ++i) {
      Add(family, MetricType::kCounter, help, "type", MessageTypeName(i),
          values[i]);
    }
  }
  void SocketErrors(absl::string_view family, absl::string_view help,
                    const SocketErrorCounts& errors) {
    const struct {
      absl::string_view kind;
      uint64_t value;
    } kinds[] = {{"refused", errors.refused},
                 {"would_block", errors.would_block},
                 {"no_buffers", errors.no_buffers},
                 {"unreachable", errors.unreachable},
                 {"other", errors.other}};
    for (const auto& k : kinds) {
      Add(family, MetricType::kCounter, help, "kind", k.kind, k.value);
    }
  }
  std::vector<MetricSample> Take() { return std::move(samples_); }

 private:
  std::vector<MetricSample> samples_;
};

// swim::Counters' traffic by message type and drops by reason.
void AddProtocol(const Counters& c, SampleList& out) {
  out.PerMessageType("swim_messages_received_total",
                     "Datagrams received and accepted, by message type.",
                     c.datagrams_in);
  out.PerMessageType("swim_message_received_bytes_total",
                     "Bytes of accepted datagrams (envelope included), by "
                     "message type.",
                     c.bytes_in);
  out.PerMessageType("swim_messages_sent_total",
                     "Datagrams sent, by message type.", c.datagrams_out);
  out.PerMessageType("swim_message_sent_bytes_total",
                     "Bytes of datagrams sent (envelope included), by message "
                     "type.",
                     c.bytes_out);
  for (size_t i = 0; i < kDropReasonCount; ++i) {
    out.Add("swim_drops_total", MetricType::kCounter,
            "Received datagrams dropped, by reason.", "reason",
            DropReasonName(static_cast<DropReason>(i)), c.drops[i]);
  }
}

// One counter sample per row.
struct CounterRow {
  absl::string_view family;
  absl::string_view help;
  uint64_t value;
};

void AddRows(absl::Span<const CounterRow> rows, SampleList& out) {
  for (const CounterRow& row : rows)
    out.Counter(row.family, row.help, row.value);
}

// Probing, suspicion and refutation.
void AddProbing(const Counters& c, SampleList& out) {
  const CounterRow rows[] = {
      {"swim_ignored_total",
       "Valid datagrams ignored (for another member, from itself, after "
       "leaving).",
       c.ignored},
      {"swim_probes_total", "Probes started (direct pings).", c.probes},
      {"swim_probes_failed_total", "Probes that ended without an ack.",
       c.probes_failed},
      {"swim_indirect_probes_total", "Ping requests sent to relays.",
       c.indirect_probes},
      {"swim_relayed_pings_total", "Pings sent as a relay for others.",
       c.relayed_pings},
      {"swim_nacks_sent_total", "Nacks sent as a relay.", c.nacks_sent},
      {"swim_nacks_received_total", "Nacks received from relays.",
       c.nacks_received},
      {"swim_nacks_missed_total", "Relays that answered neither ack nor nack.",
       c.nacks_missed},
      {"swim_suspicions_raised_total",
       "Suspicions raised by this node's own failed probes.",
       c.suspicions_raised},
      {"swim_accusations_withheld_total",
       "Failed probes that accused nobody (not even a nack came back).",
       c.accusations_withheld},
      {"swim_suspicions_verified_total",
       "Expired suspicions without evidence, probed once more.",
       c.suspicions_verified},
      {"swim_suspicion_confirmations_total",
       "Independent suspicion confirmations received.",
       c.suspicion_confirmations},
      {"swim_refutations_total", "Suspicions of this node it refuted.",
       c.refutations},
  };
  AddRows(rows, out);
}

// Updates and requests refused or clamped: the bounds at work.
void AddRefusals(const Counters& c, SampleList& out) {
  const CounterRow rows[] = {
      {"swim_updates_refused_total",
       "Updates refused for moving an incarnation or metadata version too "
       "far.",
       c.updates_refused},
      {"swim_members_refused_total",
       "New members refused while the table was full (max_members).",
       c.members_refused},
      {"swim_fetches_refused_total",
       "Metadata fetches not started while too many were under way.",
       c.fetches_refused},
      {"swim_alives_clamped_total",
       "Alives about another member taken at the largest allowed jump.",
       c.alives_clamped},
      {"swim_accusations_clamped_total",
       "Accusations beyond the jump rebutted one jump up.",
       c.accusations_clamped},
      {"swim_relays_refused_total",
       "Ping requests not relayed while too many were in flight.",
       c.relays_refused},
      {"swim_out_of_turn_refused_total",
       "Suspects not queued for an early probe: the queue was full.",
       c.out_of_turn_refused},
      {"swim_backlog_refused_total",
       "Members not added to the full gossip backlog.", c.backlog_refused},
      {"swim_name_conflicts_total",
       "Claims of a live member's name from another address.",
       c.name_conflicts},
      {"swim_address_changes_total",
       "Members seen back under their name at a new address.",
       c.address_changes},
      {"swim_admissions_vetoed_total",
       "Members the application's admission check refused.",
       c.admissions_vetoed},
  };
  AddRows(rows, out);
}

// Exchanges and gossip.
void AddExchanges(const Counters& c, SampleList& out) {
  const CounterRow rows[] = {
      {"swim_members_declared_offline_total", "Suspicions that timed out here.",
       c.members_declared_offline},
      {"swim_syncs_sent_total", "State syncs sent.", c.syncs_sent},
      {"swim_digests_sent_total", "Sync digests sent.", c.digests_sent},
      {"swim_churn_syncs_total", "Sync exchanges started because of churn.",
       c.churn_syncs},
      {"swim_seed_rechecks_total",
       "Digest exchanges with seed peers that no available member holds.",
       c.seed_rechecks},
      {"swim_metadata_fetched_total", "Metadata maps completed through chunks.",
       c.metadata_fetched},
      {"swim_updates_sent_total", "Gossip updates piggybacked.",
       c.updates_sent},
  };
  AddRows(rows, out);
}

// Protocol versions and the application's traffic.
void AddVersionsAndUserTraffic(const Counters& c, SampleList& out) {
  const CounterRow rows[] = {
      {"swim_version_messages_skipped_total",
       "Messages of unknown types skipped (protocol version 2 on).",
       c.versions.messages_skipped},
      {"swim_version_updates_skipped_total",
       "Updates of unknown types skipped (protocol version 2 on).",
       c.versions.updates_skipped},
      {"swim_version_no_overlap_total",
       "Datagrams not sent: the peer speaks no protocol version of ours.",
       c.versions.no_overlap},
      {"swim_version_announcements_total",
       "Version 2 announcements sent to peers of unknown range.",
       c.versions.announcements},
      {"swim_version2_datagrams_sent_total",
       "Datagrams sent in protocol version 2 or later.",
       c.versions.datagrams_out_v2},
      {"swim_version_table_resets_total",
       "Times the table of peers' protocol ranges filled and was cleared.",
       c.versions.table_resets},
      {"swim_user_broadcasts_sent_total", "Broadcast calls accepted.",
       c.user.broadcasts_sent},
      {"swim_user_broadcasts_delivered_total",
       "User broadcasts delivered here, once each.",
       c.user.broadcasts_delivered},
      {"swim_user_broadcasts_duplicate_total",
       "User broadcasts received again, or older than one delivered.",
       c.user.broadcasts_duplicate},
      {"swim_user_broadcasts_refused_total",
       "New user broadcasts refused while the table of delivered ones was "
       "full.",
       c.user.broadcasts_refused},
      {"swim_user_broadcasts_evicted_total",
       "User broadcasts dropped from the queue before their retransmits.",
       c.user.broadcasts_evicted},
      {"swim_user_broadcasts_forgotten_total",
       "Remembered user broadcasts that expired.", c.user.broadcasts_forgotten},
      {"swim_user_broadcast_transmits_total",
       "Copies of user broadcasts piggybacked or gossiped.",
       c.user.broadcast_transmits},
      {"swim_user_broadcasts_malformed_total",
       "User broadcasts received with a bad origin or key.",
       c.user.broadcasts_malformed},
      {"swim_user_messages_sent_total", "Direct messages sent.",
       c.user.messages_sent},
      {"swim_user_messages_received_total", "Direct messages delivered.",
       c.user.messages_received},
      {"swim_user_deliveries_dropped_total",
       "Deliveries lost because the application did not poll them.",
       c.user.deliveries_dropped},
      {"swim_app_states_offered_total",
       "Application state offers sent at state exchanges.",
       c.user.states_offered},
      {"swim_app_states_merged_total",
       "Remote application states fetched and queued for the application.",
       c.user.states_merged},
      {"swim_app_states_unchanged_total",
       "State offers of a version already merged (not fetched again).",
       c.user.states_unchanged},
      {"swim_app_states_refused_total",
       "State offers refused (unknown sender, size, fetches under way).",
       c.user.states_refused},
      {"swim_app_state_chunks_ignored_total",
       "State chunks that continued no fetch.", c.user.state_chunks_ignored},
      {"swim_app_state_fetches_failed_total",
       "State fetches given up after repeated silence.",
       c.user.state_fetches_failed},
      {"swim_app_state_merges_dropped_total",
       "State merges lost because the application did not poll them.",
       c.user.state_merges_dropped},
  };
  AddRows(rows, out);
}

// swim::Counters' no-amplification and replay-guard counters
// (swim/protocol.md, "No amplification").
void AddAmplificationEvents(const Counters& c, SampleList& out) {
  const CounterRow rows[] = {
      {"swim_addresses_validated_total",
       "Source addresses validated by an ack to our ping.",
       c.addresses_validated},
      {"swim_validated_addresses_forgotten_total",
       "Validated addresses forgotten to make room.",
       c.validated_addresses_forgotten},
      {"swim_challenges_sent_total",
       "Challenge pings sent to unvalidated requesters.", c.challenges_sent},
      {"swim_replies_deferred_total",
       "Large-reply requests deferred until their address is validated.",
       c.replies_deferred},
      {"swim_deferred_released_total",
       "Deferred requests answered once their address was validated.",
       c.deferred_released},
      {"swim_deferred_dropped_total", "Deferred requests dropped for room.",
       c.deferred_dropped},
      {"swim_deferred_expired_total",
       "Deferred requests whose address never answered the challenge.",
       c.deferred_expired},
      {"swim_replies_trimmed_total",
       "Replies to unvalidated addresses whose gossip was cut to 3x.",
       c.replies_trimmed},
      {"swim_stamp_senders_forgotten_total",
       "Request senders the replay guard forgot to make room.",
       c.stamp_senders_forgotten},
      {"swim_stamp_series_restarted_total",
       "Request senders whose stamps went back, taken as restarts.",
       c.stamp_series_restarted},
      {"swim_requests_unstamped_total",
       "Large-reply requests in protocol version 1 (no stamp), answered "
       "without replay protection.",
       c.requests_unstamped},
      {"swim_rtt_samples_total",
       "Probes whose round trip was timed (swim::Node::Rtt).", c.rtt_samples},
      {"swim_coordinates_rejected_total",
       "Network coordinates received that were unusable (NaN, infinite, "
       "out of range) and ignored.",
       c.coordinates_rejected},
      {"swim_coordinate_resets_total",
       "Times the local network coordinate left the usable range and "
       "started over.",
       c.coordinate_resets},
  };
  AddRows(rows, out);
}

// swim::Counters' scalar counters and the health gauge.
void AddProtocolEvents(const Counters& c, SampleList& out) {
  AddProbing(c, out);
  AddRefusals(c, out);
  AddExchanges(c, out);
  AddVersionsAndUserTraffic(c, out);
  AddAmplificationEvents(c, out);
  out.Gauge("swim_health_score",
            "Lifeguard's local health score (0 is healthy).",
            c.health_score < 0 ? 0 : static_cast<uint64_t>(c.health_score));
}

void AddSocket(const SocketCounters& s, SampleList& out) {
  const struct {
    absl::string_view family;
    absl::string_view help;
    uint64_t value;
  } counters[] = {
      {"swim_socket_datagrams_received_total", "Datagrams the socket received.",
       s.datagrams_received},
      {"swim_socket_received_bytes_total", "Bytes the socket received.",
       s.bytes_received},
      {"swim_socket_truncated_received_total",
       "Datagrams longer than the receive buffer (max_datagram_bytes).",
       s.truncated_received},
      {"swim_socket_receive_calls_total",
       "recvmmsg calls that returned datagrams.", s.receive_calls},
      {"swim_socket_kernel_receive_drops_total",
       "Datagrams the kernel dropped because the receive buffer was full "
       "(SO_RXQ_OVFL).",
       s.kernel_receive_drops},
      {"swim_socket_datagrams_sent_total", "Datagrams the socket sent.",
       s.datagrams_sent},
      {"swim_socket_sent_bytes_total", "Bytes the socket sent.", s.bytes_sent},
      {"swim_socket_send_calls_total", "sendmmsg calls.", s.send_calls},
      {"swim_socket_unresolved_addresses_total",
       "Datagrams not sent: no usable socket address for the member.",
       s.unresolved_addresses},
      {"swim_socket_loop_wakeups_total", "Times the event loop woke up.",
       s.loop_wakeups},
  };
  for (const auto& counter : counters) {
    out.Counter(counter.family, counter.help, counter.value);
  }
  out.SocketErrors("swim_socket_receive_errors_total",
                   "Failed receive calls, by kind of error.", s.receive_errors);
  out.SocketErrors("swim_socket_send_errors_total",
                   "Failed sends, by kind of error.", s.send_errors);
}

void AddResolver(const ResolverStats& r, SampleList& out) {
  out.Counter("swim_resolver_lookups_total", "Host name lookups started.",
              r.lookups);
  out.Counter("swim_resolver_failures_total",
              "Host name lookups that failed or timed out.",
              r.resolve_failures);
  out.Counter("swim_resolver_timeouts_total",
              "Host name lookups that timed out.", r.resolve_timeouts);
  out.Counter("swim_resolver_queue_full_total",
              "Lookups put off because the resolver's queue was full.",
              r.queue_full);
  out.Gauge("swim_resolver_pending", "Names queued or being looked up.",
            r.resolves_pending);
  out.Gauge("swim_resolver_names", "Host names remembered.", r.names);
}

}  // namespace

absl::string_view MetricTypeName(MetricType type) {
  return type == MetricType::kCounter ? "counter" : "gauge";
}

std::vector<MetricSample> NodeMetrics(const UdpNodeStats& stats,
                                      const MembersSnapshot& members,
                                      size_t key_count) {
  SampleList out;
  for (Status status : {Status::kOnline, Status::kSuspect, Status::kOffline}) {
    out.Add("swim_members", MetricType::kGauge,
            "Members known, this one included, by status.", "status",
            StatusName(status), members.Count(status));
  }
  out.Gauge("swim_pending_gossip_updates", "Updates waiting to be piggybacked.",
            stats.pending_gossip);
  out.Gauge("swim_keys", "Keys held (the primary and the others).", key_count);
  AddProtocol(stats.node, out);
  AddProtocolEvents(stats.node, out);
  AddSocket(stats.socket, out);
  AddResolver(stats.resolver, out);
  out.Gauge("swim_loop_stall_max_microseconds",
            "The event loop's longest stretch of work between two waits.",
            stats.loop_stall_us_max);
  return out.Take();
}

}  // namespace swim::net
