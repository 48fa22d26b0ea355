// Every scripted scenario in sim/scenarios/ runs and passes its oracles.
// The scenario files are passed as arguments (see tests/sim/BUILD.bazel).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/summary.h"

namespace swim::sim {

std::vector<std::string>& Paths() {
  static std::vector<std::string> paths;
  return paths;
}

namespace {

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, PassesEveryOracle) {
  std::ifstream in(GetParam());
  ASSERT_TRUE(in) << "cannot read " << GetParam();
  std::stringstream ss;
  ss << in.rdbuf();
  absl::StatusOr<Scenario> sc = ParseScenario(ss.str());
  ASSERT_TRUE(sc.ok()) << sc.status();
  absl::StatusOr<RunResult> r = RunScenario(*sc, RunOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->summary.ok())
      << FormatSummaryText(r->summary) << "replay: bazel run //tools:swim_sim"
      << " -- --scenario=$PWD/" << GetParam();
}

// Parameters are read when InitGoogleTest instantiates the suite, after
// main() filled Paths().
INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(Paths()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name =
                               info.param.substr(info.param.rfind('/') + 1);
                           name = name.substr(0, name.find('.'));
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace swim::sim

int main(int argc, char** argv) {
  // Before InitGoogleTest, which instantiates the parameterised suite.
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') swim::sim::Paths().push_back(argv[i]);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
