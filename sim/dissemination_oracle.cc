#include "sim/dissemination_oracle.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "sim/simulator.h"
#include "swim/members.h"

namespace swim::sim {

void DisseminationOracle::OnMetadataSet(const Simulator& /*sim*/, SimTime now,
                                        uint32_t node, uint64_t version) {
  updates_.push_back(Update{node, version, now});
}

void DisseminationOracle::Finish(const Simulator& sim, SimTime now) {
  for (const Update& u : updates_) {
    if (!sim.IsLive(u.node)) continue;
    std::vector<std::string> missing;
    for (uint32_t o = 0; o < static_cast<uint32_t>(sim.size()); ++o) {
      if (o == u.node || !sim.IsLive(o)) continue;
      std::optional<MemberView> v =
          sim.node(o)->members().Find(sim.name(u.node));
      if (!v.has_value() || v->metadata_version < u.version) {
        missing.push_back(sim.name(o));
      }
    }
    if (!missing.empty()) {
      Report(now, absl::StrCat(
                      "metadata v", u.version, " of ", sim.name(u.node),
                      " (set at ", FormatSimTime(u.at), ") never reached ",
                      missing.size(), " live node(s): ", ListSome(missing)));
    }
  }
}

}  // namespace swim::sim
