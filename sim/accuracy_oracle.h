// Accuracy: live, reachable nodes must not be declared OFFLINE (or
// SUSPECT) by anyone: false positives.
//
// A node counts as healthy while it is live and neither under a fault nor
// within `grace` of one (Simulator::Disturbed: paused, slow, partitioned,
// cut, lossy links of its own, restarted...). Global loss and latency do
// not make a node unhealthy. Every SUSPECT or OFFLINE(failed) event about a
// healthy member at a healthy observer is counted. A counted OFFLINE is a
// violation when `strict`, or else only when the whole cluster is quiet
// (no node disturbed): a node that was cut off declares the others
// OFFLINE, and after it heals its stale declarations reach healthy nodes
// before the accused refute them; SWIM allows that, so only strict
// scenarios (Rapid's bad nodes) forbid it. A SUSPECT is a violation only
// beyond max_false_suspicions (a lossy network legitimately raises
// suspicions that are then refuted).
//
//   AccuracyOracle accuracy(/*grace=*/Seconds(90), /*strict=*/true);
//   sim->AddObserver(&accuracy);
//   ... run ...
//   Print(accuracy.false_suspicions(), accuracy.false_offlines());
#ifndef SIM_ACCURACY_ORACLE_H_
#define SIM_ACCURACY_ORACLE_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "sim/oracle.h"

namespace swim::sim {

class AccuracyOracle : public Oracle {
 public:
  explicit AccuracyOracle(
      SimTime grace, bool strict = false,
      uint64_t max_false_suspicions = std::numeric_limits<uint64_t>::max())
      : grace_(grace),
        strict_(strict),
        max_false_suspicions_(max_false_suspicions) {}

  absl::string_view name() const override { return "accuracy"; }
  void OnMemberEvent(const Cluster& sim, SimTime now, uint32_t observer,
                     uint32_t member, const MemberEvent& event) override;
  void Finish(const Cluster& sim, SimTime now) override;

  uint64_t false_suspicions() const { return false_suspicions_; }
  uint64_t false_offlines() const { return false_offlines_; }
  // Distinct healthy members declared OFFLINE by someone.
  size_t members_falsely_offline() const { return falsely_offline_.size(); }
  // Any status change about a healthy member seen by a healthy observer
  // (Rapid's "healthy nodes never change status").
  uint64_t healthy_status_changes() const { return healthy_changes_; }

 private:
  SimTime grace_;
  bool strict_;
  uint64_t max_false_suspicions_;
  uint64_t false_suspicions_ = 0;
  uint64_t false_offlines_ = 0;
  uint64_t healthy_changes_ = 0;
  std::vector<uint32_t> falsely_offline_;  // sorted
};

}  // namespace swim::sim

#endif  // SIM_ACCURACY_ORACLE_H_
