#include "sim/scenario_actions.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "swim/config.h"
#include "swim/config_knobs.h"

namespace swim::sim {
namespace {

// What one action's words say: the action, and for "for D" its undo.
struct ParsedAction {
  Action action;
  Action undo;
  SimTime undo_after = 0;  // 0: no undo
};

// Reads the words after the verb into `out`, whose action.kind is already
// the verb's.
using ActionGrammar = absl::Status (*)(TokenCursor& in, ParsedAction& out);

// An optional "for D" that schedules `undo_kind` D later.
absl::Status UndoneAfterFor(TokenCursor& in, ActionKind undo_kind,
                            ParsedAction& out) {
  out.undo.kind = undo_kind;
  return in.OptionalFor(out.undo_after);
}

// Sets "SET -> SET".
absl::Status Link(TokenCursor& in, Action& a) {
  a.sets.resize(2);
  SIM_RETURN_IF_ERROR(in.Set(a.sets[0]));
  SIM_RETURN_IF_ERROR(in.Arrow());
  return in.Set(a.sets[1]);
}

absl::Status NoArguments(TokenCursor&, ParsedAction&) {
  return absl::OkStatus();
}

// crash, restart, resume, metadata, leave, rejoin: one node set.
absl::Status OneSet(TokenCursor& in, ParsedAction& out) {
  out.action.sets.resize(1);
  return in.Set(out.action.sets[0]);
}

// "restart SET [with KEY=VALUE ...]": knobs checked against the table now.
absl::Status Restart(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  if (!in.Consume("with")) return absl::OkStatus();
  while (!in.AtEnd()) {
    absl::string_view setting;
    SIM_RETURN_IF_ERROR(in.Word("KEY=VALUE", setting));
    const size_t equals = setting.find('=');
    if (equals == absl::string_view::npos) {
      return in.Error(absl::StrCat("\"", setting, "\" is not KEY=VALUE"));
    }
    const absl::string_view key = setting.substr(0, equals);
    const absl::string_view value = setting.substr(equals + 1);
    Config scratch;
    if (absl::Status s = SetConfigKnob(scratch, key, value); !s.ok()) {
      return in.Error(s.message());
    }
    out.action.config.emplace_back(std::string(key), std::string(value));
  }
  if (out.action.config.empty()) return in.Error("with needs KEY=VALUE");
  return absl::OkStatus();
}

absl::Status Partition(TokenCursor& in, ParsedAction& out) {
  while (!in.AtEnd() && !in.NextIs("for")) {
    NodeSet set;
    SIM_RETURN_IF_ERROR(in.Set(set));
    out.action.sets.push_back(std::move(set));
  }
  if (out.action.sets.empty()) return in.Error("partition needs node sets");
  return UndoneAfterFor(in, ActionKind::kHeal, out);
}

absl::Status Isolate(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  return UndoneAfterFor(in, ActionKind::kRejoin, out);
}

absl::Status Cut(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(Link(in, out.action));
  return UndoneAfterFor(in, ActionKind::kUncut, out);
}

// A clog ends by itself: "for D" is its duration, not an undo.
absl::Status Clog(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(Link(in, out.action));
  SIM_RETURN_IF_ERROR(in.OptionalFor(out.action.duration));
  if (out.action.duration <= 0) return in.Error("clog needs \"for D\"");
  return absl::OkStatus();
}

absl::Status CutInbound(TokenCursor& in, ParsedAction& out) {
  out.action.flag = true;
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  out.undo.flag = false;
  return UndoneAfterFor(in, ActionKind::kCutInbound, out);
}

// "loss P", "loss in SET P", "loss out SET P", "loss link SET -> SET P".
absl::Status Loss(TokenCursor& in, ParsedAction& out) {
  Action& a = out.action;
  if (in.AtEnd()) return in.Error("expected a percentage or in/out/link");
  if (in.Consume("in")) {
    a.kind = ActionKind::kLossIn;
    SIM_RETURN_IF_ERROR(OneSet(in, out));
  } else if (in.Consume("out")) {
    a.kind = ActionKind::kLossOut;
    SIM_RETURN_IF_ERROR(OneSet(in, out));
  } else if (in.Consume("link")) {
    a.kind = ActionKind::kLossLink;
    SIM_RETURN_IF_ERROR(Link(in, a));
  }
  SIM_RETURN_IF_ERROR(in.Percent(a.ppm));
  out.undo.ppm = 0;
  return UndoneAfterFor(in, a.kind, out);
}

// "latency MIN [JITTER]"; without JITTER the jitter is 0.
absl::Status Latency(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(in.Duration(out.action.value));
  if (in.AtEnd()) return absl::OkStatus();
  return in.Duration(out.action.value2);
}

absl::Status Duplicate(TokenCursor& in, ParsedAction& out) {
  return in.Percent(out.action.ppm);
}

absl::Status Reorder(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(in.Percent(out.action.ppm));
  return in.Duration(out.action.value);
}

// "pause SET for D [drop]": the pause's length is required.
absl::Status Pause(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  SIM_RETURN_IF_ERROR(in.OptionalFor(out.action.duration));
  if (out.action.duration <= 0) return in.Error("pause needs \"for D\"");
  out.action.flag = in.Consume("drop");
  return absl::OkStatus();
}

absl::Status Slow(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  SIM_RETURN_IF_ERROR(in.Duration(out.action.value));
  out.undo.value = 0;
  return UndoneAfterFor(in, ActionKind::kSlow, out);
}

// "drift SET +P|-P [for D]".
absl::Status Drift(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  absl::string_view rate;
  SIM_RETURN_IF_ERROR(in.Word("a drift like +5% or -10%", rate));
  const bool negative = absl::ConsumePrefix(&rate, "-");
  if (!negative) absl::ConsumePrefix(&rate, "+");
  absl::StatusOr<uint32_t> ppm = ParsePercent(rate);
  if (!ppm.ok()) return in.Error(ppm.status().message());
  if (negative && *ppm >= 900000) {
    return in.Error("a clock can slow down by less than 90%");
  }
  out.action.signed_ppm = negative ? -static_cast<int64_t>(*ppm) : *ppm;
  out.undo.signed_ppm = 0;
  return UndoneAfterFor(in, ActionKind::kDrift, out);
}

// An optional "bytes N" (a user payload's size), else 32 bytes.
absl::Status OptionalBytes(TokenCursor& in, SimTime& out) {
  out = 32;
  if (!in.Consume("bytes")) return absl::OkStatus();
  absl::string_view word;
  SIM_RETURN_IF_ERROR(in.Word("a byte count", word));
  int64_t bytes = 0;
  if (!absl::SimpleAtoi(word, &bytes) || bytes < 0 || bytes > 65507) {
    return in.Error(absl::StrCat("bad byte count \"", word, "\""));
  }
  out = bytes;
  return absl::OkStatus();
}

// "broadcast [one] SET [bytes N]".
absl::Status Broadcast(TokenCursor& in, ParsedAction& out) {
  out.action.flag = in.Consume("one");
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  return OptionalBytes(in, out.action.value);
}

// "send SET -> SET [bytes N]".
absl::Status SendTo(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(Link(in, out.action));
  return OptionalBytes(in, out.action.value);
}

// "restart-wave SET over D down MIN[..MAX]": see sim/restart_wave.h.
absl::Status RestartWave(TokenCursor& in, ParsedAction& out) {
  Action& a = out.action;
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  if (!in.Consume("over")) return in.Error("restart-wave SET over D down D");
  SIM_RETURN_IF_ERROR(in.Duration(a.value));
  if (!in.Consume("down")) return in.Error("restart-wave SET over D down D");
  absl::string_view down;
  SIM_RETURN_IF_ERROR(in.Word("a down time like 5s or 3s..8s", down));
  const size_t dots = down.find("..");
  absl::StatusOr<SimTime> low = ParseSimDuration(down.substr(0, dots));
  if (!low.ok()) return in.Error(low.status().message());
  a.value2 = *low;
  a.duration = *low;
  if (dots != absl::string_view::npos) {
    absl::StatusOr<SimTime> high = ParseSimDuration(down.substr(dots + 2));
    if (!high.ok()) return in.Error(high.status().message());
    a.duration = *high;
  }
  if (a.value < 0 || a.value2 <= 0 || a.duration < a.value2) {
    return in.Error("restart-wave needs over >= 0 and 0 < down MIN <= MAX");
  }
  return absl::OkStatus();
}

// "state SET [bytes N]".
absl::Status State(TokenCursor& in, ParsedAction& out) {
  SIM_RETURN_IF_ERROR(OneSet(in, out));
  return OptionalBytes(in, out.action.value);
}

struct ActionVerb {
  absl::string_view verb;
  ActionKind kind;
  ActionGrammar grammar;
};

constexpr ActionVerb kActionVerbs[] = {
    {"partition", ActionKind::kPartition, Partition},
    {"heal", ActionKind::kHeal, NoArguments},
    {"isolate", ActionKind::kIsolate, Isolate},
    {"rejoin", ActionKind::kRejoin, OneSet},
    {"cut", ActionKind::kCut, Cut},
    {"clog", ActionKind::kClog, Clog},
    {"cut-inbound", ActionKind::kCutInbound, CutInbound},
    {"loss", ActionKind::kLoss, Loss},
    {"latency", ActionKind::kLatency, Latency},
    {"duplicate", ActionKind::kDuplicate, Duplicate},
    {"reorder", ActionKind::kReorder, Reorder},
    {"crash", ActionKind::kCrash, OneSet},
    {"restart", ActionKind::kRestart, Restart},
    {"pause", ActionKind::kPause, Pause},
    {"resume", ActionKind::kResume, OneSet},
    {"slow", ActionKind::kSlow, Slow},
    {"drift", ActionKind::kDrift, Drift},
    {"metadata", ActionKind::kMetadata, OneSet},
    {"leave", ActionKind::kLeave, OneSet},
    {"liveness", ActionKind::kLiveness, NoArguments},
    {"broadcast", ActionKind::kBroadcast, Broadcast},
    {"send", ActionKind::kSendTo, SendTo},
    {"restart-wave", ActionKind::kRestartWave, RestartWave},
    {"state", ActionKind::kState, State},
};

const ActionVerb* FindActionVerb(absl::string_view verb) {
  for (const ActionVerb& v : kActionVerbs) {
    if (v.verb == verb) return &v;
  }
  return nullptr;
}

}  // namespace

absl::Status ParseAction(const Tokens& tokens, size_t start, int line,
                         SimTime at, std::vector<Action>& out) {
  TokenCursor in(tokens, start, line);
  absl::string_view verb;
  SIM_RETURN_IF_ERROR(in.Word("an action", verb));
  const ActionVerb* grammar = FindActionVerb(verb);
  if (grammar == nullptr) {
    return in.Error(absl::StrCat("unknown action \"", verb, "\""));
  }
  ParsedAction parsed;
  Action& a = parsed.action;
  a.at = at;
  a.line = line;
  a.text = absl::StrJoin(tokens.begin() + static_cast<std::ptrdiff_t>(start),
                         tokens.end(), " ");
  a.kind = grammar->kind;
  SIM_RETURN_IF_ERROR(grammar->grammar(in, parsed));
  SIM_RETURN_IF_ERROR(in.End());
  out.push_back(a);
  if (parsed.undo_after > 0) {
    Action& undo = parsed.undo;
    undo.at = at + parsed.undo_after;
    undo.line = line;
    undo.sets = a.sets;
    undo.text = absl::StrCat("end of: ", a.text);
    out.push_back(std::move(undo));
  }
  return absl::OkStatus();
}

}  // namespace swim::sim
