// The interface every oracle implements: watch a run, then say what went
// wrong.
//
// An oracle is a SimObserver with a name. The runner tells it when the
// liveness phase starts (faults stop, partitions heal), calls Check() at
// CheckTime() if it asks for one, and Finish() at the end. Each problem is
// reported as a Violation; an empty list means the property held.
//
//   ConvergenceOracle oracle;
//   sim->AddObserver(&oracle);
//   ... run ...
//   oracle.Finish(*sim, end);
//   for (const Violation& v : oracle.violations()) Print(v.detail);
#ifndef SIM_ORACLE_H_
#define SIM_ORACLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "sim/observer.h"
#include "sim/sim_time.h"

namespace swim::sim {

struct Violation {
  std::string oracle;
  SimTime at = 0;
  std::string detail;
};

class Oracle : public SimObserver {
 public:
  // At most this many violations are kept in detail; all are counted.
  static constexpr size_t kMaxKept = 20;

  virtual absl::string_view name() const = 0;
  virtual void OnLivenessStart(const Cluster& /*sim*/, SimTime /*now*/) {}
  // When the runner should call Check(); kNever for never.
  virtual SimTime CheckTime() const { return kNever; }
  virtual void Check(const Cluster& /*sim*/, SimTime /*now*/) {}
  virtual void Finish(const Cluster& /*sim*/, SimTime /*now*/) {}

  const std::vector<Violation>& violations() const { return violations_; }
  uint64_t violation_count() const { return violation_count_; }
  bool ok() const { return violation_count_ == 0; }

 protected:
  void Report(SimTime at, std::string detail);

 private:
  std::vector<Violation> violations_;
  uint64_t violation_count_ = 0;
};

// Up to `limit` names from `names`, then "... (N more)".
std::string ListSome(const std::vector<std::string>& names, size_t limit = 5);

}  // namespace swim::sim

#endif  // SIM_ORACLE_H_
