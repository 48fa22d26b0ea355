// Incremental, cluster-wide counts of who sees whom in which status.
//
// For every member m it counts the live observers (other than m) that see
// m ONLINE, SUSPECT and OFFLINE, updated from each membership event in O(1)
// and from crashes in O(view size), so metrics can tell the moment a
// crashed node is OFFLINE everywhere or the cluster has converged without
// scanning N² views. "Converged" means: every node has started, every live
// member is ONLINE at every other live node, and no live node sees a
// crashed or departed member as available. Register it as the first
// observer so that later observers read up-to-date counts:
//
//   ViewTracker views(sim->size());
//   sim->AddObserver(&views);
//   ... sim->RunUntil(t);
//   if (views.converged()) Use(views.converged_since());
#ifndef SIM_VIEW_TRACKER_H_
#define SIM_VIEW_TRACKER_H_

#include <cstdint>
#include <vector>

#include "sim/observer.h"
#include "sim/sim_time.h"
#include "swim/status.h"

namespace swim::sim {

class ViewTracker : public SimObserver {
 public:
  explicit ViewTracker(int nodes);

  void OnMemberEvent(const Cluster& sim, SimTime now, uint32_t observer,
                     uint32_t member, const MemberEvent& event) override;
  void OnLife(const Cluster& sim, SimTime now, uint32_t node,
              Life life) override;
  void BeforeCrash(const Cluster& sim, SimTime now, uint32_t node) override;

  // Live observers (other than m) that see m ONLINE / SUSPECT / OFFLINE.
  uint32_t online_seen(uint32_t m) const { return online_[m]; }
  uint32_t suspect_seen(uint32_t m) const { return suspect_[m]; }
  uint32_t offline_seen(uint32_t m) const { return offline_[m]; }
  uint32_t available_seen(uint32_t m) const { return online_[m] + suspect_[m]; }
  // Sums over all members.
  uint64_t total_online() const { return total_online_; }
  uint64_t total_suspect() const { return total_suspect_; }
  uint64_t total_offline() const { return total_offline_; }
  uint32_t live_count() const { return live_count_; }

  bool converged() const { return started_ == live_.size() && bad_ == 0; }
  // When the cluster last became converged; kNever if it is not.
  SimTime converged_since() const {
    return converged() ? converged_since_ : kNever;
  }

 private:
  void Count(uint32_t member, Status status, int delta);
  // Removes a live observer's whole row.
  void RemoveRow(const Cluster& sim, uint32_t node);
  void UpdateBad(uint32_t member);
  void RecomputeAllBad();
  void AfterChange(SimTime now);

  std::vector<uint32_t> online_;
  std::vector<uint32_t> suspect_;
  std::vector<uint32_t> offline_;
  std::vector<uint8_t> live_;
  std::vector<uint8_t> bad_flag_;
  std::vector<uint8_t> ever_started_;
  uint64_t total_online_ = 0;
  uint64_t total_suspect_ = 0;
  uint64_t total_offline_ = 0;
  uint32_t live_count_ = 0;
  uint32_t started_ = 0;
  uint32_t bad_ = 0;
  bool was_converged_ = false;
  SimTime converged_since_ = kNever;
};

}  // namespace swim::sim

#endif  // SIM_VIEW_TRACKER_H_
