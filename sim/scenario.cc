#include "sim/scenario.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace swim::sim {
namespace {

using Tokens = std::vector<absl::string_view>;

absl::Status LineError(int line, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("scenario line ", line, ": ", message));
}

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
    NodeSet::Range r;
    std::vector<absl::string_view> ends = absl::StrSplit(part, "..");
    if (ends.size() > 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad range \"", part, "\""));
    }
    const bool percent = absl::EndsWith(ends[0], "%");
    if (percent) {
      if (ends.size() != 2 || !absl::EndsWith(ends[1], "%")) {
        return absl::InvalidArgumentError(absl::StrCat(
            "a percentage range needs two percentages: \"", part, "\""));
      }
      uint64_t a = 0;
      uint64_t b = 0;
      if (!ParseFixed4(absl::StripSuffix(ends[0], "%"), &a) ||
          !ParseFixed4(absl::StripSuffix(ends[1], "%"), &b) || a > b ||
          b > 100 * 10000) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad percentage range \"", part, "\""));
      }
      r.first = static_cast<uint32_t>(a);
      r.last = static_cast<uint32_t>(b);
      r.percent = true;
    } else {
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
      r.first = a;
      r.last = b;
    }
    set.ranges.push_back(r);
  }
  return set;
}

absl::Status Need(const Tokens& t, size_t i, int line, absl::string_view what) {
  if (i >= t.size()) return LineError(line, absl::StrCat("expected ", what));
  return absl::OkStatus();
}

struct ActionParser {
  const Tokens& t;
  size_t i;
  int line;

  absl::StatusOr<NodeSet> Set() {
    if (absl::Status s = Need(t, i, line, "a node set"); !s.ok()) return s;
    absl::StatusOr<NodeSet> set = ParseNodeSet(t[i++]);
    if (!set.ok()) return LineError(line, set.status().message());
    return set;
  }
  absl::Status Arrow() {
    if (i >= t.size() || t[i] != "->") return LineError(line, "expected ->");
    ++i;
    return absl::OkStatus();
  }
  absl::StatusOr<SimTime> Duration() {
    if (absl::Status s = Need(t, i, line, "a duration"); !s.ok()) return s;
    absl::StatusOr<SimTime> d = ParseSimDuration(t[i++]);
    if (!d.ok()) return LineError(line, d.status().message());
    return d;
  }
  absl::StatusOr<uint32_t> Percent() {
    if (absl::Status s = Need(t, i, line, "a percentage"); !s.ok()) return s;
    absl::StatusOr<uint32_t> p = ParsePercent(t[i++]);
    if (!p.ok()) return LineError(line, p.status().message());
    return p;
  }
  // "for D" if present; 0 if absent.
  absl::StatusOr<SimTime> OptionalFor() {
    if (i < t.size() && t[i] == "for") {
      ++i;
      return Duration();
    }
    return SimTime{0};
  }
  absl::Status End() {
    if (i != t.size()) {
      return LineError(line, absl::StrCat("unexpected \"", t[i], "\""));
    }
    return absl::OkStatus();
  }
};

#define SIM_ASSIGN(lhs, expr)         \
  do {                                \
    auto _r = (expr);                 \
    if (!_r.ok()) return _r.status(); \
    lhs = *std::move(_r);             \
  } while (0)
#define SIM_RETURN_IF_ERROR(expr) \
  do {                            \
    absl::Status _s = (expr);     \
    if (!_s.ok()) return _s;      \
  } while (0)

// Parses the action in t[i..] at time `at`; appends it (and, for "for D",
// the action that undoes it) to `out`.
absl::Status ParseAction(const Tokens& t, size_t i, int line, SimTime at,
                         std::vector<Action>& out) {
  ActionParser p{t, i, line};
  SIM_RETURN_IF_ERROR(Need(t, p.i, line, "an action"));
  const absl::string_view verb = t[p.i++];
  Action a;
  a.at = at;
  a.line = line;
  a.text = absl::StrJoin(t.begin() + static_cast<long>(i), t.end(), " ");
  SimTime undo_after = 0;
  Action undo;
  if (verb == "partition") {
    a.kind = ActionKind::kPartition;
    while (p.i < t.size() && t[p.i] != "for") {
      NodeSet s;
      SIM_ASSIGN(s, p.Set());
      a.sets.push_back(std::move(s));
    }
    if (a.sets.empty()) return LineError(line, "partition needs node sets");
    SIM_ASSIGN(undo_after, p.OptionalFor());
    undo.kind = ActionKind::kHeal;
  } else if (verb == "heal") {
    a.kind = ActionKind::kHeal;
  } else if (verb == "isolate") {
    a.kind = ActionKind::kIsolate;
    a.sets.resize(1);
    SIM_ASSIGN(a.sets[0], p.Set());
    SIM_ASSIGN(undo_after, p.OptionalFor());
    undo.kind = ActionKind::kRejoin;
  } else if (verb == "cut" || verb == "clog") {
    a.kind = verb == "cut" ? ActionKind::kCut : ActionKind::kClog;
    a.sets.resize(2);
    SIM_ASSIGN(a.sets[0], p.Set());
    SIM_RETURN_IF_ERROR(p.Arrow());
    SIM_ASSIGN(a.sets[1], p.Set());
    SIM_ASSIGN(undo_after, p.OptionalFor());
    if (a.kind == ActionKind::kClog) {
      if (undo_after <= 0) return LineError(line, "clog needs \"for D\"");
      a.duration = undo_after;
      undo_after = 0;
    }
    undo.kind = ActionKind::kUncut;
  } else if (verb == "cut-inbound") {
    a.kind = ActionKind::kCutInbound;
    a.flag = true;
    a.sets.resize(1);
    SIM_ASSIGN(a.sets[0], p.Set());
    SIM_ASSIGN(undo_after, p.OptionalFor());
    undo.kind = ActionKind::kCutInbound;
    undo.flag = false;
  } else if (verb == "loss") {
    SIM_RETURN_IF_ERROR(Need(t, p.i, line, "a percentage or in/out/link"));
    if (t[p.i] == "in" || t[p.i] == "out") {
      a.kind = t[p.i] == "in" ? ActionKind::kLossIn : ActionKind::kLossOut;
      ++p.i;
      a.sets.resize(1);
      SIM_ASSIGN(a.sets[0], p.Set());
    } else if (t[p.i] == "link") {
      a.kind = ActionKind::kLossLink;
      ++p.i;
      a.sets.resize(2);
      SIM_ASSIGN(a.sets[0], p.Set());
      SIM_RETURN_IF_ERROR(p.Arrow());
      SIM_ASSIGN(a.sets[1], p.Set());
    } else {
      a.kind = ActionKind::kLoss;
    }
    SIM_ASSIGN(a.ppm, p.Percent());
    SIM_ASSIGN(undo_after, p.OptionalFor());
    undo.kind = a.kind;
    undo.ppm = 0;
  } else if (verb == "latency") {
    a.kind = ActionKind::kLatency;
    SIM_ASSIGN(a.value, p.Duration());
    if (p.i < t.size()) SIM_ASSIGN(a.value2, p.Duration());
  } else if (verb == "duplicate") {
    a.kind = ActionKind::kDuplicate;
    SIM_ASSIGN(a.ppm, p.Percent());
  } else if (verb == "reorder") {
    a.kind = ActionKind::kReorder;
    SIM_ASSIGN(a.ppm, p.Percent());
    SIM_ASSIGN(a.value, p.Duration());
  } else if (verb == "crash" || verb == "restart" || verb == "resume" ||
             verb == "metadata" || verb == "leave" || verb == "rejoin") {
    a.kind = verb == "crash"      ? ActionKind::kCrash
             : verb == "restart"  ? ActionKind::kRestart
             : verb == "resume"   ? ActionKind::kResume
             : verb == "metadata" ? ActionKind::kMetadata
             : verb == "rejoin"   ? ActionKind::kRejoin
                                  : ActionKind::kLeave;
    a.sets.resize(1);
    SIM_ASSIGN(a.sets[0], p.Set());
  } else if (verb == "pause") {
    a.kind = ActionKind::kPause;
    a.sets.resize(1);
    SIM_ASSIGN(a.sets[0], p.Set());
    SIM_ASSIGN(a.duration, p.OptionalFor());
    if (a.duration <= 0) return LineError(line, "pause needs \"for D\"");
    if (p.i < t.size() && t[p.i] == "drop") {
      a.flag = true;
      ++p.i;
    }
  } else if (verb == "slow") {
    a.kind = ActionKind::kSlow;
    a.sets.resize(1);
    SIM_ASSIGN(a.sets[0], p.Set());
    SIM_ASSIGN(a.value, p.Duration());
    SIM_ASSIGN(undo_after, p.OptionalFor());
    undo.kind = ActionKind::kSlow;
    undo.value = 0;
  } else if (verb == "drift") {
    a.kind = ActionKind::kDrift;
    a.sets.resize(1);
    SIM_ASSIGN(a.sets[0], p.Set());
    SIM_RETURN_IF_ERROR(Need(t, p.i, line, "a drift like +5% or -10%"));
    absl::string_view d = t[p.i++];
    const bool negative = absl::ConsumePrefix(&d, "-");
    if (!negative) absl::ConsumePrefix(&d, "+");
    absl::StatusOr<uint32_t> ppm = ParsePercent(d);
    if (!ppm.ok()) return LineError(line, ppm.status().message());
    if (negative && *ppm >= 900000) {
      return LineError(line, "a clock can slow down by less than 90%");
    }
    a.signed_ppm = negative ? -static_cast<int64_t>(*ppm) : *ppm;
    SIM_ASSIGN(undo_after, p.OptionalFor());
    undo.kind = ActionKind::kDrift;
    undo.signed_ppm = 0;
  } else if (verb == "liveness") {
    a.kind = ActionKind::kLiveness;
  } else {
    return LineError(line, absl::StrCat("unknown action \"", verb, "\""));
  }
  SIM_RETURN_IF_ERROR(p.End());
  out.push_back(a);
  if (undo_after > 0) {
    undo.at = at + undo_after;
    undo.line = line;
    undo.sets = a.sets;
    undo.text = absl::StrCat("end of: ", a.text);
    out.push_back(std::move(undo));
  }
  return absl::OkStatus();
}

}  // namespace

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
  if (!ParseFixed4(body, &v) || v > 100 * 10000) {
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

absl::Status ApplyConfig(absl::string_view key, absl::string_view value,
                         Config& config) {
  auto duration = [&](absl::Duration& field) -> absl::Status {
    absl::StatusOr<SimTime> d = ParseSimDuration(value);
    if (!d.ok()) return d.status();
    field = absl::Nanoseconds(*d);
    return absl::OkStatus();
  };
  auto integer = [&](int& field) -> absl::Status {
    if (!absl::SimpleAtoi(value, &field)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", value, "\" is not an integer"));
    }
    return absl::OkStatus();
  };
  auto boolean = [&](bool& field) -> absl::Status {
    if (value == "true" || value == "1" || value == "on") {
      field = true;
    } else if (value == "false" || value == "0" || value == "off") {
      field = false;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", value, "\" is not true or false"));
    }
    return absl::OkStatus();
  };
  if (key == "probe_interval") return duration(config.probe_interval);
  if (key == "probe_timeout") return duration(config.probe_timeout);
  if (key == "indirect_checks") return integer(config.indirect_checks);
  if (key == "suspicion_min_intervals")
    return integer(config.suspicion_min_intervals);
  if (key == "suspicion_max_mult") return integer(config.suspicion_max_mult);
  if (key == "suspicion_confirmations") {
    return integer(config.suspicion_confirmations);
  }
  if (key == "retransmit_mult") return integer(config.retransmit_mult);
  if (key == "gossip_interval") return duration(config.gossip_interval);
  if (key == "gossip_fanout") return integer(config.gossip_fanout);
  if (key == "health_max") return integer(config.health_max);
  if (key == "sync_interval") return duration(config.sync_interval);
  if (key == "churn_sync_threshold") {
    return integer(config.churn_sync_threshold);
  }
  if (key == "churn_sync_interval") return duration(config.churn_sync_interval);
  if (key == "offline_probe_interval") {
    return duration(config.offline_probe_interval);
  }
  if (key == "offline_retention") return duration(config.offline_retention);
  if (key == "max_datagram_bytes") {
    int bytes = 0;
    if (absl::Status s = integer(bytes); !s.ok()) return s;
    if (bytes <= 0) return absl::InvalidArgumentError("must be positive");
    config.max_datagram_bytes = static_cast<size_t>(bytes);
    return absl::OkStatus();
  }
  if (key == "encrypt") return boolean(config.encrypt);
  if (key == "disable_refutation") {
    return boolean(config.testing.disable_refutation);
  }
  if (key == "zero_retransmits")
    return boolean(config.testing.zero_retransmits);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown config key \"", key, "\""));
}

absl::StatusOr<Scenario> ParseScenario(absl::string_view text) {
  Scenario sc;
  sc.source = std::string(text);
  struct Every {
    SimTime period, from, until;
    Tokens tokens;
    size_t action_start;
    int line;
  };
  std::vector<Every> everies;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  // Tokens point into `lines`, which outlives every use below.
  int line_no = 0;
  for (const std::string& raw : lines) {
    ++line_no;
    absl::string_view line = raw;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) {
      line = line.substr(0, hash);
    }
    Tokens t =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (t.empty()) continue;
    const absl::string_view kw = t[0];
    auto one_arg = [&]() -> absl::Status {
      if (t.size() != 2) {
        return LineError(line_no, absl::StrCat(kw, " takes one argument"));
      }
      return absl::OkStatus();
    };
    auto dur = [&](size_t i, SimTime* out) -> absl::Status {
      absl::StatusOr<SimTime> d = ParseSimDuration(t[i]);
      if (!d.ok()) return LineError(line_no, d.status().message());
      *out = *d;
      return absl::OkStatus();
    };
    if (kw == "name") {
      SIM_RETURN_IF_ERROR(one_arg());
      sc.name = std::string(t[1]);
    } else if (kw == "nodes") {
      SIM_RETURN_IF_ERROR(one_arg());
      if (!absl::SimpleAtoi(t[1], &sc.nodes) || sc.nodes < 1) {
        return LineError(line_no, "nodes must be a positive integer");
      }
    } else if (kw == "seed") {
      SIM_RETURN_IF_ERROR(one_arg());
      if (!absl::SimpleAtoi(t[1], &sc.seed)) {
        return LineError(line_no, "seed must be an unsigned integer");
      }
    } else if (kw == "duration") {
      SIM_RETURN_IF_ERROR(one_arg());
      SIM_RETURN_IF_ERROR(dur(1, &sc.duration));
    } else if (kw == "spread") {
      SIM_RETURN_IF_ERROR(one_arg());
      SIM_RETURN_IF_ERROR(dur(1, &sc.start_spread));
    } else if (kw == "formed") {
      if (t.size() != 1) return LineError(line_no, "formed takes no argument");
      sc.formed = true;
    } else if (kw == "seeds") {
      SIM_RETURN_IF_ERROR(one_arg());
      if (!absl::SimpleAtoi(t[1], &sc.seed_peers) || sc.seed_peers < 1) {
        return LineError(line_no, "seeds must be a positive integer");
      }
    } else if (kw == "completeness-bound") {
      SIM_RETURN_IF_ERROR(one_arg());
      SIM_RETURN_IF_ERROR(dur(1, &sc.completeness_bound));
    } else if (kw == "accuracy-grace") {
      SIM_RETURN_IF_ERROR(one_arg());
      SIM_RETURN_IF_ERROR(dur(1, &sc.accuracy_grace));
    } else if (kw == "datagram-limit") {
      SIM_RETURN_IF_ERROR(one_arg());
      if (!absl::SimpleAtoi(t[1], &sc.datagram_limit_bytes) ||
          sc.datagram_limit_bytes == 0) {
        return LineError(line_no, "datagram-limit must be a positive integer");
      }
    } else if (kw == "accuracy") {
      if (t.size() == 2 && t[1] == "strict") {
        sc.accuracy_strict = true;
      } else if (t.size() == 3 && t[1] == "max-suspicions" &&
                 absl::SimpleAtoi(t[2], &sc.max_false_suspicions)) {
      } else {
        return LineError(line_no,
                         "accuracy strict | accuracy max-suspicions N");
      }
    } else if (kw == "steady") {
      if (t.size() != 2 && t.size() != 3) {
        return LineError(line_no, "steady FROM [UNTIL]");
      }
      SIM_RETURN_IF_ERROR(dur(1, &sc.steady_from));
      if (t.size() == 3) SIM_RETURN_IF_ERROR(dur(2, &sc.steady_until));
    } else if (kw == "config") {
      if (t.size() != 3) return LineError(line_no, "config KEY VALUE");
      Config probe;
      if (absl::Status s = ApplyConfig(t[1], t[2], probe); !s.ok()) {
        return LineError(line_no, s.message());
      }
      sc.config.emplace_back(std::string(t[1]), std::string(t[2]));
    } else if (kw == "latency" || kw == "loss" || kw == "duplicate" ||
               kw == "reorder") {
      // Network settings from time zero.
      std::vector<Action> actions;
      SIM_RETURN_IF_ERROR(ParseAction(t, 0, line_no, 0, actions));
      const Action& a = actions[0];
      if (actions.size() != 1 || !a.sets.empty()) {
        return LineError(line_no,
                         "only global network settings outside \"at\"");
      }
      switch (a.kind) {
        case ActionKind::kLatency:
          sc.network.latency_min = a.value;
          sc.network.latency_jitter = a.value2;
          break;
        case ActionKind::kLoss:
          sc.network.loss_ppm = a.ppm;
          break;
        case ActionKind::kDuplicate:
          sc.network.duplicate_ppm = a.ppm;
          break;
        default:
          sc.network.reorder_ppm = a.ppm;
          sc.network.reorder_delay = a.value;
          break;
      }
    } else if (kw == "at") {
      if (t.size() < 3) return LineError(line_no, "at TIME ACTION");
      SimTime at = 0;
      SIM_RETURN_IF_ERROR(dur(1, &at));
      SIM_RETURN_IF_ERROR(ParseAction(t, 2, line_no, at, sc.actions));
    } else if (kw == "every") {
      Every e{0, 0, kNever, {}, 0, line_no};
      if (t.size() < 3) return LineError(line_no, "every PERIOD ... ACTION");
      SIM_RETURN_IF_ERROR(dur(1, &e.period));
      if (e.period <= 0) return LineError(line_no, "period must be positive");
      size_t i = 2;
      while (i + 1 < t.size() && (t[i] == "from" || t[i] == "until")) {
        SIM_RETURN_IF_ERROR(dur(i + 1, t[i] == "from" ? &e.from : &e.until));
        i += 2;
      }
      e.tokens = t;
      e.action_start = i;
      // Validate the action once.
      std::vector<Action> probe;
      SIM_RETURN_IF_ERROR(ParseAction(t, i, line_no, 0, probe));
      everies.push_back(std::move(e));
    } else {
      return LineError(line_no, absl::StrCat("unknown statement \"", kw, "\""));
    }
  }
  for (const Every& e : everies) {
    const SimTime until = std::min(e.until, sc.duration);
    for (SimTime at = e.from; at < until; at += e.period) {
      SIM_RETURN_IF_ERROR(
          ParseAction(e.tokens, e.action_start, e.line, at, sc.actions));
    }
  }
  std::stable_sort(
      sc.actions.begin(), sc.actions.end(),
      [](const Action& a, const Action& b) { return a.at < b.at; });
  return sc;
}

}  // namespace swim::sim
