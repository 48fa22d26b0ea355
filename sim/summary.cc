#include "sim/summary.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/wording.h"
#include "swim/counters.h"
#include "swim/drop_reason.h"

namespace swim::sim {
namespace {

std::string Milli(uint64_t v) {
  return absl::StrFormat("%d.%03d", v / 1000, v % 1000);
}

std::string JsonMs(SimTime t) {
  if (t < 0 || t == kNever) return "null";
  return absl::StrFormat("%d.%06d", t / 1000000, t % 1000000);
}

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, absl::StrFormat("\\u%04x", c));
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

// Labels are padded to one column, at least two spaces before the value
// (the HTML report splits rows there).
constexpr size_t kLabelWidth = 24;

void Row(std::string* out, absl::string_view label, absl::string_view value) {
  absl::StrAppend(
      out, label,
      std::string(
          label.size() + 2 > kLabelWidth ? 2 : kLabelWidth - label.size(), ' '),
      value, "\n");
}

// "p50 1.2 ms, p99 3.4 ms, max 5.6 ms over 45 crash-observer pairs".
std::string PercentilesText(const Percentiles& p, absl::string_view singular,
                            absl::string_view plural = {}) {
  if (p.count == 0) return "-";
  return absl::StrCat("p50 ", FormatMs(p.p50), " ms, p99 ", FormatMs(p.p99),
                      " ms, max ", FormatMs(p.max), " ms over ",
                      Count(p.count, singular, plural));
}

std::string PercentilesJson(const Percentiles& p) {
  return absl::StrCat("{\"count\": ", p.count,
                      ", \"p50_ms\": ", p.count ? JsonMs(p.p50) : "null",
                      ", \"p99_ms\": ", p.count ? JsonMs(p.p99) : "null",
                      ", \"max_ms\": ", p.count ? JsonMs(p.max) : "null", "}");
}

std::string CoordinatesJson(const RunSummary& s) {
  return absl::StrCat(
      "{\"pairs\": ", s.coordinate_pairs,
      ", \"within_25pct\": ", s.coordinate_pairs_within_25pct,
      ", \"error_p50_permille\": ", s.coordinate_error_p50_permille,
      ", \"error_p90_permille\": ", s.coordinate_error_p90_permille, "}");
}

// The coordinates' line of FormatSummaryText, for runs that have them.
void AppendCoordinatesText(const RunSummary& s, std::string* out) {
  if (s.coordinate_pairs == 0) return;
  absl::StrAppend(
      out, "coordinates     ",
      Milli(s.coordinate_pairs_within_25pct * 100000 / s.coordinate_pairs),
      "% of ", s.coordinate_pairs,
      " pairs within 25% of the modelled RTT; relative error p50 ",
      Milli(s.coordinate_error_p50_permille * 100), "%, p90 ",
      Milli(s.coordinate_error_p90_permille * 100), "%\n");
}

// The traffic and protocol lines of FormatSummaryText.
// Only runs that set application states show them.
void AppendAppStatesText(const RunSummary& s, std::string* out) {
  if (s.app_states_set == 0) return;
  absl::StrAppend(out, "app states      ", s.app_states_set, " set; ",
                  s.app_state_merges, " merges delivered (",
                  s.app_state_join_merges, " at joins); ",
                  s.app_states_everywhere, " of ", s.app_states_checked,
                  " latest states held by every live node\n");
}

void AppendTrafficText(const RunSummary& s, std::string* out) {
  Row(out, "traffic",
      absl::StrCat(Milli(s.datagrams_per_node_second_milli), " datagrams and ",
                   Milli(s.bytes_per_node_second_milli),
                   " bytes per node per second; largest datagram ",
                   s.largest_datagram_bytes, " bytes; ",
                   Count(s.datagrams_sent, "datagram"), " sent, ",
                   s.datagrams_dropped, " dropped"));
  std::string by_message;
  for (size_t i = 0; i < kMessageTypeCount; ++i) {
    absl::StrAppend(&by_message, i == 0 ? "" : ", ", MessageTypeName(i), " ",
                    Milli(s.bytes_by_message_milli[i]));
  }
  Row(out, "  by message",
      absl::StrCat(by_message, " bytes per node per second"));
  const Counters& c = s.counters;
  Row(out, "protocol",
      absl::StrCat(
          Count(c.suspicions_raised, "suspicion raised by nodes",
                "suspicions raised by nodes"),
          " (own failed probes), ",
          Count(c.accusations_withheld, "accusation withheld",
                "accusations withheld"),
          " (no relay answered), ", c.suspicions_verified,
          " verified by a last probe, ", Count(c.refutations, "refutation"),
          ", ", Count(c.members_declared_offline, "OFFLINE declaration"), ", ",
          Count(c.updates_refused, "update"), " refused (incarnation bound), ",
          Count(c.members_refused, "member"), " refused (max_members)"));
  Row(out, "validation",
      absl::StrCat(
          Count(c.challenges_sent, "challenge"), ", ",
          Count(c.addresses_validated, "address validated",
                "addresses validated"),
          ", ",
          Count(c.replies_deferred, "request deferred", "requests deferred"),
          " (", c.deferred_released, " answered, ", c.deferred_dropped,
          " dropped, ", c.deferred_expired, " expired), ",
          c.drops[static_cast<size_t>(DropReason::kReplayed)], " replayed and ",
          c.drops[static_cast<size_t>(DropReason::kStale)],
          " stale requests refused, ", c.requests_unstamped,
          " answered unstamped (version 1)"));
  const Counters::Versions& v = c.versions;
  const uint64_t bad_version =
      c.drops[static_cast<size_t>(DropReason::kBadVersion)];
  // Only where a version 2 node ran, so version 1 runs read as before.
  if (v.datagrams_out_v2 > 0 || bad_version > 0 || v.no_overlap > 0) {
    Row(out, "versions",
        absl::StrCat(
            Count(v.datagrams_out_v2, "datagram"), " sent in version 2 (",
            Count(v.announcements, "announcement"), "), ", bad_version,
            " dropped as bad_version, ", v.no_overlap,
            " not sent (no common version), ",
            Count(v.messages_skipped, "message"), " and ",
            Count(v.updates_skipped, "update"), " of unknown types skipped"));
  }
  if (s.steady_from >= 0) {
    Row(out, "  steady",
        absl::StrCat(
            Milli(s.steady_datagrams_per_node_second_milli), " datagrams and ",
            Milli(s.steady_bytes_per_node_second_milli),
            " bytes per node per second over [", FormatSimTime(s.steady_from),
            ", ", FormatSimTime(s.steady_until), ")"));
  }
}

// {"Ping": bytes per node per second, ...}
std::string BytesByMessageJson(const RunSummary& s) {
  std::string by_message = "{";
  for (size_t i = 0; i < kMessageTypeCount; ++i) {
    absl::StrAppend(&by_message, i == 0 ? "" : ", ", "\"", MessageTypeName(i),
                    "\": ", Milli(s.bytes_by_message_milli[i]));
  }
  by_message += "}";
  return by_message;
}

// The violations kept, as a JSON array.
std::string ViolationsJson(const RunSummary& s) {
  std::vector<std::string> violations;
  for (const Violation& v : s.violations) {
    violations.push_back(absl::StrCat(
        "{\"oracle\": ", JsonString(v.oracle), ", \"at_ms\": ", JsonMs(v.at),
        ", \"detail\": ", JsonString(v.detail), "}"));
  }
  return absl::StrCat("[", absl::StrJoin(violations, ",\n    "), "]");
}

}  // namespace

uint64_t PerNodeSecondMilli(uint64_t total, int nodes, SimTime span) {
  if (nodes <= 0 || span <= 0) return 0;
  // total × 1000 / (nodes × seconds), seconds = span / 1e9.
  const absl::uint128 num = absl::uint128(total) * 1000 * 1000000000ULL;
  const absl::uint128 den =
      absl::uint128(static_cast<uint64_t>(nodes)) * static_cast<uint64_t>(span);
  return static_cast<uint64_t>(num / den);
}

std::string FormatMs(SimTime t) {
  if (t < 0 || t == kNever) return "-";
  return absl::StrFormat("%d.%03d", t / 1000000, (t / 1000) % 1000);
}

namespace {

// Only runs with application traffic show it: the others' text stays.
void AppendUserBroadcastsText(const RunSummary& s, std::string* out) {
  if (s.user_broadcasts == 0 && s.direct_messages == 0) return;
  Row(out, "user broadcasts",
      absl::StrCat(
          Count(s.user_broadcasts, "broadcast"), ", ",
          s.user_broadcasts_everywhere, " of ", s.user_broadcasts_checked,
          " judged reached every live node (",
          s.user_broadcasts_everywhere == s.user_broadcasts_checked ? "all"
                                                                    : "not all",
          "); ", Count(s.user_deliveries, "delivery", "deliveries"), ", ",
          Count(s.user_duplicate_deliveries, "duplicate"), "; ",
          Count(s.direct_messages, "direct message"), " delivered"));
  Row(out, "  everywhere",
      PercentilesText(s.user_broadcast_everywhere, "broadcast"));
}

}  // namespace

std::string FormatSummaryText(const RunSummary& s) {
  std::string out;
  Row(&out, "scenario",
      absl::StrCat(s.scenario, ": ", Count(s.nodes, "node"), ", seed ", s.seed,
                   ", ", FormatSimTime(s.duration), " simulated",
                   s.liveness_at != kNever
                       ? absl::StrCat(" (liveness from ",
                                      FormatSimTime(s.liveness_at), ")")
                       : ""));
  Row(&out, "crashes",
      s.crashes == 0
          ? std::string("none")
          : absl::StrCat(Count(s.crashes, "crash", "crashes"), ", ",
                         s.crashes_detected, " of them seen OFFLINE by ",
                         "every live node"));
  Row(&out, "  first held SUSPECT",
      PercentilesText(s.first_suspicion_raised, "crash", "crashes"));
  Row(&out, "  first SUSPECT shown",
      PercentilesText(s.first_suspicion, "crash", "crashes"));
  Row(&out, "  OFFLINE per observer",
      PercentilesText(s.offline_at_observer, "crash-observer pair"));
  Row(&out, "  OFFLINE everywhere",
      PercentilesText(s.offline_everywhere, "crash", "crashes"));
  Row(&out, "false positives",
      absl::StrCat(Count(s.false_offlines, "OFFLINE declaration"),
                   " of healthy nodes (",
                   Count(s.members_falsely_offline, "distinct node"),
                   "); SUSPECT ", "shown to observers about healthy nodes: ",
                   Count(s.false_suspicions, "time"), " (",
                   Milli(PerNodeSecondMilli(s.false_suspicions * 60, s.nodes,
                                            s.duration)),
                   " per observer per minute); ",
                   Count(s.healthy_status_changes, "status change"),
                   " of healthy nodes"));
  Row(&out, "convergence",
      absl::StrCat(s.convergence < 0
                       ? std::string("not converged")
                       : absl::StrCat(FormatMs(s.convergence), " ms"),
                   s.liveness_at != kNever ? " after liveness start"
                                           : " from time zero"));
  Row(&out, "metadata",
      absl::StrCat(Count(s.updates, "update"), ", ", s.updates_everywhere,
                   " reached every live node"));
  Row(&out, "  dissemination",
      PercentilesText(s.dissemination, "update-observer pair"));
  Row(&out, "  everywhere",
      PercentilesText(s.dissemination_everywhere, "update"));
  AppendUserBroadcastsText(s, &out);
  AppendAppStatesText(s, &out);
  AppendCoordinatesText(s, &out);
  AppendTrafficText(s, &out);
  if (s.wall_ns > 0) {
    const double wall_s = static_cast<double>(s.wall_ns) / 1e9;
    Row(&out, "wall time",
        absl::StrCat(
            FormatWallDuration(s.wall_ns), "; simulated/real ",
            absl::StrFormat("%.1f", static_cast<double>(s.duration) /
                                        static_cast<double>(s.wall_ns)),
            "x; ",
            absl::StrFormat("%.0f", static_cast<double>(s.events) / wall_s),
            " events/s; peak memory ",
            s.peak_rss_bytes / (int64_t{1024} * 1024), " MiB"));
  }
  Row(&out, "oracles",
      absl::StrCat(absl::StrJoin(s.oracles_run, ", "), ": ",
                   s.ok() ? std::string("all passed")
                          : Count(s.violation_count, "violation")));
  for (const Violation& v : s.violations) {
    absl::StrAppend(&out, "  VIOLATION [", v.oracle, "] at ",
                    FormatSimTime(v.at), ": ", v.detail, "\n");
  }
  Row(&out, "digest",
      absl::StrCat(s.digest, " (", Count(s.trace_records, "trace record"), ", ",
                   Count(s.events, "event"), ")"));
  if (!s.ok() && !s.replay_command.empty()) {
    Row(&out, "replay with", s.replay_command);
  }
  return out;
}

namespace {

// A JSON object written one field a line, in the order of RunSummary; each
// Append*Json below writes one group of its fields.
class JsonFields {
 public:
  void Add(absl::string_view key, const std::string& value) {
    absl::StrAppend(&out_, "  ", JsonString(key), ": ", value, ",\n");
  }
  // The object, closed by its last field.
  std::string Close(absl::string_view last_key, absl::string_view last_value) {
    absl::StrAppend(&out_, "  ", JsonString(last_key), ": ", last_value,
                    "\n}\n");
    return std::move(out_);
  }

 private:
  std::string out_ = "{\n";
};

void AppendRunJson(const RunSummary& s, JsonFields& f) {
  f.Add("scenario", JsonString(s.scenario));
  f.Add("nodes", absl::StrCat(s.nodes));
  f.Add("seed", absl::StrCat(s.seed));
  f.Add("duration_ms", JsonMs(s.duration));
  f.Add("liveness_at_ms", JsonMs(s.liveness_at));
  f.Add("digest", JsonString(s.digest));
  f.Add("events", absl::StrCat(s.events));
}

void AppendDetectionJson(const RunSummary& s, JsonFields& f) {
  f.Add("crashes", absl::StrCat(s.crashes));
  f.Add("crashes_detected", absl::StrCat(s.crashes_detected));
  f.Add("first_suspicion", PercentilesJson(s.first_suspicion));
  f.Add("first_suspicion_raised", PercentilesJson(s.first_suspicion_raised));
  f.Add("offline_at_observer", PercentilesJson(s.offline_at_observer));
  f.Add("offline_everywhere", PercentilesJson(s.offline_everywhere));
  f.Add("false_suspicions", absl::StrCat(s.false_suspicions));
  f.Add("false_offlines", absl::StrCat(s.false_offlines));
  f.Add("members_falsely_offline", absl::StrCat(s.members_falsely_offline));
  f.Add("healthy_status_changes", absl::StrCat(s.healthy_status_changes));
  f.Add("convergence_ms", JsonMs(s.convergence));
}

void AppendDisseminationJson(const RunSummary& s, JsonFields& f) {
  f.Add("updates", absl::StrCat(s.updates));
  f.Add("updates_everywhere", absl::StrCat(s.updates_everywhere));
  f.Add("dissemination", PercentilesJson(s.dissemination));
  f.Add("dissemination_everywhere",
        PercentilesJson(s.dissemination_everywhere));
  f.Add("user_broadcasts", absl::StrCat(s.user_broadcasts));
  f.Add("user_broadcasts_checked", absl::StrCat(s.user_broadcasts_checked));
  f.Add("user_broadcasts_everywhere",
        absl::StrCat(s.user_broadcasts_everywhere));
  f.Add("user_broadcast_everywhere",
        PercentilesJson(s.user_broadcast_everywhere));
  f.Add("user_deliveries", absl::StrCat(s.user_deliveries));
  f.Add("user_duplicate_deliveries", absl::StrCat(s.user_duplicate_deliveries));
  f.Add("direct_messages", absl::StrCat(s.direct_messages));
  f.Add("coordinates", CoordinatesJson(s));
}

void AppendTrafficJson(const RunSummary& s, JsonFields& f) {
  f.Add("datagrams_sent", absl::StrCat(s.datagrams_sent));
  f.Add("bytes_sent", absl::StrCat(s.bytes_sent));
  f.Add("datagrams_dropped", absl::StrCat(s.datagrams_dropped));
  f.Add("largest_datagram_bytes", absl::StrCat(s.largest_datagram_bytes));
  f.Add("datagrams_per_node_second", Milli(s.datagrams_per_node_second_milli));
  f.Add("bytes_per_node_second", Milli(s.bytes_per_node_second_milli));
  f.Add("bytes_per_node_second_by_message", BytesByMessageJson(s));
}

void AppendCountersJson(const RunSummary& s, JsonFields& f) {
  f.Add("suspicions_raised", absl::StrCat(s.counters.suspicions_raised));
  f.Add("accusations_withheld", absl::StrCat(s.counters.accusations_withheld));
  f.Add("suspicions_verified", absl::StrCat(s.counters.suspicions_verified));
  f.Add("refutations", absl::StrCat(s.counters.refutations));
  f.Add("offline_declarations",
        absl::StrCat(s.counters.members_declared_offline));
  f.Add("updates_refused", absl::StrCat(s.counters.updates_refused));
  f.Add("members_refused", absl::StrCat(s.counters.members_refused));
}

// The steady window's rates, then the wall-clock figures (null when not
// measured).
void AppendRatesJson(const RunSummary& s, JsonFields& f) {
  f.Add("steady_from_ms", JsonMs(s.steady_from));
  f.Add("steady_until_ms", JsonMs(s.steady_until));
  f.Add("steady_datagrams_per_node_second",
        s.steady_from >= 0 ? Milli(s.steady_datagrams_per_node_second_milli)
                           : "null");
  f.Add("steady_bytes_per_node_second",
        s.steady_from >= 0 ? Milli(s.steady_bytes_per_node_second_milli)
                           : "null");
  f.Add("wall_ms", s.wall_ns > 0 ? JsonMs(s.wall_ns) : "null");
  f.Add("sim_to_real_ratio",
        s.wall_ns > 0
            ? absl::StrFormat("%.2f", static_cast<double>(s.duration) /
                                          static_cast<double>(s.wall_ns))
            : "null");
  f.Add("events_per_second",
        s.wall_ns > 0
            ? absl::StrFormat("%.0f", static_cast<double>(s.events) * 1e9 /
                                          static_cast<double>(s.wall_ns))
            : "null");
  f.Add("peak_rss_bytes",
        s.peak_rss_bytes > 0 ? absl::StrCat(s.peak_rss_bytes) : "null");
}

void AppendVerdictJson(const RunSummary& s, JsonFields& f) {
  std::vector<std::string> oracles;
  oracles.reserve(s.oracles_run.size());
  for (const std::string& o : s.oracles_run) oracles.push_back(JsonString(o));
  f.Add("oracles", absl::StrCat("[", absl::StrJoin(oracles, ", "), "]"));
  f.Add("violation_count", absl::StrCat(s.violation_count));
  f.Add("violations", ViolationsJson(s));
  f.Add("replay_command", JsonString(s.replay_command));
}

}  // namespace

std::string FormatSummaryJson(const RunSummary& s) {
  JsonFields fields;
  AppendRunJson(s, fields);
  AppendDetectionJson(s, fields);
  AppendDisseminationJson(s, fields);
  AppendTrafficJson(s, fields);
  AppendCountersJson(s, fields);
  AppendRatesJson(s, fields);
  AppendVerdictJson(s, fields);
  return fields.Close("ok", s.ok() ? "true" : "false");
}

}  // namespace swim::sim
