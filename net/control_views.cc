#include "net/control_views.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "net/json_text.h"
#include "net/member_snapshot.h"
#include "net/node_metrics.h"
#include "net/subscription.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/status.h"

namespace swim::net {
namespace {

std::string MetadataText(const Metadata& metadata) {
  std::string out;
  for (const auto& [key, value] : metadata) {
    // Escaped: metadata is arbitrary bytes, and a terminal would obey them.
    absl::StrAppend(&out, out.empty() ? "" : " ", absl::CHexEscape(key), "=",
                    absl::CHexEscape(value));
  }
  return out;
}

std::string MetadataJson(const Metadata& metadata) {
  std::string out = "{";
  for (const auto& [key, value] : metadata) {
    absl::StrAppend(&out, out.size() > 1 ? "," : "", JsonString(key), ":",
                    JsonString(value));
  }
  return out + "}";
}

absl::string_view JsonBool(bool b) { return b ? "true" : "false"; }

std::string StatusText(Status status, OfflineReason reason) {
  if (status == Status::kOffline && reason != OfflineReason::kNone) {
    return absl::StrCat(StatusName(status), " (", OfflineReasonName(reason),
                        ")");
  }
  return std::string(StatusName(status));
}

// `all` is by name (UdpNode::RoundTrips).
const MemberRoundTrip* FindRoundTrip(absl::Span<const MemberRoundTrip> all,
                                     absl::string_view member) {
  auto it = std::lower_bound(all.begin(), all.end(), member,
                             [](const MemberRoundTrip& r, absl::string_view m) {
                               return absl::string_view(r.member) < m;
                             });
  if (it == all.end() || it->member != member) return nullptr;
  return &*it;
}

std::string Ms(absl::Duration d) {
  return absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(d));
}

std::string RoundTripText(const MemberRoundTrip* r) {
  if (r == nullptr || (!r->rtt.has_value() && !r->estimated.has_value())) {
    return "-";
  }
  std::string out;
  if (r->rtt.has_value()) {
    absl::StrAppend(&out, Ms(r->rtt->srtt), "ms +/-", Ms(r->rtt->rttvar), "ms");
  }
  if (r->estimated.has_value()) {
    absl::StrAppend(&out, out.empty() ? "" : " ", "~", Ms(*r->estimated), "ms");
  }
  return out;
}

std::string RoundTripJson(const MemberRoundTrip* r) {
  std::string out;
  if (r == nullptr) return out;
  if (r->rtt.has_value()) {
    absl::StrAppend(&out, ",\"rtt_ms\":", Ms(r->rtt->srtt),
                    ",\"rttvar_ms\":", Ms(r->rtt->rttvar));
  }
  if (r->estimated.has_value()) {
    absl::StrAppend(&out, ",\"estimated_rtt_ms\":", Ms(*r->estimated));
  }
  return out;
}

}  // namespace

std::string MemberStatusText(const MemberInfo& member) {
  return StatusText(member.status, member.offline_reason);
}

std::string MembersTable(const MembersSnapshot& members,
                         absl::Span<const MemberRoundTrip> round_trips) {
  struct Row {
    std::vector<std::string> cells;
  };
  const bool with_rtt = !round_trips.empty();
  std::vector<Row> rows;
  rows.push_back({{"NAME", "ADDRESS", "STATUS", "INCARNATION", "METADATA"}});
  if (with_rtt) rows.back().cells.insert(rows.back().cells.begin() + 4, "RTT");
  for (const MemberInfo& m : members.members) {
    rows.push_back({{absl::StrCat(m.is_local ? "*" : "", m.name), m.address,
                     MemberStatusText(m), absl::StrCat(m.incarnation),
                     MetadataText(m.metadata)}});
    if (with_rtt) {
      rows.back().cells.insert(
          rows.back().cells.begin() + 4,
          RoundTripText(FindRoundTrip(round_trips, m.name)));
    }
  }
  const size_t columns = rows.front().cells.size();
  std::vector<size_t> widths(columns, 0);
  for (const Row& row : rows) {
    for (size_t i = 0; i < columns; ++i) {
      widths[i] = std::max(widths[i], row.cells[i].size());
    }
  }
  std::string out;
  for (const Row& row : rows) {
    std::string line;
    for (size_t i = 0; i + 1 < columns; ++i) {
      absl::StrAppend(&line, row.cells[i],
                      std::string(widths[i] - row.cells[i].size() + 2, ' '));
    }
    absl::StrAppend(&line, row.cells[columns - 1]);
    absl::StrAppend(&out, absl::StripTrailingAsciiWhitespace(line), "\n");
  }
  return out;
}

std::string MembersJson(const MembersSnapshot& members,
                        absl::Span<const MemberRoundTrip> round_trips) {
  std::string out = "{\"members\":[";
  bool first = true;
  for (const MemberInfo& m : members.members) {
    absl::StrAppend(
        &out, first ? "" : ",", "{\"name\":", JsonString(m.name),
        ",\"address\":", JsonString(m.address),
        ",\"status\":", JsonString(StatusName(m.status)),
        ",\"offline_reason\":", JsonString(OfflineReasonName(m.offline_reason)),
        ",\"incarnation\":", m.incarnation,
        ",\"metadata_version\":", m.metadata_version,
        ",\"local\":", JsonBool(m.is_local),
        RoundTripJson(FindRoundTrip(round_trips, m.name)),
        ",\"metadata\":", MetadataJson(m.metadata), "}");
    first = false;
  }
  return out + "]}\n";
}

std::string StatsText(absl::string_view node_name,
                      absl::Span<const MetricSample> samples) {
  std::vector<std::string> names;
  size_t width = 0;
  for (const MetricSample& s : samples) {
    std::string name(absl::StripPrefix(s.family, "swim_"));
    if (!s.label_name.empty()) absl::StrAppend(&name, "{", s.label_value, "}");
    width = std::max(width, name.size());
    names.push_back(std::move(name));
  }
  std::string out = absl::StrCat("node ", node_name, "\n");
  for (size_t i = 0; i < samples.size(); ++i) {
    absl::StrAppend(&out, names[i],
                    std::string(width - names[i].size() + 2, ' '),
                    samples[i].value, "\n");
  }
  return out;
}

std::string StatsJson(absl::string_view node_name,
                      absl::Span<const MetricSample> samples) {
  std::string out = absl::StrCat("{\"name\":", JsonString(node_name));
  for (size_t i = 0; i < samples.size(); ++i) {
    const MetricSample& s = samples[i];
    const std::string key = JsonString(absl::StripPrefix(s.family, "swim_"));
    if (s.label_name.empty()) {
      absl::StrAppend(&out, ",", key, ":", s.value);
      continue;
    }
    const bool first = i == 0 || samples[i - 1].family != s.family;
    const bool last =
        i + 1 == samples.size() || samples[i + 1].family != s.family;
    absl::StrAppend(&out, first ? absl::StrCat(",", key, ":{") : ",",
                    JsonString(s.label_value), ":", s.value, last ? "}" : "");
  }
  return out + "}\n";
}

std::string KeysText(absl::Span<const KeyId> ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    absl::StrAppend(&out, KeyIdText(ids[i]), i == 0 ? " primary" : "", "\n");
  }
  return out;
}

std::string KeysJson(absl::Span<const KeyId> ids) {
  std::string out = "{\"primary\":";
  absl::StrAppend(&out, ids.empty() ? "null" : JsonString(KeyIdText(ids[0])),
                  ",\"keys\":[");
  for (size_t i = 0; i < ids.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ",", JsonString(KeyIdText(ids[i])));
  }
  return out + "]}\n";
}

std::string EventLine(const MemberChange& change, absl::Time at, bool json) {
  const MemberEvent& e = change.event;
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", at, absl::UTCTimeZone());
  if (json) {
    return absl::StrCat(
        "{\"time\":", JsonString(time), ",\"member\":", JsonString(e.member),
        ",\"address\":", JsonString(change.member.address),
        ",\"previous\":", JsonString(StatusName(e.previous)),
        ",\"status\":", JsonString(StatusName(e.current)),
        ",\"offline_reason\":", JsonString(OfflineReasonName(e.offline_reason)),
        ",\"incarnation\":", e.incarnation,
        ",\"metadata_changed\":", JsonBool(e.metadata_changed),
        ",\"forgotten\":", JsonBool(e.forgotten),
        ",\"metadata\":", MetadataJson(change.member.metadata), "}");
  }
  const std::string now =
      e.forgotten ? "forgotten" : StatusText(e.current, e.offline_reason);
  // A metadata or incarnation change keeps the status: no arrow.
  std::string line =
      absl::StrCat(time, " ", e.member, " ",
                   e.previous == e.current
                       ? now
                       : absl::StrCat(StatusName(e.previous), " -> ", now),
                   " incarnation=", e.incarnation);
  if (e.metadata_changed) {
    absl::StrAppend(&line, " metadata={", MetadataText(change.member.metadata),
                    "}");
  }
  return line;
}

}  // namespace swim::net
