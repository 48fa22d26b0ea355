// ParseScenario: one small grammar per statement, chosen by its first word.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "sim/scenario.h"
#include "sim/scenario_actions.h"
#include "sim/scenario_cursor.h"
#include "swim/config.h"
#include "swim/config_knobs.h"

namespace swim::sim {
namespace {

// An "every PERIOD [from T] [until T] ACTION" line, expanded once the
// scenario's duration is known.
struct RepeatedAction {
  SimTime period = 0;
  SimTime from = 0;
  SimTime until = kNever;
  Tokens tokens;
  size_t action_start = 0;
  int line = 0;
};

// The scenario as parsed so far.
struct ScenarioDraft {
  Scenario scenario;
  std::vector<RepeatedAction> repeated;
};

// One line's words; words[0] is the statement's keyword.
struct Statement {
  const Tokens& words;
  int line;

  absl::Status Error(absl::string_view message) const {
    return LineError(line, message);
  }
  absl::Status OneArgument() const {
    if (words.size() != 2) {
      return Error(absl::StrCat(words[0], " takes one argument"));
    }
    return absl::OkStatus();
  }
  absl::Status DurationAt(size_t i, SimTime& out) const {
    absl::StatusOr<SimTime> d = ParseSimDuration(words[i]);
    if (!d.ok()) return Error(d.status().message());
    out = *d;
    return absl::OkStatus();
  }
};

using StatementGrammar = absl::Status (*)(const Statement& s,
                                          ScenarioDraft& draft);

absl::Status Name(const Statement& s, ScenarioDraft& draft) {
  SIM_RETURN_IF_ERROR(s.OneArgument());
  draft.scenario.name = std::string(s.words[1]);
  return absl::OkStatus();
}

absl::Status Nodes(const Statement& s, ScenarioDraft& draft) {
  SIM_RETURN_IF_ERROR(s.OneArgument());
  int& nodes = draft.scenario.nodes;
  if (!absl::SimpleAtoi(s.words[1], &nodes) || nodes < 1) {
    return s.Error("nodes must be a positive integer");
  }
  return absl::OkStatus();
}

absl::Status Seed(const Statement& s, ScenarioDraft& draft) {
  SIM_RETURN_IF_ERROR(s.OneArgument());
  if (!absl::SimpleAtoi(s.words[1], &draft.scenario.seed)) {
    return s.Error("seed must be an unsigned integer");
  }
  return absl::OkStatus();
}

absl::Status Seeds(const Statement& s, ScenarioDraft& draft) {
  SIM_RETURN_IF_ERROR(s.OneArgument());
  int& seeds = draft.scenario.seed_peers;
  if (!absl::SimpleAtoi(s.words[1], &seeds) || seeds < 1) {
    return s.Error("seeds must be a positive integer");
  }
  return absl::OkStatus();
}

// duration, spread, completeness-bound, accuracy-grace: "KEYWORD D".
template <SimTime Scenario::*kField>
absl::Status DurationSetting(const Statement& s, ScenarioDraft& draft) {
  SIM_RETURN_IF_ERROR(s.OneArgument());
  return s.DurationAt(1, draft.scenario.*kField);
}

absl::Status Formed(const Statement& s, ScenarioDraft& draft) {
  if (s.words.size() != 1) return s.Error("formed takes no argument");
  draft.scenario.formed = true;
  return absl::OkStatus();
}

absl::Status DatagramLimit(const Statement& s, ScenarioDraft& draft) {
  SIM_RETURN_IF_ERROR(s.OneArgument());
  size_t& limit = draft.scenario.datagram_limit_bytes;
  if (!absl::SimpleAtoi(s.words[1], &limit) || limit == 0) {
    return s.Error("datagram-limit must be a positive integer");
  }
  return absl::OkStatus();
}

// "latency-model uniform" or "latency-model plane SPREAD" (sim/network.h).
absl::Status LatencyModel(const Statement& s, ScenarioDraft& draft) {
  const Tokens& w = s.words;
  SimTime& spread = draft.scenario.network.plane_spread;
  if (w.size() == 2 && w[1] == "uniform") {
    spread = 0;
    return absl::OkStatus();
  }
  if (w.size() == 3 && w[1] == "plane") {
    SIM_RETURN_IF_ERROR(s.DurationAt(2, spread));
    if (spread <= 0 || spread > Seconds(10)) {
      return s.Error("the plane's spread must be in (0, 10s]");
    }
    return absl::OkStatus();
  }
  return s.Error("latency-model uniform | latency-model plane SPREAD");
}

// "accuracy strict" or "accuracy max-suspicions N".
absl::Status Accuracy(const Statement& s, ScenarioDraft& draft) {
  const Tokens& w = s.words;
  if (w.size() == 2 && w[1] == "strict") {
    draft.scenario.accuracy_strict = true;
    return absl::OkStatus();
  }
  if (w.size() == 3 && w[1] == "max-suspicions" &&
      absl::SimpleAtoi(w[2], &draft.scenario.max_false_suspicions)) {
    return absl::OkStatus();
  }
  return s.Error("accuracy strict | accuracy max-suspicions N");
}

absl::Status Steady(const Statement& s, ScenarioDraft& draft) {
  if (s.words.size() != 2 && s.words.size() != 3) {
    return s.Error("steady FROM [UNTIL]");
  }
  SIM_RETURN_IF_ERROR(s.DurationAt(1, draft.scenario.steady_from));
  if (s.words.size() == 3) {
    SIM_RETURN_IF_ERROR(s.DurationAt(2, draft.scenario.steady_until));
  }
  return absl::OkStatus();
}

// "config KEY VALUE" and "config SET KEY VALUE": checked against the knob
// table now, applied to every node's (or SET's nodes') Config by
// RunScenario.
absl::Status ConfigKnob(const Statement& s, ScenarioDraft& draft) {
  if (s.words.size() != 3 && s.words.size() != 4) {
    return s.Error("config [SET] KEY VALUE");
  }
  const size_t key = s.words.size() - 2;
  Config scratch;
  if (absl::Status st = SetConfigKnob(scratch, s.words[key], s.words[key + 1]);
      !st.ok()) {
    return s.Error(st.message());
  }
  if (s.words.size() == 3) {
    draft.scenario.config.emplace_back(std::string(s.words[1]),
                                       std::string(s.words[2]));
    return absl::OkStatus();
  }
  absl::StatusOr<NodeSet> nodes = ParseNodeSet(s.words[1]);
  if (!nodes.ok()) return s.Error(nodes.status().message());
  draft.scenario.node_config.push_back(Scenario::NodeConfig{
      *std::move(nodes), std::string(s.words[2]), std::string(s.words[3])});
  return absl::OkStatus();
}

// latency, loss, duplicate, reorder outside "at": the network from time
// zero, written as the action of the same name.
absl::Status NetworkSetting(const Statement& s, ScenarioDraft& draft) {
  std::vector<Action> actions;
  SIM_RETURN_IF_ERROR(ParseAction(s.words, 0, s.line, 0, actions));
  const Action& a = actions[0];
  if (actions.size() != 1 || !a.sets.empty()) {
    return s.Error("only global network settings outside \"at\"");
  }
  NetworkParams& network = draft.scenario.network;
  switch (a.kind) {
    case ActionKind::kLatency:
      network.latency_min = a.value;
      network.latency_jitter = a.value2;
      break;
    case ActionKind::kLoss:
      network.loss_ppm = a.ppm;
      break;
    case ActionKind::kDuplicate:
      network.duplicate_ppm = a.ppm;
      break;
    default:  // kReorder
      network.reorder_ppm = a.ppm;
      network.reorder_delay = a.value;
      break;
  }
  return absl::OkStatus();
}

absl::Status At(const Statement& s, ScenarioDraft& draft) {
  if (s.words.size() < 3) return s.Error("at TIME ACTION");
  SimTime at = 0;
  SIM_RETURN_IF_ERROR(s.DurationAt(1, at));
  return ParseAction(s.words, 2, s.line, at, draft.scenario.actions);
}

absl::Status Every(const Statement& s, ScenarioDraft& draft) {
  const Tokens& w = s.words;
  if (w.size() < 3) return s.Error("every PERIOD ... ACTION");
  RepeatedAction r;
  r.line = s.line;
  SIM_RETURN_IF_ERROR(s.DurationAt(1, r.period));
  if (r.period <= 0) return s.Error("period must be positive");
  size_t i = 2;
  while (i + 1 < w.size() && (w[i] == "from" || w[i] == "until")) {
    SIM_RETURN_IF_ERROR(s.DurationAt(i + 1, w[i] == "from" ? r.from : r.until));
    i += 2;
  }
  r.tokens = w;
  r.action_start = i;
  // Check the action once; it is parsed again at each repetition.
  std::vector<Action> check;
  SIM_RETURN_IF_ERROR(ParseAction(w, i, s.line, 0, check));
  draft.repeated.push_back(std::move(r));
  return absl::OkStatus();
}

struct StatementKeyword {
  absl::string_view keyword;
  StatementGrammar grammar;
};

constexpr StatementKeyword kStatements[] = {
    {"name", Name},
    {"nodes", Nodes},
    {"seed", Seed},
    {"duration", DurationSetting<&Scenario::duration>},
    {"spread", DurationSetting<&Scenario::start_spread>},
    {"formed", Formed},
    {"seeds", Seeds},
    {"completeness-bound", DurationSetting<&Scenario::completeness_bound>},
    {"accuracy-grace", DurationSetting<&Scenario::accuracy_grace>},
    {"datagram-limit", DatagramLimit},
    {"accuracy", Accuracy},
    {"steady", Steady},
    {"config", ConfigKnob},
    {"latency", NetworkSetting},
    {"latency-model", LatencyModel},
    {"loss", NetworkSetting},
    {"duplicate", NetworkSetting},
    {"reorder", NetworkSetting},
    {"at", At},
    {"every", Every},
};

absl::Status ParseStatement(const Statement& s, ScenarioDraft& draft) {
  for (const StatementKeyword& k : kStatements) {
    if (k.keyword == s.words[0]) return k.grammar(s, draft);
  }
  return s.Error(absl::StrCat("unknown statement \"", s.words[0], "\""));
}

// The line's words, without its comment.
Tokens Words(absl::string_view line) {
  if (size_t hash = line.find('#'); hash != absl::string_view::npos) {
    line = line.substr(0, hash);
  }
  return absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
}

// Appends each repetition of `r` before the end of the scenario.
absl::Status Expand(const RepeatedAction& r, Scenario& sc) {
  const SimTime until = std::min(r.until, sc.duration);
  for (SimTime at = r.from; at < until; at += r.period) {
    SIM_RETURN_IF_ERROR(
        ParseAction(r.tokens, r.action_start, r.line, at, sc.actions));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(absl::string_view text) {
  ScenarioDraft draft;
  draft.scenario.source = std::string(text);
  // Tokens point into `lines`, which outlives every use below.
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    const Tokens words = Words(lines[i]);
    if (words.empty()) continue;
    SIM_RETURN_IF_ERROR(
        ParseStatement(Statement{words, static_cast<int>(i) + 1}, draft));
  }
  Scenario& sc = draft.scenario;
  for (const RepeatedAction& r : draft.repeated) {
    SIM_RETURN_IF_ERROR(Expand(r, sc));
  }
  std::stable_sort(
      sc.actions.begin(), sc.actions.end(),
      [](const Action& a, const Action& b) { return a.at < b.at; });
  SIM_RETURN_IF_ERROR(CheckScenarioTimes(sc));
  return std::move(sc);
}

}  // namespace swim::sim
