#include "swim/counters.h"

namespace swim {

absl::string_view MessageTypeName(size_t index) {
  static constexpr absl::string_view kNames[] = {
      "ping",        "ack",          "nack",        "ping_req",
      "sync",        "meta_request", "meta_chunk",  "gossip",
      "sync_digest", "user_message", "state_offer", "state_request",
      "state_chunk"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == kMessageTypeCount);
  return index < kMessageTypeCount ? kNames[index] : "?";
}

// A new count must be added below too.
static_assert(sizeof(Counters) ==
                  sizeof(uint64_t) * (4 * kMessageTypeCount + kDropReasonCount +
                                      31 + 11 + 6 + 1 + 3) +
                      sizeof(UserCounters),
              "Counters changed: update operator+=");

Counters& Counters::operator+=(const Counters& other) {
  for (size_t i = 0; i < kMessageTypeCount; ++i) {
    datagrams_in[i] += other.datagrams_in[i];
    bytes_in[i] += other.bytes_in[i];
    datagrams_out[i] += other.datagrams_out[i];
    bytes_out[i] += other.bytes_out[i];
  }
  for (size_t i = 0; i < drops.size(); ++i) drops[i] += other.drops[i];
  ignored += other.ignored;
  probes += other.probes;
  probes_failed += other.probes_failed;
  indirect_probes += other.indirect_probes;
  relayed_pings += other.relayed_pings;
  nacks_sent += other.nacks_sent;
  nacks_received += other.nacks_received;
  nacks_missed += other.nacks_missed;
  suspicions_raised += other.suspicions_raised;
  accusations_withheld += other.accusations_withheld;
  suspicions_verified += other.suspicions_verified;
  suspicion_confirmations += other.suspicion_confirmations;
  refutations += other.refutations;
  updates_refused += other.updates_refused;
  members_refused += other.members_refused;
  fetches_refused += other.fetches_refused;
  name_conflicts += other.name_conflicts;
  address_changes += other.address_changes;
  admissions_vetoed += other.admissions_vetoed;
  alives_clamped += other.alives_clamped;
  accusations_clamped += other.accusations_clamped;
  relays_refused += other.relays_refused;
  out_of_turn_refused += other.out_of_turn_refused;
  backlog_refused += other.backlog_refused;
  members_declared_offline += other.members_declared_offline;
  syncs_sent += other.syncs_sent;
  digests_sent += other.digests_sent;
  churn_syncs += other.churn_syncs;
  seed_rechecks += other.seed_rechecks;
  metadata_fetched += other.metadata_fetched;
  updates_sent += other.updates_sent;
  addresses_validated += other.addresses_validated;
  validated_addresses_forgotten += other.validated_addresses_forgotten;
  challenges_sent += other.challenges_sent;
  replies_deferred += other.replies_deferred;
  deferred_released += other.deferred_released;
  deferred_dropped += other.deferred_dropped;
  deferred_expired += other.deferred_expired;
  replies_trimmed += other.replies_trimmed;
  stamp_senders_forgotten += other.stamp_senders_forgotten;
  stamp_series_restarted += other.stamp_series_restarted;
  requests_unstamped += other.requests_unstamped;
  rtt_samples += other.rtt_samples;
  coordinates_rejected += other.coordinates_rejected;
  coordinate_resets += other.coordinate_resets;
  user += other.user;
  versions.messages_skipped += other.versions.messages_skipped;
  versions.updates_skipped += other.versions.updates_skipped;
  versions.no_overlap += other.versions.no_overlap;
  versions.announcements += other.versions.announcements;
  versions.datagrams_out_v2 += other.versions.datagrams_out_v2;
  versions.table_resets += other.versions.table_resets;
  return *this;
}

}  // namespace swim
