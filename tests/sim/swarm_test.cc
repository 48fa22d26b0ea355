// Swarm mode as a sharded test: one test per seed, each a random fault
// plan (sim/swarm.h) with a safety and a liveness phase, checked by every
// oracle. GoogleTest honours TEST_TOTAL_SHARDS / TEST_SHARD_INDEX, so
// Bazel spreads the seeds over shards (and remote executors):
//
//   bazel test //tests/sim:swarm_test                          # CI: 24 seeds
//   bazel test //tests/sim:swarm_test --test_env=SWIM_SWARM_SEEDS=5000
//       --test_env=SWIM_SWARM_FIRST_SEED=1000   (one command line)
//
// SWIM_SWARM_MAX_NODES (default 48) bounds the node count. A failure
// prints the plan and the command that replays it.
#include "sim/swarm.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/summary.h"

namespace swim::sim {

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  uint64_t out = 0;
  if (v == nullptr || !absl::SimpleAtoi(v, &out)) return fallback;
  return out;
}

std::vector<uint64_t>& Seeds() {
  static std::vector<uint64_t> seeds;
  return seeds;
}

namespace {

class SwarmTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(SwarmTest, PassesEveryOracle) {
  const int max_nodes = static_cast<int>(EnvOr("SWIM_SWARM_MAX_NODES", 48));
  const std::string text = SwarmScenarioText(GetParam(), max_nodes);
  absl::StatusOr<Scenario> sc = ParseScenario(text);
  ASSERT_TRUE(sc.ok()) << sc.status() << "\n" << text;
  absl::StatusOr<RunResult> r = RunScenario(*sc, RunOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->summary.ok())
      << text << FormatSummaryText(r->summary)
      << "replay: bazel run //tools:swim_sim -- --swarm=1 --seed=" << GetParam()
      << " --nodes=" << max_nodes;
}

INSTANTIATE_TEST_SUITE_P(Seeds, SwarmTest, ::testing::ValuesIn(Seeds()),
                         [](const ::testing::TestParamInfo<uint64_t>& info) {
                           return absl::StrCat("seed_", info.param);
                         });

}  // namespace
}  // namespace swim::sim

int main(int argc, char** argv) {
  // Before InitGoogleTest, which instantiates the parameterised suite.
  const uint64_t first = swim::sim::EnvOr("SWIM_SWARM_FIRST_SEED", 1);
  const uint64_t count = swim::sim::EnvOr("SWIM_SWARM_SEEDS", 24);
  for (uint64_t s = first; s < first + count; ++s) {
    swim::sim::Seeds().push_back(s);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
