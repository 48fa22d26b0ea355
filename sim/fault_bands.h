// The fault periods of a scenario, for reports to shade: when each fault
// (crash, partition, loss, pause, slow node) began and ended, and when the
// liveness phase began. Read from the scenario's plan alone, so a real run
// of the same scenario file gets the same bands.
//
//   std::vector<FaultBand> bands = FaultBands(scenario, /*nodes=*/200);
//   for (const FaultBand& b : bands) Shade(b.from, b.until, b.label);
//   metrics.TrackGroups(PartitionSides(scenario, 200));
#ifndef SIM_FAULT_BANDS_H_
#define SIM_FAULT_BANDS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "sim/metrics.h"
#include "sim/scenario.h"
#include "sim/sim_time.h"

namespace swim::sim {

enum class FaultKind {
  kCrash,      // crash, until the node's restart (or the end)
  kPartition,  // partition, isolate, cut, cut-inbound, clog
  kLoss,       // loss (global, in, out, link)
  kPause,      // pause
  kSlow,       // slow, drift
  kLiveness,   // from the liveness action to the end
};
// "crash", "partition", "loss", "pause", "slow", "liveness".
absl::string_view FaultKindName(FaultKind kind);

struct FaultBand {
  FaultKind kind = FaultKind::kCrash;
  SimTime from = 0;
  SimTime until = 0;  // the scenario's end if the fault never ended
  // The statement without its "for D": "partition {0%..50%} {50%..100%}".
  std::string label;
};

// Sorted by start (stable). A fault ends at its "for D", its explicit undo
// (heal, rejoin, uncut, resume, a zero rate), the liveness action (which
// clears every fault but crashes), or the end; a crash ends at a restart
// of one of its nodes. `nodes` resolves node sets (crash and restart sets
// are matched node by node); sets that do not resolve are matched as text.
std::vector<FaultBand> FaultBands(const Scenario& scenario, int nodes);

// The last change of a fault before `before` (the liveness start): the
// latest crash, or end of another fault (a heal, a resume, a loss set to
// zero), a fault still on at `before` counting as ending then; 0 if none.
// Convergence is measured from here on both sides of a fidelity
// comparison, where the liveness start often comes after it.
SimTime LastFaultChange(const std::vector<FaultBand>& faults, SimTime before);

// The sides of the scenario's partitions, each named as written
// ("{0%..50%}"), distinct, at most `max` of them in order of appearance:
// the groups whose views the report draws side by side.
std::vector<Metrics::GroupSpec> PartitionSides(const Scenario& scenario,
                                               int nodes, size_t max = 4);

}  // namespace swim::sim

#endif  // SIM_FAULT_BANDS_H_
