#include "sim/app_state_tracker.h"

#include "sim/simulator.h"
#include "sim/summary.h"

namespace swim::sim {

void AppStateTracker::OnMerge(uint32_t node, uint32_t from, uint64_t version,
                              bool join) {
  ++merges_;
  if (join) ++join_merges_;
  uint64_t& held = merged_[node][from];
  if (version > held) held = version;
}

void AppStateTracker::Summarize(const Simulator& sim,
                                RunSummary* summary) const {
  summary->app_states_set = sets_;
  summary->app_state_merges = merges_;
  summary->app_state_join_merges = join_merges_;
  const auto n = static_cast<uint32_t>(sim.size());
  for (uint32_t owner = 0; owner < n; ++owner) {
    if (!sim.IsLive(owner) || sim.node(owner)->local_state().empty()) continue;
    const uint64_t version = sim.node(owner)->local_state_version();
    ++summary->app_states_checked;
    bool everywhere = true;
    for (uint32_t holder = 0; holder < n && everywhere; ++holder) {
      if (holder == owner || !sim.IsLive(holder)) continue;
      auto it = merged_[holder].find(owner);
      everywhere = it != merged_[holder].end() && it->second >= version;
    }
    if (everywhere) ++summary->app_states_everywhere;
  }
}

}  // namespace swim::sim
