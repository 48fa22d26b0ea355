#include "swim/config_knobs.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace swim {
namespace {

absl::Status BadValue(absl::string_view value, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", value, "\" is not ", what));
}

// Whole nanoseconds, as the simulator's integer clock keeps them.
absl::Status ParseDurationValue(absl::string_view value, absl::Duration& out) {
  absl::Duration d;
  if (!absl::ParseDuration(value, &d)) {
    return BadValue(value, "a duration like 30s or 1m30s");
  }
  if (d < absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", value, "\" is negative or infinite"));
  }
  out = absl::Nanoseconds(absl::ToInt64Nanoseconds(d));
  return absl::OkStatus();
}

absl::Status ParseIntValue(absl::string_view value, int& out) {
  int parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed)) return BadValue(value, "an integer");
  out = parsed;
  return absl::OkStatus();
}

absl::Status ParseBoolValue(absl::string_view value, bool& out) {
  if (value == "true" || value == "1" || value == "on") {
    out = true;
  } else if (value == "false" || value == "0" || value == "off") {
    out = false;
  } else {
    return BadValue(value, "true or false");
  }
  return absl::OkStatus();
}

absl::Status ParseBytesValue(absl::string_view value, size_t& out) {
  uint64_t bytes = 0;
  if (!absl::SimpleAtoi(value, &bytes) || bytes == 0) {
    return BadValue(value, "a positive number of bytes");
  }
  out = static_cast<size_t>(bytes);
  return absl::OkStatus();
}

// One knob per Config field; kField is a pointer to that field.
template <absl::Duration Config::*kField>
constexpr ConfigKnob DurationKnob(absl::string_view name,
                                  absl::string_view description) {
  return {name, ConfigKnobKind::kDuration, description,
          [](Config& c, absl::string_view v) {
            return ParseDurationValue(v, c.*kField);
          },
          [](const Config& c) { return absl::FormatDuration(c.*kField); }};
}

template <int Config::*kField>
constexpr ConfigKnob IntKnob(absl::string_view name,
                             absl::string_view description) {
  return {name, ConfigKnobKind::kInt, description,
          [](Config& c, absl::string_view v) {
            return ParseIntValue(v, c.*kField);
          },
          [](const Config& c) { return absl::StrCat(c.*kField); }};
}

template <bool Config::*kField>
constexpr ConfigKnob BoolKnob(absl::string_view name,
                              absl::string_view description) {
  return {name, ConfigKnobKind::kBool, description,
          [](Config& c, absl::string_view v) {
            return ParseBoolValue(v, c.*kField);
          },
          [](const Config& c) {
            return std::string(c.*kField ? "true" : "false");
          }};
}

template <size_t Config::*kField>
constexpr ConfigKnob BytesKnob(absl::string_view name,
                               absl::string_view description) {
  return {name, ConfigKnobKind::kBytes, description,
          [](Config& c, absl::string_view v) {
            return ParseBytesValue(v, c.*kField);
          },
          [](const Config& c) { return absl::StrCat(c.*kField); }};
}

template <bool Config::Testing::*kField>
constexpr ConfigKnob TestingKnob(absl::string_view name,
                                 absl::string_view description) {
  return {name, ConfigKnobKind::kBool, description,
          [](Config& c, absl::string_view v) {
            return ParseBoolValue(v, c.testing.*kField);
          },
          [](const Config& c) {
            return std::string(c.testing.*kField ? "true" : "false");
          }};
}

using C = Config;

// Every knob, in the README's order.
constexpr ConfigKnob kKnobs[] = {
    DurationKnob<&C::probe_interval>("probe_interval",
                                     "One member is probed per interval."),
    IntKnob<&C::probe_ring_monitors>(
        "probe_ring_monitors",
        "Monitors of each member in the probe ring (0: random "
        "round-robin)."),
    DurationKnob<&C::probe_timeout>(
        "probe_timeout",
        "Wait this long for a direct ack before asking relays."),
    IntKnob<&C::indirect_checks>("indirect_checks",
                                 "Relays asked to ping a silent member."),
    IntKnob<&C::suspicion_min_intervals>(
        "suspicion_min_intervals",
        "Shortest suspicion timeout, in probe intervals."),
    IntKnob<&C::suspicion_max_mult>(
        "suspicion_max_mult",
        "Longest suspicion timeout, as a multiple of the shortest."),
    IntKnob<&C::suspicion_confirmations>(
        "suspicion_confirmations",
        "Independent confirmations that bring a suspicion to its shortest "
        "timeout."),
    IntKnob<&C::suspicion_shown_confirmations>(
        "suspicion_shown_confirmations",
        "Confirmations before a suspicion is shown as SUSPECT (0: at "
        "once)."),
    IntKnob<&C::health_max>(
        "health_max",
        "Local health scores stay below this; probe interval and timeout "
        "are multiplied by score + 1."),
    IntKnob<&C::retransmit_mult>(
        "retransmit_mult",
        "Gossip retransmissions, times log10 of the cluster size."),
    IntKnob<&C::offline_retransmit_mult>(
        "offline_retransmit_mult",
        "The same for an update that a member is OFFLINE."),
    DurationKnob<&C::gossip_interval>(
        "gossip_interval", "While news waits, gossip it this often."),
    IntKnob<&C::gossip_fanout>(
        "gossip_fanout",
        "Members each gossip round goes to (0: piggyback only)."),
    DurationKnob<&C::sync_interval>(
        "sync_interval", "Full state exchange with one member this often."),
    IntKnob<&C::sync_digest_buckets>(
        "sync_digest_buckets",
        "Buckets of the digest that periodic exchanges start with."),
    IntKnob<&C::churn_sync_threshold>(
        "churn_sync_threshold",
        "New members heard of that start a churn exchange."),
    DurationKnob<&C::churn_sync_interval>(
        "churn_sync_interval", "Churn exchanges at most this often."),
    DurationKnob<&C::churn_settle_delay>(
        "churn_settle_delay",
        "One more exchange this long after the last churn exchange."),
    DurationKnob<&C::join_retry_initial>(
        "join_retry_initial",
        "First wait before asking the peers again while alone."),
    DurationKnob<&C::join_retry_max>("join_retry_max",
                                     "Longest wait between join attempts."),
    IntKnob<&C::leave_fanout>(
        "leave_fanout", "Members told directly, besides gossip, of a leave."),
    IntKnob<&C::max_members>(
        "max_members",
        "Most members held; new ones are refused while the table is full."),
    BoolKnob<&C::name_takeover>(
        "name_takeover",
        "A newer incarnation from another address takes a live member's "
        "name (otherwise the holder keeps it)."),
    IntKnob<&C::protocol_version_min>(
        "protocol_version_min",
        "Oldest wire protocol version spoken (swim/protocol.md)."),
    IntKnob<&C::protocol_version_max>(
        "protocol_version_max",
        "Newest wire protocol version spoken; 1 is the original format."),
    BoolKnob<&C::coordinates>(
        "coordinates",
        "Vivaldi network coordinates on pings and acks (version 2)."),
    DurationKnob<&C::offline_probe_interval>(
        "offline_probe_interval",
        "One remembered offline member is pinged this often."),
    DurationKnob<&C::offline_retention>(
        "offline_retention", "Offline members are forgotten after this long."),
    BytesKnob<&C::max_datagram_bytes>(
        "max_datagram_bytes",
        "The largest datagram sent or accepted, envelope included."),
    BoolKnob<&C::encrypt>("encrypt", "Encrypt datagram bodies."),
    BoolKnob<&C::require_encryption>("require_encryption",
                                     "Drop datagrams that are not encrypted."),
    BytesKnob<&C::max_metadata_bytes>(
        "max_metadata_bytes", "Largest encoded metadata map of a member."),
    BytesKnob<&C::metadata_inline_max_bytes>(
        "metadata_inline_max_bytes",
        "Metadata up to this size rides inline in Alive updates."),
    IntKnob<&C::metadata_chunks_per_request>(
        "metadata_chunks_per_request",
        "MetaChunk datagrams sent per MetaRequest."),
    DurationKnob<&C::metadata_fetch_timeout>(
        "metadata_fetch_timeout",
        "A metadata fetch without progress this long asks again."),
    BytesKnob<&C::max_app_state_bytes>(
        "max_app_state_bytes",
        "Largest application state a node sets or fetches."),
    TestingKnob<&C::Testing::disable_refutation>(
        "disable_refutation",
        "Test only: never refute suspicions or declarations of this node."),
    TestingKnob<&C::Testing::zero_retransmits>(
        "zero_retransmits",
        "Test only: never gossip, piggybacked or in rounds."),
};

std::string ValidKeys() {
  std::vector<absl::string_view> names;
  for (const ConfigKnob& knob : ConfigKnobs()) names.push_back(knob.name);
  return absl::StrJoin(names, ", ");
}

}  // namespace

absl::string_view ConfigKnobKindName(ConfigKnobKind kind) {
  switch (kind) {
    case ConfigKnobKind::kDuration:
      return "duration";
    case ConfigKnobKind::kInt:
      return "int";
    case ConfigKnobKind::kBool:
      return "bool";
    case ConfigKnobKind::kBytes:
      return "bytes";
  }
  return "?";
}

absl::Span<const ConfigKnob> ConfigKnobs() { return kKnobs; }

const ConfigKnob* FindConfigKnob(absl::string_view name) {
  for (const ConfigKnob& knob : ConfigKnobs()) {
    if (knob.name == name) return &knob;
  }
  return nullptr;
}

absl::Status SetConfigKnob(Config& config, absl::string_view key,
                           absl::string_view value) {
  const ConfigKnob* knob = FindConfigKnob(key);
  if (knob == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown config key \"", key, "\"; valid keys: ", ValidKeys()));
  }
  if (absl::Status s = knob->set(config, value); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": ", s.message()));
  }
  return absl::OkStatus();
}

std::string ConfigKnobsMarkdown() {
  const Config defaults;
  std::string out = "| key | kind | default | meaning |\n|---|---|---|---|\n";
  for (const ConfigKnob& knob : ConfigKnobs()) {
    absl::StrAppend(&out, "| `", knob.name, "` | ",
                    ConfigKnobKindName(knob.kind), " | `", knob.get(defaults),
                    "` | ", knob.description, " |\n");
  }
  return out;
}

}  // namespace swim
