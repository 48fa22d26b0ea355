// The nodes of a real run (tools/swim_real) as the simulator's metrics and
// oracles see a Simulator (sim/cluster.h): the runner replays, in time
// order, what it did (starts, crashes, pauses, network changes) and what
// the nodes logged (tools/real_log.h), and RealCluster keeps each node's
// member list as its events describe it and calls the observers, as the
// Simulator would have at the same moments.
//
//   RealCluster cluster(/*nodes=*/20, &net);
//   cluster.AddObserver(&views);
//   cluster.Start(t, 0, /*restart=*/false);
//   cluster.Event(t, /*observer=*/0, record);  // a kEvent record
//   cluster.Crash(t, 3);
#ifndef TOOLS_REAL_CLUSTER_H_
#define TOOLS_REAL_CLUSTER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "sim/cluster.h"
#include "sim/observer.h"
#include "sim/sim_time.h"
#include "swim/members.h"
#include "tools/real_log.h"
#include "tools/real_net.h"

namespace swim::tools {

class RealCluster final : public sim::Cluster {
 public:
  // Nodes are named "n<i>" at `address(i)`; `net` (not owned) says who is
  // under a network fault.
  RealCluster(int nodes, const RealNet* net);

  void AddObserver(sim::SimObserver* o) { observers_.push_back(o); }
  // Replay time; Disturbed() measures its grace from here.
  void set_now(sim::SimTime now) { now_ = now; }
  sim::SimTime now() const { return now_; }

  void Start(sim::SimTime now, uint32_t node, bool restart);
  void Crash(sim::SimTime now, uint32_t node);
  void Leave(sim::SimTime now, uint32_t node);
  void SetPaused(sim::SimTime now, uint32_t node, bool paused);
  void MarkDisturbed(uint32_t node) { slots_[node].last_disturbed = now_; }
  // A kStart, kEvent or kMetadata record of `node`'s log (others are
  // ignored).
  void Record(sim::SimTime now, uint32_t node, const RealRecord& record);

  // sim::Cluster.
  int size() const override { return static_cast<int>(slots_.size()); }
  bool IsUp(uint32_t node) const override {
    return slots_[node].members != nullptr;
  }
  bool IsLive(uint32_t node) const override {
    return IsUp(node) && !slots_[node].left;
  }
  bool WasEverCrashed(uint32_t node) const override {
    return slots_[node].crashes > 0;
  }
  const std::string& name(uint32_t node) const override {
    return slots_[node].name;
  }
  std::optional<uint32_t> IndexOfName(absl::string_view name) const override;
  bool Disturbed(uint32_t node, sim::SimTime grace) const override;
  const Members* members(uint32_t node) const override {
    return slots_[node].members.get();
  }

 private:
  struct Slot {
    std::string name;
    std::unique_ptr<Members> members;
    bool left = false;
    bool paused = false;
    int crashes = 0;
    sim::SimTime last_disturbed = -1;
  };

  const RealNet* net_;
  sim::SimTime now_ = 0;
  std::vector<Slot> slots_;
  std::vector<sim::SimObserver*> observers_;
};

}  // namespace swim::tools

#endif  // TOOLS_REAL_CLUSTER_H_
