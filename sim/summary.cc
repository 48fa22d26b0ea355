#include "sim/summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
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

std::string PercentilesText(const Percentiles& p) {
  if (p.count == 0) return "-";
  return absl::StrCat("p50 ", FormatMs(p.p50), " ms, p99 ", FormatMs(p.p99),
                      " ms, max ", FormatMs(p.max), " ms (n=", p.count, ")");
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
void AppendTrafficText(const RunSummary& s, std::string* out) {
  absl::StrAppend(out, "traffic         ",
                  Milli(s.datagrams_per_node_second_milli), " datagrams and ",
                  Milli(s.bytes_per_node_second_milli),
                  " bytes per node per second; largest datagram ",
                  s.largest_datagram_bytes, " bytes; ", s.datagrams_sent,
                  " sent, ", s.datagrams_dropped, " dropped\n");
  absl::StrAppend(out, "  by message    ");
  for (size_t i = 0; i < kMessageTypeCount; ++i) {
    absl::StrAppend(out, i == 0 ? "" : ", ", MessageTypeName(i), " ",
                    Milli(s.bytes_by_message_milli[i]));
  }
  absl::StrAppend(out, " bytes per node per second\n");
  absl::StrAppend(
      out, "protocol        ", s.counters.suspicions_raised,
      " suspicions raised, ", s.counters.accusations_withheld,
      " withheld (no relay answered), ", s.counters.suspicions_verified,
      " verified by a last probe, ", s.counters.refutations, " refutations, ",
      s.counters.members_declared_offline, " OFFLINE declarations, ",
      s.counters.updates_refused, " updates refused (incarnation bound), ",
      s.counters.members_refused, " members refused (max_members)\n");
  absl::StrAppend(out, "validation      ", s.counters.challenges_sent,
                  " challenges, ", s.counters.addresses_validated,
                  " addresses validated, ", s.counters.replies_deferred,
                  " requests deferred (", s.counters.deferred_released,
                  " answered, ", s.counters.deferred_dropped, " dropped, ",
                  s.counters.deferred_expired, " expired), ",
                  s.counters.drops[static_cast<size_t>(DropReason::kReplayed)],
                  " replayed and ",
                  s.counters.drops[static_cast<size_t>(DropReason::kStale)],
                  " stale requests refused, ", s.counters.requests_unstamped,
                  " answered unstamped (version 1)\n");
  const Counters::Versions& v = s.counters.versions;
  const uint64_t bad_version =
      s.counters.drops[static_cast<size_t>(DropReason::kBadVersion)];
  // Only where a version 2 node ran, so version 1 runs read as before.
  if (v.datagrams_out_v2 > 0 || bad_version > 0 || v.no_overlap > 0) {
    absl::StrAppend(
        out, "versions        ", v.datagrams_out_v2,
        " datagrams sent in version 2 (", v.announcements, " announcements), ",
        bad_version, " dropped as bad_version, ", v.no_overlap,
        " not sent (no common version), ", v.messages_skipped, " messages and ",
        v.updates_skipped, " updates of unknown types skipped\n");
  }
  if (s.steady_from >= 0) {
    absl::StrAppend(
        out, "  steady        ",
        Milli(s.steady_datagrams_per_node_second_milli), " datagrams and ",
        Milli(s.steady_bytes_per_node_second_milli),
        " bytes per node per second over [", FormatSimTime(s.steady_from), ", ",
        FormatSimTime(s.steady_until), ")\n");
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

std::string FormatMs(SimTime t) {
  if (t < 0 || t == kNever) return "-";
  return absl::StrFormat("%d.%03d", t / 1000000, (t / 1000) % 1000);
}

std::string FormatSummaryText(const RunSummary& s) {
  std::string out;
  absl::StrAppend(&out, "scenario        ", s.scenario, ": ", s.nodes,
                  " nodes, seed ", s.seed, ", ", FormatSimTime(s.duration),
                  " simulated");
  if (s.liveness_at != kNever) {
    absl::StrAppend(&out, " (liveness from ", FormatSimTime(s.liveness_at),
                    ")");
  }
  absl::StrAppend(&out, "\n");
  absl::StrAppend(&out, "crashes         ", s.crashes, " (", s.crashes_detected,
                  " OFFLINE everywhere)\n");
  absl::StrAppend(&out, "first suspicion ", PercentilesText(s.first_suspicion),
                  "\n");
  absl::StrAppend(&out, "OFFLINE at node ",
                  PercentilesText(s.offline_at_observer), "\n");
  absl::StrAppend(&out, "OFFLINE everywh ",
                  PercentilesText(s.offline_everywhere), "\n");
  absl::StrAppend(&out, "false positives ", s.false_offlines,
                  " OFFLINE declarations of healthy nodes (",
                  s.members_falsely_offline, " distinct), ", s.false_suspicions,
                  " suspicions; ", s.healthy_status_changes,
                  " status changes of healthy nodes\n");
  absl::StrAppend(
      &out, "convergence     ",
      s.convergence < 0 ? std::string("not converged")
                        : absl::StrCat(FormatMs(s.convergence), " ms"),
      s.liveness_at != kNever ? " after liveness start" : " from time zero",
      "\n");
  absl::StrAppend(&out, "metadata        ", s.updates, " updates (",
                  s.updates_everywhere, " reached every live node)\n");
  absl::StrAppend(&out, "dissemination   ", PercentilesText(s.dissemination),
                  "\n");
  absl::StrAppend(&out, "  everywhere    ",
                  PercentilesText(s.dissemination_everywhere), "\n");
  // Only runs with application traffic show it: the others' text stays.
  if (s.user_broadcasts > 0 || s.direct_messages > 0) {
    absl::StrAppend(
        &out, "user broadcasts ", s.user_broadcasts, " (",
        s.user_broadcasts_everywhere, " of ", s.user_broadcasts_checked,
        " judged reached every live node: ",
        s.user_broadcasts_everywhere == s.user_broadcasts_checked ? "yes"
                                                                  : "no",
        "); ", s.user_deliveries, " deliveries, ", s.user_duplicate_deliveries,
        " duplicates; ", s.direct_messages, " direct messages delivered\n");
    absl::StrAppend(&out, "  everywhere    ",
                    PercentilesText(s.user_broadcast_everywhere), "\n");
  }
  AppendCoordinatesText(s, &out);
  AppendTrafficText(s, &out);
  if (s.wall_ns > 0) {
    const double wall_s = static_cast<double>(s.wall_ns) / 1e9;
    absl::StrAppend(
        &out, "wall time       ", absl::StrFormat("%.2f", wall_s),
        " s; simulated/real ",
        absl::StrFormat("%.1f", static_cast<double>(s.duration) /
                                    static_cast<double>(s.wall_ns)),
        "x; ", absl::StrFormat("%.0f", static_cast<double>(s.events) / wall_s),
        " events/s; peak memory ", s.peak_rss_bytes / (int64_t{1024} * 1024),
        " MiB\n");
  }
  absl::StrAppend(&out, "oracles         ", absl::StrJoin(s.oracles_run, ", "),
                  ": ",
                  s.ok() ? std::string("all passed")
                         : absl::StrCat(s.violation_count, " violation(s)"),
                  "\n");
  for (const Violation& v : s.violations) {
    absl::StrAppend(&out, "  VIOLATION [", v.oracle, "] at ",
                    FormatSimTime(v.at), ": ", v.detail, "\n");
  }
  absl::StrAppend(&out, "digest          ", s.digest, " (", s.trace_records,
                  " trace records, ", s.events, " events)\n");
  if (!s.ok() && !s.replay_command.empty()) {
    absl::StrAppend(&out, "replay with     ", s.replay_command, "\n");
  }
  return out;
}

// One field a line, in the order of RunSummary: long, not complex.
// NOLINTNEXTLINE(readability-function-size)
std::string FormatSummaryJson(const RunSummary& s) {
  std::string out = "{\n";
  auto field = [&](absl::string_view key, const std::string& value) {
    absl::StrAppend(&out, "  ", JsonString(key), ": ", value, ",\n");
  };
  field("scenario", JsonString(s.scenario));
  field("nodes", absl::StrCat(s.nodes));
  field("seed", absl::StrCat(s.seed));
  field("duration_ms", JsonMs(s.duration));
  field("liveness_at_ms", JsonMs(s.liveness_at));
  field("digest", JsonString(s.digest));
  field("events", absl::StrCat(s.events));
  field("crashes", absl::StrCat(s.crashes));
  field("crashes_detected", absl::StrCat(s.crashes_detected));
  field("first_suspicion", PercentilesJson(s.first_suspicion));
  field("offline_at_observer", PercentilesJson(s.offline_at_observer));
  field("offline_everywhere", PercentilesJson(s.offline_everywhere));
  field("false_suspicions", absl::StrCat(s.false_suspicions));
  field("false_offlines", absl::StrCat(s.false_offlines));
  field("members_falsely_offline", absl::StrCat(s.members_falsely_offline));
  field("healthy_status_changes", absl::StrCat(s.healthy_status_changes));
  field("convergence_ms", JsonMs(s.convergence));
  field("updates", absl::StrCat(s.updates));
  field("updates_everywhere", absl::StrCat(s.updates_everywhere));
  field("dissemination", PercentilesJson(s.dissemination));
  field("dissemination_everywhere",
        PercentilesJson(s.dissemination_everywhere));
  field("user_broadcasts", absl::StrCat(s.user_broadcasts));
  field("user_broadcasts_checked", absl::StrCat(s.user_broadcasts_checked));
  field("user_broadcasts_everywhere",
        absl::StrCat(s.user_broadcasts_everywhere));
  field("user_broadcast_everywhere",
        PercentilesJson(s.user_broadcast_everywhere));
  field("user_deliveries", absl::StrCat(s.user_deliveries));
  field("user_duplicate_deliveries", absl::StrCat(s.user_duplicate_deliveries));
  field("direct_messages", absl::StrCat(s.direct_messages));
  field("coordinates", CoordinatesJson(s));
  field("datagrams_sent", absl::StrCat(s.datagrams_sent));
  field("bytes_sent", absl::StrCat(s.bytes_sent));
  field("datagrams_dropped", absl::StrCat(s.datagrams_dropped));
  field("largest_datagram_bytes", absl::StrCat(s.largest_datagram_bytes));
  field("datagrams_per_node_second", Milli(s.datagrams_per_node_second_milli));
  field("bytes_per_node_second", Milli(s.bytes_per_node_second_milli));
  field("bytes_per_node_second_by_message", BytesByMessageJson(s));
  field("suspicions_raised", absl::StrCat(s.counters.suspicions_raised));
  field("accusations_withheld", absl::StrCat(s.counters.accusations_withheld));
  field("suspicions_verified", absl::StrCat(s.counters.suspicions_verified));
  field("refutations", absl::StrCat(s.counters.refutations));
  field("offline_declarations",
        absl::StrCat(s.counters.members_declared_offline));
  field("updates_refused", absl::StrCat(s.counters.updates_refused));
  field("members_refused", absl::StrCat(s.counters.members_refused));
  field("steady_from_ms", JsonMs(s.steady_from));
  field("steady_until_ms", JsonMs(s.steady_until));
  field("steady_datagrams_per_node_second",
        s.steady_from >= 0 ? Milli(s.steady_datagrams_per_node_second_milli)
                           : "null");
  field("steady_bytes_per_node_second",
        s.steady_from >= 0 ? Milli(s.steady_bytes_per_node_second_milli)
                           : "null");
  field("wall_ms", s.wall_ns > 0 ? JsonMs(s.wall_ns) : "null");
  field("sim_to_real_ratio",
        s.wall_ns > 0
            ? absl::StrFormat("%.2f", static_cast<double>(s.duration) /
                                          static_cast<double>(s.wall_ns))
            : "null");
  field("events_per_second",
        s.wall_ns > 0
            ? absl::StrFormat("%.0f", static_cast<double>(s.events) * 1e9 /
                                          static_cast<double>(s.wall_ns))
            : "null");
  field("peak_rss_bytes",
        s.peak_rss_bytes > 0 ? absl::StrCat(s.peak_rss_bytes) : "null");
  std::vector<std::string> oracles;
  for (const std::string& o : s.oracles_run) oracles.push_back(JsonString(o));
  field("oracles", absl::StrCat("[", absl::StrJoin(oracles, ", "), "]"));
  field("violation_count", absl::StrCat(s.violation_count));
  field("violations", ViolationsJson(s));
  field("replay_command", JsonString(s.replay_command));
  absl::StrAppend(&out, "  \"ok\": ", s.ok() ? "true" : "false", "\n}\n");
  return out;
}

}  // namespace swim::sim
