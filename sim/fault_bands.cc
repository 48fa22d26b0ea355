#include "sim/fault_bands.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace swim::sim {
namespace {

// A fault still running while the plan is read.
struct OpenFault {
  FaultBand band;
  ActionKind opener;
  std::string sets;             // the action's node sets as text
  std::vector<uint32_t> nodes;  // crash: the nodes down
  bool fixed = false;           // ends by itself at band.until (pause, clog)
  size_t order = 0;             // of its action: ties sort as written
};

std::string SetsText(const Action& a) {
  std::string out;
  for (const NodeSet& s : a.sets) absl::StrAppend(&out, s.ToString(), ";");
  return out;
}

std::vector<uint32_t> Nodes(const Action& a, int nodes) {
  if (a.sets.empty()) return {};
  absl::StatusOr<std::vector<uint32_t>> r = a.sets[0].Resolve(nodes);
  return r.ok() ? *std::move(r) : std::vector<uint32_t>{};
}

// The statement without its "for D", which the band's length shows.
std::string Label(const std::string& text) {
  std::vector<std::string> words = absl::StrSplit(text, ' ');
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "for" && i + 1 < words.size()) {
      ++i;
      continue;
    }
    absl::StrAppend(&out, out.empty() ? "" : " ", words[i]);
  }
  return out;
}

bool IsPartitionKind(ActionKind k) {
  return k == ActionKind::kPartition || k == ActionKind::kIsolate ||
         k == ActionKind::kCut || k == ActionKind::kCutInbound ||
         k == ActionKind::kClog;
}

// The kind of fault an action starts, if it starts one.
bool Starts(const Action& a, FaultKind* kind) {
  switch (a.kind) {
    case ActionKind::kPartition:
    case ActionKind::kIsolate:
    case ActionKind::kCut:
    case ActionKind::kClog:
      *kind = FaultKind::kPartition;
      return true;
    case ActionKind::kCutInbound:
      *kind = FaultKind::kPartition;
      return a.flag;
    case ActionKind::kLoss:
    case ActionKind::kLossIn:
    case ActionKind::kLossOut:
    case ActionKind::kLossLink:
      *kind = FaultKind::kLoss;
      return a.ppm > 0;
    case ActionKind::kPause:
      *kind = FaultKind::kPause;
      return true;
    case ActionKind::kSlow:
      *kind = FaultKind::kSlow;
      return a.value > 0;
    case ActionKind::kDrift:
      *kind = FaultKind::kSlow;
      return a.signed_ppm != 0;
    case ActionKind::kCrash:
    case ActionKind::kRestartWave:
      *kind = FaultKind::kCrash;
      return true;
    default:
      return false;
  }
}

// Whether action `a` ends the open fault `f`.
bool Ends(const Action& a, const std::string& sets, const OpenFault& f,
          int nodes) {
  switch (a.kind) {
    case ActionKind::kHeal:
      return IsPartitionKind(f.opener);
    case ActionKind::kLiveness:
      return f.opener != ActionKind::kCrash;
    case ActionKind::kPartition:  // a new partition replaces the old one
      return f.opener == ActionKind::kPartition;
    case ActionKind::kRejoin:
      return f.opener == ActionKind::kIsolate && f.sets == sets;
    case ActionKind::kUncut:
      return f.opener == ActionKind::kCut && f.sets == sets;
    case ActionKind::kResume:
      return f.opener == ActionKind::kPause && f.sets == sets;
    case ActionKind::kLoss:  // the global rate is replaced
      return f.opener == ActionKind::kLoss;
    case ActionKind::kCutInbound:
    case ActionKind::kLossIn:
    case ActionKind::kLossOut:
    case ActionKind::kLossLink:
    case ActionKind::kSlow:
    case ActionKind::kDrift:
      return f.opener == a.kind && f.sets == sets;
    case ActionKind::kRestart: {
      if (f.opener != ActionKind::kCrash) return false;
      if (f.nodes.empty()) return f.sets == sets;
      const std::vector<uint32_t> restarted = Nodes(a, nodes);
      for (uint32_t n : restarted) {
        if (std::binary_search(f.nodes.begin(), f.nodes.end(), n)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

}  // namespace

absl::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCrash:
      return "crash";
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kLoss:
      return "loss";
    case FaultKind::kPause:
      return "pause";
    case FaultKind::kSlow:
      return "slow";
    case FaultKind::kLiveness:
      return "liveness";
  }
  return "fault";
}

std::vector<FaultBand> FaultBands(const Scenario& scenario, int nodes) {
  const SimTime end = scenario.duration;
  std::vector<std::pair<size_t, FaultBand>> done;  // (order, band)
  std::vector<OpenFault> open;
  size_t order = 0;
  for (const Action& a : scenario.actions) {
    if (a.at > end) break;
    const std::string sets = SetsText(a);
    for (size_t i = 0; i < open.size();) {
      if (Ends(a, sets, open[i], nodes)) {
        FaultBand b = std::move(open[i].band);
        b.until = open[i].fixed ? std::min(b.until, a.at) : a.at;
        done.emplace_back(open[i].order, std::move(b));
        open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    if (a.kind == ActionKind::kLiveness) {
      done.emplace_back(order++,
                        FaultBand{FaultKind::kLiveness, a.at, end, "liveness"});
      continue;
    }
    FaultKind kind;
    if (!Starts(a, &kind)) continue;
    OpenFault f;
    f.band = {kind, a.at, end, Label(a.text)};
    f.opener = a.kind;
    f.sets = sets;
    f.order = order++;
    if (a.kind == ActionKind::kCrash) f.nodes = Nodes(a, nodes);
    if (a.kind == ActionKind::kPause || a.kind == ActionKind::kClog) {
      f.fixed = true;
      f.band.until = std::min(end, a.at + a.duration);
    }
    if (a.kind == ActionKind::kRestartWave) {  // its last restart
      f.fixed = true;
      f.band.until = std::min(end, a.at + a.value + a.duration);
    }
    open.push_back(std::move(f));
  }
  for (OpenFault& f : open) done.emplace_back(f.order, std::move(f.band));
  std::sort(done.begin(), done.end(), [](const auto& x, const auto& y) {
    return x.second.from != y.second.from ? x.second.from < y.second.from
                                          : x.first < y.first;
  });
  std::vector<FaultBand> bands;
  bands.reserve(done.size());
  for (auto& [o, b] : done) bands.push_back(std::move(b));
  return bands;
}

SimTime LastFaultChange(const std::vector<FaultBand>& faults, SimTime before) {
  SimTime last = 0;
  for (const FaultBand& f : faults) {
    if (f.kind == FaultKind::kLiveness || f.from >= before) continue;
    const SimTime change =
        f.kind == FaultKind::kCrash ? f.from : std::min(f.until, before);
    last = std::max(last, change);
  }
  return last;
}

std::vector<Metrics::GroupSpec> PartitionSides(const Scenario& scenario,
                                               int nodes, size_t max) {
  std::vector<Metrics::GroupSpec> sides;
  for (const Action& a : scenario.actions) {
    if (a.kind != ActionKind::kPartition) continue;
    for (const NodeSet& set : a.sets) {
      if (sides.size() >= max) return sides;
      std::string name = set.ToString();
      bool known = false;
      for (const Metrics::GroupSpec& g : sides) known |= g.name == name;
      absl::StatusOr<std::vector<uint32_t>> members = set.Resolve(nodes);
      if (known || !members.ok()) continue;
      sides.push_back({std::move(name), *std::move(members)});
    }
  }
  return sides;
}

}  // namespace swim::sim
