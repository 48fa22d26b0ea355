// Convergence: at the end, all live nodes agree on the ONLINE set and on
// every member's metadata version.
//
// Stricter than agreement alone: the agreed ONLINE set must be exactly the
// set of live nodes (crashed and departed nodes out, every live node in),
// and each member's metadata version must be the one its owner announces.
// Run it only after a liveness phase, when faults have stopped. Above
// kMaxObservers live nodes it checks an evenly spaced sample of observers
// (every member is still checked at each of them) to bound the O(N²) scan.
//
//   ConvergenceOracle convergence;
//   ... run ...
//   convergence.Finish(*sim, end);
#ifndef SIM_CONVERGENCE_ORACLE_H_
#define SIM_CONVERGENCE_ORACLE_H_

#include "sim/oracle.h"

namespace swim::sim {

class ConvergenceOracle : public Oracle {
 public:
  static constexpr int kMaxObservers = 2000;

  absl::string_view name() const override { return "convergence"; }
  void Finish(const Cluster& sim, SimTime now) override;
};

}  // namespace swim::sim

#endif  // SIM_CONVERGENCE_ORACLE_H_
