// A restart wave: every node of a set crashed and started again under the
// same name seconds later, in random order and overlapping, the shape of a
// whole cluster rolled by a deployment (memberlist issue #311).
//
//   at 60s restart-wave {0%..100%} over 20s down 3s..8s
//
// crashes the set's nodes one by one, evenly spaced over [60s, 80s) in an
// order shuffled by the scenario's seed, and restarts each one a down time
// later drawn uniformly from [3s, 8s]. ExpandRestartWaves turns each wave
// into those single-node crash and restart actions before a run, once the
// node count is known (--nodes may override the file's).
//
//   absl::StatusOr<std::vector<Action>> actions =
//       ExpandRestartWaves(scenario, nodes);
#ifndef SIM_RESTART_WAVE_H_
#define SIM_RESTART_WAVE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario.h"

namespace swim::sim {

// The scenario's actions with each restart wave replaced by its crashes and
// restarts, sorted by time (stable). Errors name the wave's line.
absl::StatusOr<std::vector<Action>> ExpandRestartWaves(const Scenario& sc,
                                                       int nodes);

}  // namespace swim::sim

#endif  // SIM_RESTART_WAVE_H_
