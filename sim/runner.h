// Runs a Scenario end to end: builds the Simulator, applies the scripted
// actions at their times, runs the oracles, and summarises the run.
//
//   absl::StatusOr<Scenario> sc = ParseScenario(text);
//   RunOptions options;
//   options.progress = [](SimTime now, SimTime end) { ... };
//   absl::StatusOr<RunResult> r = RunScenario(*sc, options);
//   std::cout << FormatSummaryText(r->summary);
//   if (!r->summary.ok()) return 1;
//
// The same scenario (seed included) always gives the same digest and the
// same figures.
#ifndef SIM_RUNNER_H_
#define SIM_RUNNER_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/fault_bands.h"
#include "sim/metrics.h"
#include "sim/scenario.h"
#include "sim/sim_time.h"
#include "sim/summary.h"
#include "sim/view_tracker.h"

namespace swim::sim {

struct RunOptions {
  // Every trace record as text (--trace); not owned.
  std::ostream* trace_sink = nullptr;
  // Status counts are sampled this often (for the HTML report).
  SimTime sample_interval = Seconds(1);
  // Called after each sample with the simulated time and the end.
  std::function<void(SimTime now, SimTime end)> progress;
  // The datagram size oracle's limit; 0: the nodes' max_datagram_bytes.
  size_t datagram_limit_bytes = 0;
  // Extra "config KEY VALUE" settings applied after the scenario's.
  std::vector<std::pair<std::string, std::string>> extra_config;
  // SimOptions::loopback_addresses: a real run's addresses (swim_real
  // --compare).
  bool loopback_addresses = false;
};

struct RunResult {
  RunSummary summary;
  // For the HTML report.
  std::unique_ptr<ViewTracker> views;
  std::unique_ptr<Metrics> metrics;
  // The scenario's fault periods, for the report's bands.
  std::vector<FaultBand> faults;
};

absl::StatusOr<RunResult> RunScenario(const Scenario& scenario,
                                      const RunOptions& options);

}  // namespace swim::sim

#endif  // SIM_RUNNER_H_
