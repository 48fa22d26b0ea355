// Applies a scenario's actions (sim/scenario.h) to a running Simulator:
// network faults to its NetworkModel, node faults and application traffic
// to its nodes, and the liveness phase's start to the oracles too. The
// runner (sim/runner.h) makes one per run and hands it each action, node
// sets resolved, when the simulation reaches the action's time:
//
//   ActionApplier applier(sim, oracles);
//   sim.RunUntil(resolved.action->at);
//   if (absl::Status s = applier.Apply(resolved); !s.ok()) return s;
//
// Every action is recorded in the trace first, so that the digest covers
// the plan as well as its effects.
#ifndef SIM_ACTION_APPLIER_H_
#define SIM_ACTION_APPLIER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "sim/oracle.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace swim::sim {

// An action with its node sets resolved to node indices, in order.
struct ResolvedAction {
  const Action* action;
  std::vector<std::vector<uint32_t>> sets;
};

class ActionApplier {
 public:
  // `oracles` are told when the liveness phase starts.
  ActionApplier(Simulator& sim, std::vector<Oracle*> oracles);

  // Applies `r` now; an error is the scenario's (a refused restart
  // config, a state over the limit), not the protocol's answer.
  absl::Status Apply(const ResolvedAction& r);

 private:
  bool ApplyToNetwork(const ResolvedAction& r);
  absl::Status ApplyToNodes(const ResolvedAction& r);
  absl::Status ApplyRestart(const ResolvedAction& r);
  absl::Status ApplySendTo(const ResolvedAction& r);
  absl::Status ApplyBroadcast(const ResolvedAction& r);
  void MarkNetworkDisturbed();

  Simulator& sim_;
  std::vector<Oracle*> oracles_;
  // Names each metadata update and broadcast uniquely; the turn picks
  // "broadcast one"'s sender.
  int metadata_counter_ = 0;
  uint64_t broadcast_counter_ = 0;
  size_t broadcast_turn_ = 0;
};

}  // namespace swim::sim

#endif  // SIM_ACTION_APPLIER_H_
