// Plays a simulator scenario (sim/scenario.h) against real swim_real_node
// processes in a network namespace of its own (tools/real_processes.h):
// network faults become nftables rules (tools/real_net.h), node faults
// signals (crash: SIGKILL, pause: SIGSTOP/SIGCONT, leave: SIGUSR1,
// metadata: SIGUSR2), and the nodes' logs are then judged by the
// simulator's metrics and oracles (tools/real_replay.h). Statements that
// cannot be done for real are refused up front (CheckRealScenario).
//
//   absl::StatusOr<sim::Scenario> sc = sim::ParseScenario(text);
//   if (absl::Status s = CheckRealScenario(*sc, text); !s.ok()) ...
//   RealRunOptions options;
//   options.node_binary = "bazel-bin/tools/swim_real_node";
//   absl::StatusOr<sim::RunSummary> s = RunRealScenario(*sc, options);
#ifndef TOOLS_REAL_RUNNER_H_
#define TOOLS_REAL_RUNNER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sim/scenario.h"
#include "sim/summary.h"
#include "tools/run_curves.h"

namespace swim::tools {

// At most this many nodes: one loopback address each, 127.0.1.1 up.
inline constexpr int kMaxRealNodes = 250;

// OK if every statement can be done for real; otherwise InvalidArgument
// naming the statement and its line (`text` is the scenario's source, for
// the lines of top-level statements).
absl::Status CheckRealScenario(const sim::Scenario& scenario,
                               absl::string_view text);

struct RealRunOptions {
  std::string node_binary;
  // Logs and stderr of every node; must exist.
  std::string work_dir;
  // The run is abandoned (and cleaned up) past its duration plus this.
  absl::Duration deadline_slack = absl::Seconds(30);
  // Called about once a second with the elapsed and the total time.
  std::function<void(absl::Duration elapsed, absl::Duration total)> progress;
  // If not null, gets the run's curves (for swim_real --compare --report).
  RunCurves* curves = nullptr;
};

// Cancelled if SIGINT or SIGTERM arrived (block them in the caller first:
// they are waited for synchronously). Everything it created is removed
// before it returns.
absl::StatusOr<sim::RunSummary> RunRealScenario(const sim::Scenario& scenario,
                                                const RealRunOptions& options);

}  // namespace swim::tools

#endif  // TOOLS_REAL_RUNNER_H_
