// The analysis half of tools/swim_real: what the runner did and what the
// nodes logged, replayed in time order into the simulator's ViewTracker,
// Metrics and oracles (through RealCluster), and summed up as the same
// RunSummary the simulator prints. The run itself only acts and logs, so
// the judgement is the simulator's code, fed real events.
//
//   std::vector<ReplayEntry> entries = ...;  // runner actions + node logs
//   sim::RunSummary s = ReplayRun(scenario, std::move(entries), traffic);
//   std::cout << sim::FormatSummaryText(s);
#ifndef TOOLS_REAL_REPLAY_H_
#define TOOLS_REAL_REPLAY_H_

#include <cstdint>
#include <vector>

#include "sim/scenario.h"
#include "sim/sim_time.h"
#include "sim/summary.h"
#include "tools/real_cluster.h"
#include "tools/real_log.h"
#include "tools/real_net.h"
#include "tools/run_curves.h"

namespace swim::tools {

using NodeSets = std::vector<std::vector<uint32_t>>;

struct ReplayEntry {
  enum class Kind : uint8_t {
    kBoot,    // node's first start (the runner spawned it)
    kAction,  // a scenario action the runner applied (action, sets)
    kRecord,  // a line of node's log
  };
  sim::SimTime at = 0;
  Kind kind = Kind::kBoot;
  uint32_t node = 0;
  const sim::Action* action = nullptr;
  NodeSets sets;
  RealRecord record;
};

// Applies a network action (partition, heal, isolate, rejoin, cut, uncut,
// cut-inbound, loss, loss in/out) to `net`, marking the nodes it disturbs
// in `cluster` if not null, as the simulator's runner does; false if the
// action is not a network one.
bool ApplyNetworkAction(const sim::Action& action, const NodeSets& sets,
                        RealNet& net, RealCluster* cluster);

// Sorts the entries by time (stable) and replays them; `traffic_*` are the
// totals sent by every node life. `curves`, if not null, gets the run's
// curves for a compare report.
sim::RunSummary ReplayRun(const sim::Scenario& scenario,
                          std::vector<ReplayEntry> entries,
                          uint64_t datagrams_sent, uint64_t bytes_sent,
                          RunCurves* curves = nullptr);

}  // namespace swim::tools

#endif  // TOOLS_REAL_REPLAY_H_
