#include "sim/completeness_oracle.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/cluster.h"
#include "swim/members.h"

namespace swim::sim {

void CompletenessOracle::Check(const Cluster& sim, SimTime now) {
  checked_ = true;
  for (uint32_t m = 0; m < static_cast<uint32_t>(sim.size()); ++m) {
    if (sim.IsUp(m) || !sim.WasEverCrashed(m)) continue;
    std::vector<std::string> still_available;
    for (uint32_t o = 0; o < static_cast<uint32_t>(sim.size()); ++o) {
      if (o == m || !sim.IsLive(o)) continue;
      std::optional<MemberView> v = sim.members(o)->Find(sim.name(m));
      if (v.has_value() && Matches(v->status, Status::kAvailable)) {
        still_available.push_back(
            absl::StrCat(sim.name(o), " (", StatusName(v->status), ")"));
      }
    }
    if (!still_available.empty()) {
      Report(now, absl::StrCat(
                      "crashed ", sim.name(m), " is not OFFLINE at ",
                      still_available.size(), " live node(s) ",
                      FormatSimTime(bound_),
                      " after liveness started: ", ListSome(still_available)));
    }
  }
}

void CompletenessOracle::Finish(const Cluster& sim, SimTime now) {
  // A run that ends before liveness start + bound is not checked (it would
  // hold nodes to a deadline that never came); the summary says so.
  if (!checked_ && check_at_ <= now) Check(sim, now);
}

}  // namespace swim::sim
