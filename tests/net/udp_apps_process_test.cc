// Multi-process test of the application API over real sockets: four
// udp_cluster_node processes on 127.0.0.1 start without seed peers, set an
// application state, and join through the explicit Join (which returns
// how many peers answered); a user broadcast and a direct message reach
// their processes, the application states of the join and of a later
// periodic exchange reach every process, and a member that comes back
// under its name at a new port is seen moving by every process. The node
// program's path is argv[1]. Bounded: every wait has a deadline.
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/node_process.h"

namespace {

using ::swim::testing::NodeProcess;

std::string node_program;  // NOLINT: set once by main

constexpr int kNodes = 4;
// Generous for a loaded 2-core machine; each wait ends as soon as it holds.
constexpr absl::Duration kTimeout = absl::Seconds(30);
const char* const kFlags[] = {
    "--secret=apps process secret", "--probe_interval=200ms",
    "--probe_timeout=100ms",        "--suspicion_min_intervals=3",
    "--suspicion_max_mult=3",       "--join_retry=100ms",
    "--join_retry_max=500ms",       "--sync_interval=1s",
    "--leave_linger=400ms",
};

std::unique_ptr<NodeProcess> StartNode(std::vector<std::string> name_flags) {
  std::vector<std::string> args = std::move(name_flags);
  for (const char* flag : kFlags) args.push_back(flag);
  return std::make_unique<NodeProcess>(node_program, std::move(args));
}

// Whether every process in `nodes` but `except` sees `member` as `status`.
::testing::AssertionResult AllSee(
    const std::vector<std::unique_ptr<NodeProcess>>& nodes,
    const std::string& member, absl::string_view status,
    const NodeProcess* except = nullptr) {
  std::vector<size_t> observers;
  observers.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].get() != except) observers.push_back(i);
  }
  return swim::testing::AllSee(nodes, observers, member, status, kTimeout);
}

size_t CountLines(NodeProcess& node, absl::string_view line) {
  size_t n = 0;
  for (const std::string& l : node.AppLines()) n += l == line ? 1 : 0;
  return n;
}

TEST(UdpAppsProcessTest, BroadcastMessageStateJoinAndAddressChange) {
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  std::vector<std::string> names;
  nodes.reserve(kNodes + 1);
  names.reserve(kNodes);
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(StartNode({"--name=127.0.0.1:0"}));
  }
  for (int i = 0; i < kNodes; ++i) {
    names.push_back(nodes[i]->Name(kTimeout));
    ASSERT_FALSE(names[i].empty()) << "node " << i << " did not start";
    // Each with its state before it meets anyone.
    EXPECT_EQ(nodes[i]->Ask(absl::StrCat("state from-", i), kTimeout), "OK");
  }

  // The explicit join returns how many peers answered: one, then two.
  for (int i = 1; i < kNodes - 1; ++i) {
    EXPECT_EQ(nodes[i]->Ask(absl::StrCat("join ", names[0], " 20s"), kTimeout),
              "OK 1");
  }
  EXPECT_EQ(
      nodes[3]->Ask(absl::StrCat("join ", names[0], ",", names[1], " 20s"),
                    kTimeout),
      "OK 2");
  for (const std::string& name : names) {
    ASSERT_TRUE(AllSee(nodes, name, "online"));
  }

  // The join exchanged states both ways: the seed merged each joiner's
  // as a join, and each joiner the seed's.
  for (int i = 1; i < kNodes; ++i) {
    EXPECT_TRUE(nodes[0]->WaitForLine(
        absl::StrCat("MERGE ", names[i], " join from-", i), kTimeout))
        << i << ": " << absl::StrJoin(nodes[0]->AppLines(), " | ");
    EXPECT_TRUE(nodes[i]->WaitForLine(
        absl::StrCat("MERGE ", names[0], " join from-0"), kTimeout))
        << i;
  }

  // A broadcast reaches every other process once; a direct message its
  // member.
  EXPECT_EQ(nodes[2]->Ask("broadcast greeting hello everyone", kTimeout), "OK");
  EXPECT_EQ(
      nodes[1]->Ask(absl::StrCat("send ", names[0], " just for you"), kTimeout),
      "OK");
  const std::string broadcast =
      absl::StrCat("DELIVERY broadcast ", names[2], " greeting hello everyone");
  for (int i = 0; i < kNodes; ++i) {
    if (i == 2) continue;
    EXPECT_TRUE(nodes[i]->WaitForLine(broadcast, kTimeout)) << i;
  }
  EXPECT_TRUE(nodes[0]->WaitForLine(
      absl::StrCat("DELIVERY direct ", names[1], " - just for you"), kTimeout));

  // A new state of node 2 reaches every other process through the
  // periodic exchanges (no join involved).
  EXPECT_EQ(nodes[2]->Ask("state second-of-2", kTimeout), "OK");
  const std::string second =
      absl::StrCat("MERGE ", names[2], " exchange second-of-2");
  for (int i = 0; i < kNodes; ++i) {
    if (i == 2) continue;
    EXPECT_TRUE(nodes[i]->WaitForLine(second, kTimeout)) << i;
  }
  // Once each: the broadcast and each version of a state.
  for (int i = 0; i < kNodes; ++i) {
    if (i == 2) continue;
    EXPECT_EQ(CountLines(*nodes[i], broadcast), 1u) << i;
    EXPECT_EQ(CountLines(*nodes[i], second), 1u) << i;
  }
  EXPECT_FALSE(nodes[2]->AppLines().empty());  // node 0's state
  for (const std::string& line : nodes[2]->AppLines()) {
    EXPECT_FALSE(absl::StrContains(line, "greeting")) << "its own broadcast";
  }

  // A member that comes back under its name at a new port: every process
  // reports the move.
  std::vector<std::string> mover_flags = {"--name=mover",
                                          "--address=127.0.0.1:0"};
  nodes.push_back(StartNode(mover_flags));
  ASSERT_EQ(nodes.back()->Name(kTimeout), "mover");
  EXPECT_EQ(
      nodes.back()->Ask(absl::StrCat("join ", names[0], " 20s"), kTimeout),
      "OK 1");
  ASSERT_TRUE(AllSee(nodes, "mover", "online"));
  nodes.back()->Kill();
  NodeProcess* gone = nodes.back().get();
  ASSERT_TRUE(AllSee(nodes, "mover", "offline", gone));
  nodes.back() = StartNode(mover_flags);
  ASSERT_EQ(nodes.back()->Name(kTimeout), "mover");
  EXPECT_EQ(
      nodes.back()->Ask(absl::StrCat("join ", names[0], " 20s"), kTimeout),
      "OK 1");
  for (int i = 0; i < kNodes; ++i) {
    EXPECT_TRUE(nodes[i]->WaitForLine("ADDRESS mover ", kTimeout)) << i;
  }
  ASSERT_TRUE(AllSee(nodes, "mover", "online"));
  for (auto& node : nodes) node->Send("quit");
  for (auto& node : nodes) EXPECT_EQ(node->WaitExit(), 0);
}

}  // namespace

int main(int argc, char** argv) {
  node_program = swim::testing::InitNodeProcessTest(&argc, argv);
  return node_program.empty() ? 2 : RUN_ALL_TESTS();
}
