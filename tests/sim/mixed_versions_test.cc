// Mixed clusters in the simulator: "config SET KEY VALUE" gives some nodes
// another config, "restart SET with KEY=VALUE" restarts nodes into one, and
// a cluster so upgraded node by node keeps every member.
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "swim/node.h"
#include "swim/status.h"

namespace swim::sim {
namespace {

TEST(MixedVersionsTest, ParsesNodeConfigAndRestartWith) {
  absl::StatusOr<Scenario> sc = ParseScenario(
      "nodes 10\n"
      "config protocol_version_max 1\n"
      "config {0..2} protocol_version_max 2\n"
      "at 5s restart {3,4} with protocol_version_max=2 probe_interval=500ms\n");
  ASSERT_TRUE(sc.ok()) << sc.status();
  ASSERT_EQ(sc->node_config.size(), 1u);
  EXPECT_EQ(sc->node_config[0].nodes.ToString(), "{0..2}");
  EXPECT_EQ(sc->node_config[0].key, "protocol_version_max");
  EXPECT_EQ(sc->node_config[0].value, "2");
  ASSERT_EQ(sc->actions.size(), 1u);
  EXPECT_EQ(sc->actions[0].kind, ActionKind::kRestart);
  ASSERT_EQ(sc->actions[0].config.size(), 2u);
  EXPECT_EQ(sc->actions[0].config[1].first, "probe_interval");
  EXPECT_EQ(sc->actions[0].config[1].second, "500ms");
}

TEST(MixedVersionsTest, NodesGetTheirOwnConfigAndKeepItAcrossRestarts) {
  SimOptions options;
  options.nodes = 6;
  options.base_config.protocol_version_max = 1;
  options.node_config.resize(2);
  options.node_config[1] = {{"protocol_version_max", "2"}};
  absl::StatusOr<std::unique_ptr<Simulator>> sim = Simulator::Create(options);
  ASSERT_TRUE(sim.ok()) << sim.status();
  Simulator& s = **sim;
  s.RunUntil(Seconds(10));
  EXPECT_EQ(s.node(0)->config().protocol_version_max, 1);
  EXPECT_EQ(s.node(1)->config().protocol_version_max, 2);
  EXPECT_EQ(s.node(2)->config().protocol_version_max, 1);

  EXPECT_FALSE(s.Reconfigure(2, "protocol_version_maxx", "2").ok());
  ASSERT_TRUE(s.Reconfigure(2, "protocol_version_max", "2").ok());
  EXPECT_EQ(s.node(2)->config().protocol_version_max, 1);  // next start
  s.Crash(2);
  ASSERT_TRUE(s.Restart(2).ok());
  EXPECT_EQ(s.node(2)->config().protocol_version_max, 2);
  s.RunUntil(Seconds(40));
  // The new node talks version 2 to node 1 (which speaks it) and version 1
  // to the others; everyone sees everyone.
  EXPECT_GT(s.node(2)->counters().versions.datagrams_out_v2, 0u);
  for (uint32_t n = 0; n < 6; ++n) {
    EXPECT_EQ(s.node(n)->members().Count(Status::kOnline), 6u) << n;
  }
}

TEST(MixedVersionsTest, ARollingUpgradeLosesNoMember) {
  std::string text =
      "nodes 8\nseed 3\nduration 2m\nloss 1%\n"
      "config protocol_version_max 1\naccuracy strict\naccuracy-grace 5s\n"
      "at 100s liveness\n";
  for (int n = 0; n < 8; ++n) {
    absl::StrAppend(&text, "at ", 20 + 8 * n, "s restart ", n,
                    " with protocol_version_max=2\n");
  }
  absl::StatusOr<Scenario> sc = ParseScenario(text);
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<RunResult> result = RunScenario(*sc, RunOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->summary.ok());
  EXPECT_EQ(result->summary.counters.members_declared_offline, 0u);
  EXPECT_GT(result->summary.counters.versions.datagrams_out_v2, 0u);
}

}  // namespace
}  // namespace swim::sim
