// The scenario's values: node sets, percentages and durations, from text
// and back. The statements are parsed in scenario_parser.cc.
#include "sim/scenario.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace swim::sim {
namespace {

// Parses "12" or "12.5" with at most four decimals as value × 10^4.
bool ParseFixed4(absl::string_view text, uint64_t* out) {
  uint64_t whole = 0;
  uint64_t frac = 0;
  int frac_digits = 0;
  bool seen_dot = false;
  bool any = false;
  for (char c : text) {
    if (c == '.') {
      if (seen_dot) return false;
      seen_dot = true;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    any = true;
    if (seen_dot) {
      if (++frac_digits > 4) return false;
      frac = frac * 10 + static_cast<uint64_t>(c - '0');
    } else {
      whole = whole * 10 + static_cast<uint64_t>(c - '0');
      if (whole > 1000000000) return false;
    }
  }
  if (!any) return false;
  for (int i = frac_digits; i < 4; ++i) frac *= 10;
  *out = whole * 10000 + frac;
  return true;
}

// "A%..B%": a half-open range of the node count.
absl::StatusOr<NodeSet::Range> ParsePercentRange(
    absl::string_view part, const std::vector<absl::string_view>& ends) {
  if (ends.size() != 2 || !absl::EndsWith(ends[1], "%")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a percentage range needs two percentages: \"", part, "\""));
  }
  uint64_t a = 0;
  uint64_t b = 0;
  if (!ParseFixed4(absl::StripSuffix(ends[0], "%"), &a) ||
      !ParseFixed4(absl::StripSuffix(ends[1], "%"), &b) || a > b ||
      b > uint64_t{100} * 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad percentage range \"", part, "\""));
  }
  NodeSet::Range r;
  r.first = static_cast<uint32_t>(a);
  r.last = static_cast<uint32_t>(b);
  r.percent = true;
  return r;
}

// "I" or "I..J": indexes, inclusive.
absl::StatusOr<NodeSet::Range> ParseIndexRange(
    absl::string_view part, const std::vector<absl::string_view>& ends) {
  uint32_t a = 0;
  uint32_t b = 0;
  if (!absl::SimpleAtoi(ends[0], &a) ||
      (ends.size() == 2 && !absl::SimpleAtoi(ends[1], &b))) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad node index in \"", part, "\""));
  }
  if (ends.size() == 1) b = a;
  if (a > b) {
    return absl::InvalidArgumentError(
        absl::StrCat("empty range \"", part, "\""));
  }
  NodeSet::Range r;
  r.first = a;
  r.last = b;
  return r;
}

// One element of a node set: "7", "10..19" or "0%..50%".
absl::StatusOr<NodeSet::Range> ParseRange(absl::string_view part) {
  std::vector<absl::string_view> ends = absl::StrSplit(part, "..");
  if (ends.size() > 2) {
    return absl::InvalidArgumentError(absl::StrCat("bad range \"", part, "\""));
  }
  if (absl::EndsWith(ends[0], "%")) return ParsePercentRange(part, ends);
  return ParseIndexRange(part, ends);
}

}  // namespace

absl::StatusOr<NodeSet> ParseNodeSet(absl::string_view text) {
  NodeSet set;
  absl::string_view body = text;
  if (absl::ConsumePrefix(&body, "{")) {
    if (!absl::ConsumeSuffix(&body, "}")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unbalanced braces in node set \"", text, "\""));
    }
  }
  for (absl::string_view part : absl::StrSplit(body, ',')) {
    if (part.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("empty element in node set \"", text, "\""));
    }
    absl::StatusOr<NodeSet::Range> range = ParseRange(part);
    if (!range.ok()) return range.status();
    set.ranges.push_back(*range);
  }
  return set;
}

absl::StatusOr<std::vector<uint32_t>> NodeSet::Resolve(int nodes) const {
  std::vector<uint32_t> out;
  for (const Range& r : ranges) {
    uint64_t first = r.first;
    uint64_t last_exclusive = uint64_t{r.last} + 1;
    if (r.percent) {
      first = uint64_t{r.first} * static_cast<uint64_t>(nodes) / 1000000;
      last_exclusive =
          uint64_t{r.last} * static_cast<uint64_t>(nodes) / 1000000;
    }
    if (last_exclusive > static_cast<uint64_t>(nodes)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "node set ", ToString(), " goes beyond the ", nodes, " nodes"));
    }
    for (uint64_t i = first; i < last_exclusive; ++i) {
      out.push_back(static_cast<uint32_t>(i));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string NodeSet::ToString() const {
  std::vector<std::string> parts;
  for (const Range& r : ranges) {
    if (r.percent) {
      auto pct = [](uint32_t v) {
        std::string s = absl::StrCat(v / 10000);
        if (v % 10000 != 0) {
          std::string frac = absl::StrCat(10000 + v % 10000).substr(1);
          while (!frac.empty() && frac.back() == '0') frac.pop_back();
          absl::StrAppend(&s, ".", frac);
        }
        return absl::StrCat(s, "%");
      };
      parts.push_back(absl::StrCat(pct(r.first), "..", pct(r.last)));
    } else if (r.first == r.last) {
      parts.push_back(absl::StrCat(r.first));
    } else {
      parts.push_back(absl::StrCat(r.first, "..", r.last));
    }
  }
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

SimTime Scenario::liveness_at() const {
  for (const Action& a : actions) {
    if (a.kind == ActionKind::kLiveness) return a.at;
  }
  return kNever;
}

absl::StatusOr<uint32_t> ParsePercent(absl::string_view text) {
  absl::string_view body = text;
  if (!absl::ConsumeSuffix(&body, "%")) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a percentage like 10%"));
  }
  uint64_t v = 0;
  if (!ParseFixed4(body, &v) || v > uint64_t{100} * 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a percentage in [0%, 100%]"));
  }
  // Percent × 10^4 is parts per million.
  return static_cast<uint32_t>(v);
}

absl::StatusOr<SimTime> ParseSimDuration(absl::string_view text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d < absl::ZeroDuration() ||
      d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a duration like 30s or 1m30s"));
  }
  return absl::ToInt64Nanoseconds(d);
}

absl::Status CheckScenarioTimes(const Scenario& sc) {
  if (sc.duration <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("duration must be positive, is ",
                     absl::FormatDuration(absl::Nanoseconds(sc.duration))));
  }
  for (const Action& action : sc.actions) {
    // A wave's last restart must fall within the run, or nodes would stay
    // down unannounced.
    if (action.kind == ActionKind::kRestartWave &&
        action.at + action.value + action.duration > sc.duration) {
      return absl::InvalidArgumentError(absl::StrCat(
          "scenario line ", action.line, ": \"", action.text, "\" ends at ",
          FormatSimTime(action.at + action.value + action.duration),
          ", after the end of the scenario (duration ",
          FormatSimTime(sc.duration), ")"));
    }
    // The end of a timed fault ("... for 5m") may fall after the end: the
    // fault then lasts the rest of the run, as written.
    if (action.at <= sc.duration || absl::StartsWith(action.text, "end of: ")) {
      continue;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        action.line > 0 ? absl::StrCat("scenario line ", action.line, ": ")
                        : "",
        "\"", action.text, "\" is at ", FormatSimTime(action.at),
        ", after the end of the scenario (duration ",
        FormatSimTime(sc.duration), ")"));
  }
  return absl::OkStatus();
}

}  // namespace swim::sim
