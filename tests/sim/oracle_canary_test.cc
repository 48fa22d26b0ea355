// Each oracle can fail: the protocol is broken on purpose through a
// test-only switch (or a misconfiguration), and the oracle must report it;
// the same scenario without the breakage must pass.
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "sim/oracle.h"
#include "sim/runner.h"
#include "sim/scenario.h"

namespace swim::sim {
namespace {

// Runs `text` (plus `config` overrides); returns the violations.
std::vector<Violation> RunScenarioText(
    absl::string_view text,
    std::vector<std::pair<std::string, std::string>> config = {}) {
  absl::StatusOr<Scenario> sc = ParseScenario(text);
  EXPECT_TRUE(sc.ok()) << sc.status();
  RunOptions options;
  options.extra_config = std::move(config);
  absl::StatusOr<RunResult> r = RunScenario(*sc, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r->summary.violations;
}

bool Reports(const std::vector<Violation>& violations,
             absl::string_view oracle) {
  for (const Violation& v : violations) {
    if (v.oracle == oracle) return true;
  }
  return false;
}

std::string Describe(const std::vector<Violation>& violations) {
  std::string out;
  for (const Violation& v : violations)
    out += v.oracle + ": " + v.detail + "\n";
  return out;
}

// Runs `text` as it is, which must pass, then with `key` = `value`, which
// breaks the protocol; returns the broken run's violations.
std::vector<Violation> HealthyThenBroken(absl::string_view text,
                                         const std::string& key,
                                         const std::string& value) {
  const std::vector<Violation> healthy = RunScenarioText(text);
  EXPECT_TRUE(healthy.empty()) << Describe(healthy);
  return RunScenarioText(text, {{key, value}});
}

TEST(OracleCanaryTest, CompletenessFailsWithoutGossip) {
  // Without gossip, each node must find the crash itself, in its own
  // round-robin turn (up to 29 intervals), which takes longer than the
  // bound (20 s after the crash).
  constexpr absl::string_view kText = R"(
    nodes 30
    duration 70s
    completeness-bound 10s
    at 30s crash 5
    at 40s liveness
  )";
  const std::vector<Violation> broken =
      HealthyThenBroken(kText, "zero_retransmits", "true");
  EXPECT_TRUE(Reports(broken, "completeness")) << Describe(broken);
}

TEST(OracleCanaryTest, UserBroadcastDisseminationFailsWithoutRetransmits) {
  // With no retransmit budget a user broadcast never leaves its origin:
  // the dissemination oracle must say which nodes it never reached. The
  // cluster still forms, through state exchanges.
  constexpr absl::string_view kText = R"(
    nodes 30
    duration 60s
    at 30s broadcast {3,17}
    at 35s broadcast one {0..29} bytes 200
    at 36s send 4 -> {5..9}
  )";
  const std::vector<Violation> broken =
      HealthyThenBroken(kText, "zero_retransmits", "true");
  EXPECT_TRUE(Reports(broken, "dissemination")) << Describe(broken);
}

TEST(OracleCanaryTest, AccuracyFailsWithoutRefutation) {
  // 10% loss raises suspicions; a node that cannot refute is declared
  // OFFLINE although it is alive and reachable.
  constexpr absl::string_view kText = R"(
    nodes 30
    duration 3m
    loss 10%
    at 150s liveness
  )";
  const std::vector<Violation> broken =
      HealthyThenBroken(kText, "disable_refutation", "true");
  EXPECT_TRUE(Reports(broken, "accuracy")) << Describe(broken);
}

TEST(OracleCanaryTest, ConvergenceFailsWithoutRefutation) {
  // A node cut off for a while is declared OFFLINE; unable to refute, it
  // stays OFFLINE at some nodes after the partition heals.
  constexpr absl::string_view kText = R"(
    nodes 20
    duration 3m
    at 30s isolate 4 for 40s
    at 80s liveness
  )";
  const std::vector<Violation> broken =
      HealthyThenBroken(kText, "disable_refutation", "true");
  EXPECT_TRUE(Reports(broken, "convergence")) << Describe(broken);
}

TEST(OracleCanaryTest, RestartWaveFailsWithoutRefutation) {
  // A node back within a second or two is still suspected under its old
  // incarnation: it must refute that, or the suspicion ends in an OFFLINE
  // about a live node that its peers keep (memberlist issue #311's
  // symptom). Longer down times let the cluster declare the old
  // incarnation while the node is down, and the new one needs no refuting.
  constexpr absl::string_view kText = R"(
    nodes 30
    duration 60s
    formed
    accuracy-grace 10s
    at 10s restart-wave {0%..100%} over 5s down 1s..2s
    at 30s liveness
  )";
  const std::vector<Violation> broken =
      HealthyThenBroken(kText, "disable_refutation", "true");
  EXPECT_TRUE(Reports(broken, "accuracy") || Reports(broken, "convergence"))
      << Describe(broken);
}

TEST(OracleCanaryTest, DisseminationFailsWithoutGossip) {
  // Without piggybacked gossip an update waits for the next push-pull
  // exchange, which does not come within the run.
  constexpr absl::string_view kText = R"(
    nodes 40
    duration 50s
    at 20s liveness
    at 30s metadata 3
  )";
  const std::vector<Violation> broken =
      HealthyThenBroken(kText, "zero_retransmits", "true");
  EXPECT_TRUE(Reports(broken, "dissemination")) << Describe(broken);
}

TEST(OracleCanaryTest, DatagramSizeFailsWhenNodesExceedTheNetworkLimit) {
  // Nodes configured for 4000-byte datagrams on a 1400-byte network: their
  // full-state exchanges of 100 members do not fit.
  constexpr absl::string_view kText = R"(
    nodes 100
    duration 20s
    datagram-limit 1400
  )";
  const std::vector<Violation> broken =
      HealthyThenBroken(kText, "max_datagram_bytes", "4000");
  EXPECT_TRUE(Reports(broken, "datagram_size")) << Describe(broken);
}

}  // namespace
}  // namespace swim::sim
