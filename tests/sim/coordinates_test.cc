// Network coordinates against the simulator's ground truth: on a plane
// latency model (sim/network.h), Vivaldi's estimates must come within 25%
// of the modelled round trip for most pairs; without coordinates there is
// nothing to measure, and uniform latency is no test of them.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "sim/network.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/sim_time.h"

namespace swim::sim {
namespace {

constexpr absl::string_view kPlane = R"(
  nodes 60
  duration 3m
  formed
  latency 5ms 1ms
  latency-model plane 100ms
)";

RunSummary RunPlane(absl::string_view text, bool coordinates) {
  absl::StatusOr<Scenario> sc = ParseScenario(text);
  EXPECT_TRUE(sc.ok()) << sc.status();
  RunOptions options;
  options.extra_config = {{"coordinates", coordinates ? "true" : "false"}};
  absl::StatusOr<RunResult> r = RunScenario(*sc, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r->summary;
}

TEST(CoordinatesTest, VivaldiLearnsThePlane) {
  const RunSummary s = RunPlane(kPlane, true);
  EXPECT_TRUE(s.ok());
  ASSERT_EQ(s.coordinate_pairs, 60u * 59 / 2);
  EXPECT_GE(s.coordinate_pairs_within_25pct * 10, s.coordinate_pairs * 9)
      << s.coordinate_pairs_within_25pct << " of " << s.coordinate_pairs;
  EXPECT_LT(s.coordinate_error_p50_permille, 100u);
  EXPECT_GT(s.counters.rtt_samples, 0u);
  EXPECT_EQ(s.counters.coordinates_rejected, 0u);
  EXPECT_EQ(s.counters.coordinate_resets, 0u);
}

TEST(CoordinatesTest, WithoutCoordinatesThereIsNothingToJudge) {
  // The check above fails when coordinates are off: no pair is measured.
  const RunSummary s = RunPlane(kPlane, false);
  EXPECT_EQ(s.coordinate_pairs, 0u);
  // Round trips are measured all the same.
  EXPECT_GT(s.counters.rtt_samples, 0u);
}

TEST(CoordinatesTest, TooFewUpdatesAreNotEnough) {
  // Ten seconds (about ten probes per node) do not fit the plane: the
  // accuracy check has teeth.
  const std::string text = absl::StrCat(kPlane, "\nduration 10s\n");
  const RunSummary s = RunPlane(text, true);
  ASSERT_GT(s.coordinate_pairs, 0u);
  EXPECT_LT(s.coordinate_pairs_within_25pct * 10, s.coordinate_pairs * 9);
}

TEST(CoordinatesTest, ThePlaneModelIsNotUniform) {
  NetworkParams params;
  params.latency_min = Milliseconds(5);
  params.latency_jitter = Milliseconds(1);
  params.plane_spread = Milliseconds(100);
  const NetworkModel net(20, 1, params);
  SimTime lo = Seconds(1);
  SimTime hi = 0;
  for (uint32_t a = 0; a < 20; ++a) {
    for (uint32_t b = 0; b < 20; ++b) {
      EXPECT_EQ(net.BaseLatency(a, b), net.BaseLatency(b, a));
      if (a == b) {
        EXPECT_EQ(net.BaseLatency(a, b), Milliseconds(5));
        continue;
      }
      lo = std::min(lo, net.BaseLatency(a, b));
      hi = std::max(hi, net.BaseLatency(a, b));
      EXPECT_LE(net.BaseLatency(a, b), Milliseconds(5 + 142));  // diagonal
    }
  }
  EXPECT_GT(hi - lo, Milliseconds(50));
  EXPECT_EQ(net.ModelledRtt(0, 1), 2 * net.BaseLatency(0, 1) + Milliseconds(1));
  params.plane_spread = 0;
  const NetworkModel uniform(20, 1, params);
  EXPECT_EQ(uniform.BaseLatency(0, 1), Milliseconds(5));
}

TEST(CoordinatesTest, LatencyModelStatementIsChecked) {
  EXPECT_TRUE(ParseScenario("latency-model uniform\n").ok());
  EXPECT_TRUE(ParseScenario("latency-model plane 50ms\n").ok());
  EXPECT_FALSE(ParseScenario("latency-model plane\n").ok());
  EXPECT_FALSE(ParseScenario("latency-model plane 0s\n").ok());
  EXPECT_FALSE(ParseScenario("latency-model plane 11s\n").ok());
  EXPECT_FALSE(ParseScenario("latency-model sphere 1s\n").ok());
}

}  // namespace
}  // namespace swim::sim
