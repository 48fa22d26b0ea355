// Multi-process test of key rotation at runtime: five udp_cluster_node
// processes on 127.0.0.1 go through add -> use -> remove (swim/keyring.h)
// while they run, and no member that took part is ever suspected; a sixth
// that still holds only the old key is shut out (declared OFFLINE by all
// and never readmitted). The node program's path is argv[1].
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/node_process.h"

namespace {

using ::swim::testing::NodeProcess;

std::string node_program;  // NOLINT: set once by main

constexpr int kRotated = 5;
constexpr absl::string_view kOldSecret = "rotation test: the old secret";
constexpr absl::string_view kNewSecret = "rotation test: the new secret";
const char* const kTimingFlags[] = {
    "--probe_interval=200ms",      "--probe_timeout=100ms",
    "--suspicion_min_intervals=3", "--suspicion_max_mult=3",
    "--join_retry=100ms",          "--join_retry_max=500ms",
    "--sync_interval=1s",          "--offline_probe_interval=500ms",
};
// Generous: a loaded 2-core machine running sanitizers is slow.
constexpr absl::Duration kWait = absl::Seconds(30);

std::unique_ptr<NodeProcess> StartNode(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--name=127.0.0.1:0",
                                   absl::StrCat("--secret=", kOldSecret)};
  for (const char* flag : kTimingFlags) args.push_back(flag);
  for (std::string& e : extra) args.push_back(std::move(e));
  return std::make_unique<NodeProcess>(node_program, std::move(args));
}

// Runs `command` on every rotated node; each must answer "OK <ids>".
void OnEveryRotated(std::vector<std::unique_ptr<NodeProcess>>& nodes,
                    const std::string& command, size_t want_keys) {
  for (int i = 0; i < kRotated; ++i) {
    std::optional<std::string> answer = nodes[i]->Ask(command, kWait);
    ASSERT_TRUE(answer.has_value()) << "node " << i << ": no answer";
    ASSERT_TRUE(absl::StartsWith(*answer, "OK "))
        << "node " << i << ": " << *answer;
    // "OK id,id": want_keys ids of 8 hex digits.
    EXPECT_EQ(answer->size(), 3 + 9 * want_keys - 1) << *answer;
  }
}

TEST(UdpKeyRotationTest, FiveProcessesRotateWithoutSuspicion) {
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  std::vector<std::string> names;
  nodes.push_back(StartNode({}));
  names.push_back(nodes[0]->Name(kWait));
  ASSERT_FALSE(names[0].empty());
  // Nodes 1..4 rotate with node 0; node 5, the laggard, never does.
  for (int i = 1; i <= kRotated; ++i) {
    nodes.push_back(StartNode({absl::StrCat("--peer=", names[0])}));
  }
  for (int i = 1; i <= kRotated; ++i) {
    names.push_back(nodes[i]->Name(kWait));
    ASSERT_FALSE(names[i].empty()) << "node " << i << " did not start";
  }
  const std::string& laggard = names[kRotated];
  for (auto& observer : nodes) {
    for (const std::string& name : names) {
      ASSERT_TRUE(observer->Sees(name, "online", kWait));
    }
  }

  // Add, then (after the cluster has run with both keys) use and remove.
  const absl::Time rotation_start = absl::Now();
  OnEveryRotated(nodes, absl::StrCat("key add ", kNewSecret), 2);
  absl::SleepFor(absl::Seconds(2));
  const absl::Time use_start = absl::Now();
  OnEveryRotated(nodes, absl::StrCat("key use ", kNewSecret), 2);
  OnEveryRotated(nodes, absl::StrCat("key remove ", kOldSecret), 1);
  const absl::Time removed = absl::Now();
  std::printf("use + remove on all 5 took %s\n",
              absl::FormatDuration(removed - use_start).c_str());
  // The old key is gone: removing it again is an error.
  std::optional<std::string> again =
      nodes[0]->Ask(absl::StrCat("key remove ", kOldSecret), kWait);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(absl::StartsWith(*again, "ERROR ")) << *again;

  // The laggard cannot read the new key, and nobody reads its old one.
  for (int i = 0; i < kRotated; ++i) {
    ASSERT_TRUE(nodes[i]->Sees(laggard, "offline failed", kWait));
  }
  const absl::Time shut_out = absl::Now();
  std::printf(
      "laggard OFFLINE everywhere %s after use began, %s after the removal\n",
      absl::FormatDuration(shut_out - use_start).c_str(),
      absl::FormatDuration(shut_out - removed).c_str());

  // A few more suspicion timeouts: the laggard stays out.
  absl::SleepFor(absl::Seconds(3));
  const std::set<std::string> rotated(names.begin(), names.begin() + kRotated);
  int suspicions = 0;
  for (int i = 0; i < kRotated; ++i) {
    for (const NodeProcess::Change& c : nodes[i]->History()) {
      if (c.at < rotation_start) continue;
      if (rotated.count(c.member) > 0) {
        ++suspicions;
        ADD_FAILURE() << "node " << i << " saw " << c.member << " go "
                      << c.status << " during the rotation";
      }
    }
    EXPECT_TRUE(absl::StartsWith(nodes[i]->Status(laggard), "offline"))
        << "node " << i
        << " readmitted the laggard: " << nodes[i]->Status(laggard);
    ASSERT_TRUE(nodes[i]->RequestStats(kWait));
    const std::string stats = nodes[i]->LastStats();
    EXPECT_TRUE(absl::StrContains(stats, " auth_failed=0 ")) << stats;
  }
  std::printf("status changes of rotated members during the rotation: %d\n",
              suspicions);
  // The laggard's join attempts and probes are dropped as sealed with a key
  // nobody holds any more.
  ASSERT_TRUE(nodes[0]->RequestStats(kWait));
  EXPECT_FALSE(absl::StrContains(nodes[0]->LastStats(), " unknown_key=0 "))
      << nodes[0]->LastStats();
}

}  // namespace

int main(int argc, char** argv) {
  node_program = swim::testing::InitNodeProcessTest(&argc, argv);
  return node_program.empty() ? 2 : RUN_ALL_TESTS();
}
