// The curves of one run that a compare report (tools/real_compare_report.h)
// draws against another run's: the members seen in each status per live
// node, the traffic per node, one sample a second, and the detection
// times. Taken from a simulator run's Metrics or from a real run's replay
// (tools/real_replay.h), so both sides are measured by the same code.
//
//   absl::StatusOr<sim::RunResult> r = sim::RunScenario(sc, {});
//   RunCurves sim_curves = CurvesOf(*r->metrics, sc.nodes);
//   // a real run: RealRunOptions::curves = &real_curves;
#ifndef TOOLS_RUN_CURVES_H_
#define TOOLS_RUN_CURVES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/metrics.h"

namespace swim::tools {

struct RunCurves {
  struct Sample {
    double at_s = 0;
    // Members seen in each status, per live node (mean).
    double online = 0;
    double suspect = 0;
    double offline = 0;
    // Bytes sent per node per second since the previous sample (0 at the
    // first).
    double bytes_per_node_s = 0;
  };
  std::vector<Sample> samples;
  // The same counted over the live nodes of one partition side only
  // (Metrics::TrackGroups), at the same sample times; bytes are not split.
  struct Side {
    std::string name;  // as written: "{0%..50%}"
    size_t nodes = 0;
    std::vector<Sample> samples;
  };
  std::vector<Side> sides;
  // Crash to OFFLINE, per crash-observer pair, in seconds, ascending.
  std::vector<double> offline_latencies_s;
};

// `bytes_sent_at[i]`: all nodes' bytes sent up to sample i (a real run's,
// from the nodes' stats lines); empty: the samples' own counters by
// message type (a simulator run's).
RunCurves CurvesOf(const sim::Metrics& metrics, int nodes,
                   const std::vector<uint64_t>& bytes_sent_at = {});

}  // namespace swim::tools

#endif  // TOOLS_RUN_CURVES_H_
