// Multi-process test of the UDP adapter: five udp_cluster_node processes on
// 127.0.0.1 join, detect a SIGKILLed member, take it back after a restart,
// spread metadata, see a graceful leave, and never admit a node with the
// wrong secret or cluster name; and an insider's datagrams at incarnation
// 2^64 - 1 (issue #13) pin nobody. The node program's path is argv[1].
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/secret.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"
#include "tests/testing/insider_datagrams.h"
#include "tests/testing/node_process.h"

namespace {

using ::swim::testing::AllSee;
using ::swim::testing::NodeProcess;

std::string node_program;  // NOLINT: set once by main

constexpr int kNodes = 5;
// Short timings keep the test fast; the bounds below follow from them.
constexpr absl::Duration kProbeInterval = absl::Milliseconds(200);
constexpr int kSuspicionMinIntervals = 3;
constexpr int kSuspicionMaxMult = 3;
const char* const kTimingFlags[] = {
    "--probe_interval=200ms",
    "--probe_timeout=100ms",
    "--suspicion_min_intervals=3",
    "--suspicion_max_mult=3",
    "--join_retry=100ms",
    "--join_retry_max=500ms",
    "--sync_interval=1s",
    "--leave_linger=400ms",
    "--offline_probe_interval=500ms",
};
// The most a loaded 2-core machine is allowed to stretch a bound.
constexpr double kLoadFactor = 2.0;

// A node process named `name` with the timing flags and `extra`.
std::unique_ptr<NodeProcess> StartNode(const std::string& name,
                                       std::vector<std::string> extra) {
  std::vector<std::string> args = {absl::StrCat("--name=", name)};
  for (const char* flag : kTimingFlags) args.push_back(flag);
  for (std::string& e : extra) args.push_back(std::move(e));
  return std::make_unique<NodeProcess>(node_program, std::move(args));
}

std::vector<std::string> Secret(absl::string_view secret) {
  return {absl::StrCat("--secret=", secret)};
}

std::vector<std::string> WithPeer(std::vector<std::string> flags,
                                  const std::string& peer) {
  flags.push_back(absl::StrCat("--peer=", peer));
  return flags;
}

TEST(UdpClusterTest, FiveProcesses) {
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  std::vector<std::string> names;
  const std::vector<std::string> secret = Secret("multi-process secret");
  nodes.push_back(StartNode("127.0.0.1:0", secret));
  names.push_back(nodes[0]->Name(absl::Seconds(30)));
  ASSERT_FALSE(names[0].empty());
  for (int i = 1; i < kNodes; ++i) {
    nodes.push_back(StartNode("127.0.0.1:0", WithPeer(secret, names[0])));
  }
  for (int i = 1; i < kNodes; ++i) {
    names.push_back(nodes[i]->Name(absl::Seconds(30)));
    ASSERT_FALSE(names[i].empty()) << "node " << i << " did not start";
  }
  std::vector<size_t> everyone = {0, 1, 2, 3, 4};

  // 1. All see all ONLINE within 3 s of the last start.
  absl::Time started = absl::Now();
  for (const std::string& name : names) {
    ASSERT_TRUE(AllSee(nodes, everyone, name, "online", absl::Seconds(3)));
  }
  std::printf("converged in %s\n",
              absl::FormatDuration(absl::Now() - started).c_str());

  // 2. SIGKILL node 3: the others mark it OFFLINE within the bound the
  // config implies: reaching it in the probe order (at most 2 N intervals),
  // one probe interval, then the longest suspicion (suspicion_max_mult ×
  // suspicion_min_intervals probe intervals), three more intervals for a
  // member that only heard of it to wait and verify it itself, plus a
  // second for the news to spread.
  const absl::Duration suspicion_max =
      kSuspicionMaxMult * kSuspicionMinIntervals * kProbeInterval;
  const absl::Duration detect_bound =
      (2 * kNodes + 4) * kProbeInterval + suspicion_max + absl::Seconds(1);
  nodes[3]->Kill();
  absl::Time killed = absl::Now();
  ASSERT_TRUE(AllSee(nodes, {0, 1, 2, 4}, names[3], "offline failed",
                     detect_bound * kLoadFactor));
  std::printf("kill detected everywhere in %s (bound %s)\n",
              absl::FormatDuration(absl::Now() - killed).c_str(),
              absl::FormatDuration(detect_bound).c_str());

  // 3. Restarted under the same name, it is ONLINE again everywhere.
  nodes[3] = StartNode(names[3], WithPeer(secret, names[0]));
  ASSERT_EQ(nodes[3]->Name(absl::Seconds(30)), names[3]);
  absl::Time restarted = absl::Now();
  ASSERT_TRUE(AllSee(nodes, everyone, names[3], "online", absl::Seconds(10)));
  for (const std::string& name : names) {
    ASSERT_TRUE(AllSee(nodes, {3}, name, "online", absl::Seconds(10)));
  }
  std::printf("restart seen everywhere in %s\n",
              absl::FormatDuration(absl::Now() - restarted).c_str());

  // 4. A metadata change propagates.
  nodes[1]->Send("meta color=blue;name=one");
  absl::Time changed = absl::Now();
  for (size_t i : everyone) {
    absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (nodes[i]->Metadata(names[1]) != "color=blue;name=one" &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    EXPECT_EQ(nodes[i]->Metadata(names[1]), "color=blue;name=one")
        << "node " << i;
  }
  std::printf("metadata seen everywhere in %s\n",
              absl::FormatDuration(absl::Now() - changed).c_str());

  // 5. A graceful leave is seen as left.
  nodes[2]->Send("quit");
  EXPECT_EQ(nodes[2]->WaitExit(), 0);
  ASSERT_TRUE(
      AllSee(nodes, {0, 1, 3, 4}, names[2], "offline left", absl::Seconds(10)));

  // 6. Wrong secret, wrong cluster name: never in anyone's view.
  auto wrong_key = StartNode("127.0.0.1:0",
                             WithPeer(Secret("a different secret"), names[0]));
  std::vector<std::string> cluster_flags = WithPeer(secret, names[0]);
  cluster_flags.push_back("--cluster=another");
  auto wrong_cluster = StartNode("127.0.0.1:0", cluster_flags);
  std::string wrong_key_name = wrong_key->Name(absl::Seconds(30));
  std::string wrong_cluster_name = wrong_cluster->Name(absl::Seconds(30));
  ASSERT_FALSE(wrong_key_name.empty());
  ASSERT_FALSE(wrong_cluster_name.empty());
  // Both keep knocking on node 0 (join retries); wait for the drops.
  absl::Time give_up = absl::Now() + absl::Seconds(20);
  std::string stats;
  for (;;) {
    ASSERT_TRUE(nodes[0]->RequestStats(absl::Seconds(10)));
    stats = nodes[0]->LastStats();
    if ((!absl::StrContains(stats, " unknown_key=0 ") &&
         !absl::StrContains(stats, " auth_failed=0 ")) ||
        absl::Now() > give_up) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_FALSE(absl::StrContains(stats, " unknown_key=0 ")) << stats;
  EXPECT_FALSE(absl::StrContains(stats, " auth_failed=0 ")) << stats;
  absl::SleepFor(absl::Seconds(2));
  for (size_t i : {0, 1, 3, 4}) {
    EXPECT_FALSE(nodes[i]->EverSaw(wrong_key_name)) << "node " << i;
    EXPECT_FALSE(nodes[i]->EverSaw(wrong_cluster_name)) << "node " << i;
  }
  EXPECT_FALSE(wrong_key->EverSaw(names[0]));
  EXPECT_FALSE(wrong_cluster->EverSaw(names[0]));
}

// Whether `node` ever reported `member` with a status starting `status`.
bool EverHad(NodeProcess& node, const std::string& member,
             absl::string_view status) {
  for (const NodeProcess::Change& change : node.History()) {
    if (change.member == member && absl::StartsWith(change.status, status)) {
      return true;
    }
  }
  return false;
}

TEST(UdpClusterTest, InsiderDatagramsAtTheTopPinNobody) {
  const std::string secret_text = "insider secret";
  const std::vector<std::string> secret = Secret(secret_text);
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  std::vector<std::string> names;
  nodes.push_back(StartNode("127.0.0.1:0", secret));
  names.push_back(nodes[0]->Name(absl::Seconds(30)));
  ASSERT_FALSE(names[0].empty());
  for (int i = 1; i < 3; ++i) {
    nodes.push_back(StartNode("127.0.0.1:0", WithPeer(secret, names[0])));
    names.push_back(nodes[i]->Name(absl::Seconds(30)));
    ASSERT_FALSE(names[i].empty());
  }
  const std::vector<size_t> everyone = {0, 1, 2};
  for (const std::string& name : names) {
    ASSERT_TRUE(AllSee(nodes, everyone, name, "online",
                       absl::Seconds(3) * kLoadFactor));
  }
  // The datagrams of issue #13, about node 1, to every node (node 1 too),
  // five times over a second; each used to leave node 1 SUSPECT for good
  // or unable to refute.
  const std::string victim = names[1];
  const uint64_t top = ~uint64_t{0};
  swim::Alive alive;
  alive.member = victim;
  alive.address = victim;
  alive.incarnation = top;
  alive.metadata_version = top;
  alive.metadata = swim::Metadata{};
  const std::vector<swim::Update> updates = {
      swim::Suspect{victim, top, names[0]}, alive,
      swim::Offline{victim, top, names[0]}, swim::Left{victim, top}};
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  swim::Prng rng(static_cast<uint64_t>(absl::ToUnixNanos(absl::Now())));
  for (int round = 0; round < 5; ++round) {
    for (const swim::Update& update : updates) {
      swim::Packet packet;
      packet.sender = "127.0.0.1:9";  // no member: not ignored as our own
      packet.message = swim::Gossip{};
      packet.updates = {update};
      for (const std::string& to : names) {
        swim::testing::SendAsInsider(fd, to, packet, secret_text, rng);
      }
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  close(fd);
  // Several suspicion timeouts later, node 1 was never anything but ONLINE
  // at the others, and every node refused the updates (they authenticated:
  // not one is an auth failure).
  absl::SleepFor(absl::Seconds(4));
  for (size_t i : {0, 2}) {
    EXPECT_TRUE(absl::StartsWith(nodes[i]->Status(victim), "online"))
        << "node " << i << ": " << nodes[i]->Status(victim);
    EXPECT_FALSE(EverHad(*nodes[i], victim, "suspect")) << "node " << i;
    EXPECT_FALSE(EverHad(*nodes[i], victim, "offline")) << "node " << i;
  }
  for (size_t i : everyone) {
    ASSERT_TRUE(nodes[i]->RequestStats(absl::Seconds(10)));
    const std::string stats = nodes[i]->LastStats();
    EXPECT_TRUE(absl::StrContains(stats, " updates_refused=20 ")) << stats;
    EXPECT_TRUE(absl::StrContains(stats, " auth_failed=0 ")) << stats;
  }
}

}  // namespace

int main(int argc, char** argv) {
  node_program = swim::testing::InitNodeProcessTest(&argc, argv);
  return node_program.empty() ? 2 : RUN_ALL_TESTS();
}
