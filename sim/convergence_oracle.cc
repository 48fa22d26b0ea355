#include "sim/convergence_oracle.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/cluster.h"
#include "swim/members.h"

namespace swim::sim {

void ConvergenceOracle::Finish(const Cluster& sim, SimTime now) {
  const uint32_t n = static_cast<uint32_t>(sim.size());
  std::vector<uint32_t> live;
  for (uint32_t i = 0; i < n; ++i) {
    if (sim.IsLive(i)) live.push_back(i);
  }
  if (live.empty()) return;
  const size_t step = live.size() <= kMaxObservers
                          ? 1
                          : (live.size() + kMaxObservers - 1) / kMaxObservers;
  std::vector<uint64_t> owner_version(n, 0);
  for (uint32_t m : live) {
    owner_version[m] = sim.members(m)->local().metadata_version;
  }
  uint64_t wrong_status = 0;
  uint64_t wrong_metadata = 0;
  std::vector<std::string> examples;
  for (size_t k = 0; k < live.size(); k += step) {
    const uint32_t o = live[k];
    const Members& members = *sim.members(o);
    // Every live member ONLINE with its owner's metadata version.
    for (uint32_t m : live) {
      if (m == o) continue;
      std::optional<MemberView> v = members.Find(sim.name(m));
      if (!v.has_value() || v->status != Status::kOnline) {
        ++wrong_status;
        if (examples.size() < 5) {
          examples.push_back(
              absl::StrCat(sim.name(o), " sees live ", sim.name(m), " as ",
                           v.has_value() ? StatusName(v->status) : "unknown"));
        }
      } else if (v->metadata_version != owner_version[m]) {
        ++wrong_metadata;
        if (examples.size() < 5) {
          examples.push_back(absl::StrCat(sim.name(o), " holds ", sim.name(m),
                                          "'s metadata v", v->metadata_version,
                                          ", owner has v", owner_version[m]));
        }
      }
    }
    // Nobody else ONLINE.
    const size_t online = members.Count(Status::kOnline);  // self included
    size_t live_online = 0;
    for (const MemberView& v : members.WithStatus(Status::kOnline)) {
      std::optional<uint32_t> idx = sim.IndexOfName(v.name);
      if (idx.has_value() && sim.IsLive(*idx)) ++live_online;
    }
    if (online != live_online) {
      wrong_status += online - live_online;
      if (examples.size() < 5) {
        examples.push_back(absl::StrCat(sim.name(o), " sees ",
                                        online - live_online,
                                        " departed node(s) ONLINE"));
      }
    }
  }
  if (wrong_status + wrong_metadata > 0) {
    std::string detail =
        absl::StrCat("not converged at the end: ", wrong_status,
                     " (observer, member) status disagreements, ",
                     wrong_metadata, " metadata version disagreements");
    for (const std::string& e : examples) absl::StrAppend(&detail, "; ", e);
    Report(now, detail);
  }
}

}  // namespace swim::sim
