// What the simulated nodes did with application states (swim/app_state.h):
// the states set (scenario statement "state SET [bytes N]") and the remote
// states each node merged, for the summary: merges delivered (at joins or
// in later exchanges), and how many of the latest states every live node
// holds at the end.
//
//   tracker.OnSet(node, version);                 // Simulator::SetLocalState
//   tracker.OnMerge(node, from, version, join);   // Node::PollStateMerge
//   tracker.OnCrash(node);                        // its merges are gone
//   tracker.Summarize(sim, &summary);
#ifndef SIM_APP_STATE_TRACKER_H_
#define SIM_APP_STATE_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace swim::sim {

class Simulator;
struct RunSummary;

class AppStateTracker {
 public:
  void Resize(size_t nodes) { merged_.resize(nodes); }
  void OnSet(uint32_t node) {
    (void)node;
    ++sets_;
  }
  void OnMerge(uint32_t node, uint32_t from, uint64_t version, bool join);
  void OnCrash(uint32_t node) { merged_[node].clear(); }

  uint64_t sets() const { return sets_; }
  uint64_t merges() const { return merges_; }

  // Fills the summary's app_state_* fields: per live node holding a state,
  // whether every other live node merged its latest version.
  void Summarize(const Simulator& sim, RunSummary* summary) const;

 private:
  uint64_t sets_ = 0;
  uint64_t merges_ = 0;
  uint64_t join_merges_ = 0;
  // Per node: the last version merged of each sender (ordered: the
  // summary's counts never depend on hash order anyway).
  std::vector<std::map<uint32_t, uint64_t>> merged_;
};

}  // namespace swim::sim

#endif  // SIM_APP_STATE_TRACKER_H_
