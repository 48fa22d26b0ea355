// Multi-process test of the UDP adapter: five udp_cluster_node processes on
// 127.0.0.1 join, detect a SIGKILLed member, take it back after a restart,
// spread metadata, see a graceful leave, and never admit a node with the
// wrong secret or cluster name; and an insider's datagrams at incarnation
// 2^64 - 1 (issue #13) pin nobody. The node program's path is argv[1].
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/secret.h"
#include "net/tsan_mutex_lock.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"

extern char** environ;

namespace {

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

// One node process, its stdin and the state its CHANGE lines describe.
class NodeProcess {
 public:
  NodeProcess(const std::string& name, std::vector<std::string> extra) {
    int in[2];
    int out[2];
    EXPECT_EQ(pipe2(in, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    std::vector<std::string> args = {node_program,
                                     absl::StrCat("--name=", name)};
    for (const char* flag : kTimingFlags) args.push_back(flag);
    for (std::string& e : extra) args.push_back(std::move(e));
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    EXPECT_EQ(
        posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ),
        0);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    reader_ = std::thread([this] { Read(); });
  }

  ~NodeProcess() {
    Kill();
    reader_.join();
    close(stdout_);
  }

  void Send(absl::string_view command) {
    std::string line = absl::StrCat(command, "\n");
    [[maybe_unused]] ssize_t n = write(stdin_, line.data(), line.size());
  }

  void Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = 0;
    }
    if (stdin_ >= 0) {
      close(stdin_);
      stdin_ = -1;
    }
  }

  // Waits for the process to exit by itself; its exit status.
  int WaitExit() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return status;
  }

  // The name from the READY line, waiting up to `timeout`.
  std::string Name(absl::Duration timeout) {
    std::string name;
    Poll(
        [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          name = ready_name_;
          return !name.empty();
        },
        timeout);
    return name;
  }

  // Waits until `done(statuses)` holds; statuses maps member to
  // "status reason" as last reported. False after `timeout`.
  bool WaitUntil(const std::function<
                     bool(const std::map<std::string, std::string>&)>& done,
                 absl::Duration timeout) {
    return Poll(
        [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done(statuses_); },
        timeout);
  }

  std::string Status(const std::string& member) {
    swim::net::TsanMutexLock lock(&mu_);
    auto it = statuses_.find(member);
    return it == statuses_.end() ? "" : it->second;
  }
  std::string Metadata(const std::string& member) {
    swim::net::TsanMutexLock lock(&mu_);
    auto it = metadata_.find(member);
    return it == metadata_.end() ? "" : it->second;
  }
  // Every member this process ever reported.
  bool EverSaw(const std::string& member) {
    swim::net::TsanMutexLock lock(&mu_);
    return statuses_.count(member) > 0;
  }
  // Whether this process ever reported `member` as `status`.
  bool EverHad(const std::string& member, absl::string_view status) {
    swim::net::TsanMutexLock lock(&mu_);
    return history_.count(absl::StrCat(member, " ", status)) > 0;
  }
  std::string LastStats() {
    swim::net::TsanMutexLock lock(&mu_);
    return stats_;
  }
  // Asks for a STATS line and waits for it.
  bool RequestStats(absl::Duration timeout) {
    {
      swim::net::TsanMutexLock lock(&mu_);
      stats_.clear();
    }
    Send("stats");
    return Poll(
        [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !stats_.empty(); },
        timeout);
  }

 private:
  // Polls `done` under the lock (the reader thread updates the state).
  bool Poll(const std::function<bool()>& done, absl::Duration timeout) {
    absl::Time give_up = absl::Now() + timeout;
    for (;;) {
      {
        swim::net::TsanMutexLock lock(&mu_);
        if (done()) return true;
      }
      if (absl::Now() >= give_up) return false;
      absl::SleepFor(absl::Milliseconds(10));
    }
  }

  void Read() {
    std::string pending;
    char buffer[4096];
    for (;;) {
      ssize_t n = read(stdout_, buffer, sizeof(buffer));
      if (n <= 0) break;
      pending.append(buffer, static_cast<size_t>(n));
      size_t newline;
      while ((newline = pending.find('\n')) != std::string::npos) {
        Parse(pending.substr(0, newline));
        pending.erase(0, newline + 1);
      }
    }
  }

  void Parse(const std::string& line) {
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    swim::net::TsanMutexLock lock(&mu_);
    if (f.size() == 2 && f[0] == "READY") ready_name_ = f[1];
    if (f.size() == 6 && f[0] == "CHANGE") {
      statuses_[f[1]] = absl::StrCat(f[2], " ", f[3]);
      history_.insert(absl::StrCat(f[1], " ", f[2]));
      metadata_[f[1]] = f[5];
    }
    if (!f.empty() && f[0] == "STATS") stats_ = line;
  }

  pid_t pid_ = 0;
  int stdin_ = -1;
  int stdout_ = -1;
  std::thread reader_;
  absl::Mutex mu_;
  std::string ready_name_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> statuses_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> metadata_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> history_ ABSL_GUARDED_BY(mu_);  // "member status"
  std::string stats_ ABSL_GUARDED_BY(mu_);
};

std::vector<std::string> Secret(absl::string_view secret) {
  return {absl::StrCat("--secret=", secret)};
}

std::vector<std::string> WithPeer(std::vector<std::string> flags,
                                  const std::string& peer) {
  flags.push_back(absl::StrCat("--peer=", peer));
  return flags;
}

bool AllSee(std::vector<std::unique_ptr<NodeProcess>>& nodes,
            const std::vector<size_t>& observers, const std::string& member,
            absl::string_view status, absl::Duration timeout) {
  absl::Time give_up = absl::Now() + timeout;
  for (size_t i : observers) {
    bool ok = nodes[i]->WaitUntil(
        [&](const std::map<std::string, std::string>& s) {
          auto it = s.find(member);
          return it != s.end() && absl::StartsWith(it->second, status);
        },
        std::max(give_up - absl::Now(), absl::ZeroDuration()));
    if (!ok) {
      ADD_FAILURE() << "node " << i << " sees " << member << " as \""
                    << nodes[i]->Status(member) << "\", want " << status;
      return false;
    }
  }
  return true;
}

TEST(UdpClusterTest, FiveProcesses) {
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  std::vector<std::string> names;
  const std::vector<std::string> secret = Secret("multi-process secret");
  nodes.push_back(std::make_unique<NodeProcess>("127.0.0.1:0", secret));
  names.push_back(nodes[0]->Name(absl::Seconds(30)));
  ASSERT_FALSE(names[0].empty());
  for (int i = 1; i < kNodes; ++i) {
    nodes.push_back(std::make_unique<NodeProcess>("127.0.0.1:0",
                                                  WithPeer(secret, names[0])));
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
  nodes[3] =
      std::make_unique<NodeProcess>(names[3], WithPeer(secret, names[0]));
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
  auto wrong_key = std::make_unique<NodeProcess>(
      "127.0.0.1:0", WithPeer(Secret("a different secret"), names[0]));
  std::vector<std::string> cluster_flags = WithPeer(secret, names[0]);
  cluster_flags.push_back("--cluster=another");
  auto wrong_cluster =
      std::make_unique<NodeProcess>("127.0.0.1:0", cluster_flags);
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

// Sends `packet` to the node at "127.0.0.1:<port>" `to`, sealed as an
// insider can: with the key every member derives from `secret`.
void SendAsInsider(int fd, const std::string& to, const swim::Packet& packet,
                   absl::string_view secret, swim::Prng& rng) {
  absl::StatusOr<swim::Keyring> keyring =
      swim::Keyring::Create("", {swim::net::DeriveKeyFromSecret(secret)});
  ASSERT_TRUE(keyring.ok());
  std::string datagram;
  ASSERT_TRUE(swim::SealDatagram(*keyring, swim::EnvelopeOptions(),
                                 swim::EncodePacket(packet).value(), rng,
                                 &datagram)
                  .ok());
  uint32_t port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(to.substr(to.rfind(':') + 1), &port));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(sendto(fd, datagram.data(), datagram.size(), 0,
                   reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)),
            static_cast<ssize_t>(datagram.size()));
}

TEST(UdpClusterTest, InsiderDatagramsAtTheTopPinNobody) {
  const std::string secret_text = "insider secret";
  const std::vector<std::string> secret = Secret(secret_text);
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  std::vector<std::string> names;
  nodes.push_back(std::make_unique<NodeProcess>("127.0.0.1:0", secret));
  names.push_back(nodes[0]->Name(absl::Seconds(30)));
  ASSERT_FALSE(names[0].empty());
  for (int i = 1; i < 3; ++i) {
    nodes.push_back(std::make_unique<NodeProcess>("127.0.0.1:0",
                                                  WithPeer(secret, names[0])));
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
        SendAsInsider(fd, to, packet, secret_text, rng);
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
    EXPECT_FALSE(nodes[i]->EverHad(victim, "suspect")) << "node " << i;
    EXPECT_FALSE(nodes[i]->EverHad(victim, "offline")) << "node " << i;
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
  testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <udp_cluster_node>\n", argv[0]);
    return 2;
  }
  node_program = argv[1];
  // A child that dies must not kill us through a broken pipe.
  signal(SIGPIPE, SIG_IGN);
  return RUN_ALL_TESTS();
}
