#include "sim/restart_wave.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "sim/sim_time.h"
#include "swim/prng.h"

namespace swim::sim {
namespace {

NodeSet OneNode(uint32_t node) {
  NodeSet set;
  set.ranges.push_back(NodeSet::Range{node, node, false});
  return set;
}

Action NodeAction(const Action& wave, ActionKind kind, SimTime at,
                  uint32_t node) {
  Action a;
  a.at = at;
  a.kind = kind;
  a.sets.push_back(OneNode(node));
  a.line = wave.line;
  a.text = absl::StrCat(kind == ActionKind::kCrash ? "crash " : "restart ",
                        node, " (", wave.text, ")");
  return a;
}

absl::Status Expand(const Scenario& sc, const Action& wave, int nodes,
                    std::vector<Action>& out) {
  absl::StatusOr<std::vector<uint32_t>> set = wave.sets[0].Resolve(nodes);
  if (!set.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scenario line ", wave.line, ": ", set.status().message()));
  }
  std::vector<uint32_t> order = *std::move(set);
  Prng rng = Stream(sc.seed, kWaveStream, static_cast<uint64_t>(wave.line));
  rng.Shuffle(order);
  const SimTime over = wave.value;
  const auto down_range = static_cast<uint64_t>(wave.duration - wave.value2);
  for (size_t i = 0; i < order.size(); ++i) {
    // Integer spacing: node i goes down at over × i / |set|.
    const auto offset =
        static_cast<SimTime>(absl::int128(over) * static_cast<int64_t>(i) /
                             static_cast<int64_t>(order.size()));
    const SimTime down =
        wave.value2 + static_cast<SimTime>(rng.Uniform(down_range + 1));
    const SimTime crash_at = wave.at + offset;
    out.push_back(NodeAction(wave, ActionKind::kCrash, crash_at, order[i]));
    out.push_back(
        NodeAction(wave, ActionKind::kRestart, crash_at + down, order[i]));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Action>> ExpandRestartWaves(const Scenario& sc,
                                                       int nodes) {
  std::vector<Action> out;
  out.reserve(sc.actions.size());
  for (const Action& a : sc.actions) {
    if (a.kind != ActionKind::kRestartWave) {
      out.push_back(a);
      continue;
    }
    if (absl::Status s = Expand(sc, a, nodes, out); !s.ok()) return s;
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const Action& a, const Action& b) { return a.at < b.at; });
  return out;
}

}  // namespace swim::sim
