// Dissemination: every metadata update reached every live node.
//
// Remembers each update (owner, version) and, at the end, checks that
// every live node other than the owner holds that version or a newer one
// of the owner's metadata. Updates of owners that are no longer live are
// skipped. Run it after a liveness phase.
//
//   DisseminationOracle dissemination;
//   sim->AddObserver(&dissemination);
#ifndef SIM_DISSEMINATION_ORACLE_H_
#define SIM_DISSEMINATION_ORACLE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/oracle.h"

namespace swim::sim {

class DisseminationOracle : public Oracle {
 public:
  absl::string_view name() const override { return "dissemination"; }
  void OnMetadataSet(const Simulator& sim, SimTime now, uint32_t node,
                     uint64_t version) override;
  void Finish(const Simulator& sim, SimTime now) override;

 private:
  struct Update {
    uint32_t node;
    uint64_t version;
    SimTime at;
  };
  std::vector<Update> updates_;
};

}  // namespace swim::sim

#endif  // SIM_DISSEMINATION_ORACLE_H_
