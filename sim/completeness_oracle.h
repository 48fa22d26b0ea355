// Completeness: every crashed (and not restarted) node is OFFLINE at every
// live node within a bound after the liveness phase starts.
//
// At liveness start + bound it asks every live node how it sees every
// crashed node; ONLINE or SUSPECT is a violation (a forgotten member
// counts as not available, which is fine). A run without a liveness phase,
// or that ends before liveness start + bound, is not checked.
//
//   CompletenessOracle completeness(/*bound=*/Seconds(30));
//   sim->AddObserver(&completeness);
#ifndef SIM_COMPLETENESS_ORACLE_H_
#define SIM_COMPLETENESS_ORACLE_H_

#include "sim/oracle.h"

namespace swim::sim {

class CompletenessOracle : public Oracle {
 public:
  explicit CompletenessOracle(SimTime bound) : bound_(bound) {}

  absl::string_view name() const override { return "completeness"; }
  void OnLivenessStart(const Cluster& /*sim*/, SimTime now) override {
    check_at_ = now + bound_;
  }
  SimTime CheckTime() const override { return checked_ ? kNever : check_at_; }
  void Check(const Cluster& sim, SimTime now) override;
  void Finish(const Cluster& sim, SimTime now) override;

  bool checked() const { return checked_; }

 private:
  SimTime bound_;
  SimTime check_at_ = kNever;
  bool checked_ = false;
};

}  // namespace swim::sim

#endif  // SIM_COMPLETENESS_ORACLE_H_
