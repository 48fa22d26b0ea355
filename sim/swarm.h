// Swarm mode: a random fault plan drawn from a seed (TigerBeetle's VOPR
// swarm testing). The plan is written as scenario text, so a failing seed
// can be printed, read and replayed like any scripted scenario.
//
// The plan: a node count, latency, loss, duplication and reordering, then
// a safety phase with random partitions, isolations, one-way cuts, clogs,
// per-node loss, crashes (some restarted), pauses, slow nodes, clock drift
// and metadata updates; then a liveness phase in which faults stop and
// partitions heal, long enough for the oracles' bounds.
//
//   std::string text = SwarmScenarioText(/*seed=*/17, /*max_nodes=*/64);
//   absl::StatusOr<Scenario> sc = ParseScenario(text);
#ifndef SIM_SWARM_H_
#define SIM_SWARM_H_

#include <cstdint>
#include <string>

namespace swim::sim {

// The scenario text of swarm seed `seed`, with 8 to max_nodes nodes.
std::string SwarmScenarioText(uint64_t seed, int max_nodes);

}  // namespace swim::sim

#endif  // SIM_SWARM_H_
