// Names on real sockets (127.0.0.1): a second process that claims a live
// member's name from another port is reported as a conflict and refused
// (the holder stays); a member back under its name at a new port after it
// went OFFLINE is seen moving through a subscription and in the snapshot;
// an admission check given in UdpNodeOptions keeps a member out. The node
// program's path (tests/net/udp_cluster_node) is argv[1].
#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/subscription.h"
#include "net/tsan_mutex_lock.h"
#include "net/udp_node.h"
#include "swim/admission.h"
#include "swim/member_event.h"
#include "swim/status.h"
#include "tests/testing/node_process.h"
#include "tests/testing/udp_node_waits.h"

namespace swim::net {
namespace {

using ::swim::testing::FastUdpOptions;
using ::swim::testing::Lookup;
using ::swim::testing::NodeProcess;
using ::swim::testing::Sees;
using ::swim::testing::StartNode;
using ::swim::testing::WaitFor;

std::string node_program;  // NOLINT: set once by main

constexpr absl::string_view kSecret = "udp names test secret";

UdpNodeOptions FastOptions(absl::string_view name,
                           std::vector<std::string> peers = {}) {
  UdpNodeOptions options = FastUdpOptions();
  options.config.name = std::string(name);
  options.config.keys = {DeriveKeyFromSecret(kSecret)};
  options.config.seed_peers = std::move(peers);
  options.config.suspicion_min_intervals = 3;
  options.config.suspicion_max_mult = 3;
  options.config.sync_interval = absl::Seconds(1);
  options.config.offline_probe_interval = absl::Milliseconds(500);
  options.leave_linger = absl::Milliseconds(300);
  return options;
}

// Every change a subscription saw, for the test thread to read.
class Recorder {
 public:
  void Add(const MemberChange& change) {
    TsanMutexLock lock(&mu_);
    changes_.push_back(change);
  }
  std::vector<MemberChange> changes() {
    TsanMutexLock lock(&mu_);
    return changes_;
  }
  // The first change of `member` that `match` accepts.
  std::optional<MemberChange> Find(
      absl::string_view member,
      const std::function<bool(const MemberChange&)>& match) {
    for (const MemberChange& c : changes()) {
      if (c.member.name == member && match(c)) return c;
    }
    return std::nullopt;
  }

 private:
  absl::Mutex mu_;
  std::vector<MemberChange> changes_ ABSL_GUARDED_BY(mu_);
};

bool IsConflict(const MemberChange& c) {
  return c.event.kind == MemberEvent::Kind::kNameConflict;
}

TEST(UdpNamesTest, AnotherProcessClaimingALiveNameIsRefused) {
  std::unique_ptr<UdpNode> a = StartNode(FastOptions("a"));
  ASSERT_NE(a, nullptr);
  Recorder seen;
  Subscription s = a->Subscribe([&](const MemberChange& c) { seen.Add(c); });
  std::unique_ptr<UdpNode> b = StartNode(FastOptions("b", {a->address()}));
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(WaitFor([&] { return Sees(*a, "b", Status::kOnline); }));

  // Another process, another port, the same name.
  NodeProcess impostor(
      node_program,
      {"--name=b", "--address=127.0.0.1:0",
       absl::StrCat("--peer=", a->address()),
       absl::StrCat("--secret=", kSecret), "--probe_interval=200ms",
       "--probe_timeout=100ms", "--join_retry=100ms", "--sync_interval=1s"});
  ASSERT_EQ(impostor.Name(absl::Seconds(30)), "b");
  std::optional<MemberChange> conflict;
  ASSERT_TRUE(WaitFor([&] {
    conflict = seen.Find("b", IsConflict);
    return conflict.has_value();
  }));
  EXPECT_EQ(conflict->event.address, b->address());
  EXPECT_EQ(conflict->member.address, b->address());
  EXPECT_NE(conflict->event.claimant_address, b->address());
  EXPECT_TRUE(absl::StartsWith(conflict->event.claimant_address, "127.0.0.1:"))
      << conflict->event.claimant_address;
  EXPECT_FALSE(conflict->status_changed);
  EXPECT_FALSE(conflict->address_changed);

  // The holder stays, for as long as both run: a few sync intervals.
  const absl::Time until = absl::Now() + absl::Seconds(3);
  while (absl::Now() < until) {
    std::optional<MemberInfo> held = Lookup(*a, "b");
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(held->address, b->address());
    EXPECT_EQ(held->status, Status::kOnline);
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_GE(a->Stats().node.name_conflicts, 1u);
  EXPECT_EQ(a->Stats().node.address_changes, 0u);
  EXPECT_FALSE(
      seen.Find("b", [](const MemberChange& c) { return c.address_changed; }));
  // And the holder itself was never displaced.
  EXPECT_EQ(b->Members()->local().address, b->address());
  EXPECT_TRUE(Sees(*b, "a", Status::kOnline));
}

TEST(UdpNamesTest, AMemberBackAtANewPortIsSeenMoving) {
  std::unique_ptr<UdpNode> a = StartNode(FastOptions("a"));
  ASSERT_NE(a, nullptr);
  Recorder seen;
  Subscription s = a->Subscribe([&](const MemberChange& c) { seen.Add(c); });
  std::unique_ptr<UdpNode> b = StartNode(FastOptions("b", {a->address()}));
  ASSERT_NE(b, nullptr);
  const std::string old_address = b->address();
  ASSERT_TRUE(WaitFor([&] { return Sees(*a, "b", Status::kOnline); }));
  b->Stop(UdpNode::StopMode::kNoLeave);  // a crash, as far as `a` knows
  b.reset();
  ASSERT_TRUE(WaitFor([&] { return Sees(*a, "b", Status::kOffline); }));

  std::unique_ptr<UdpNode> back = StartNode(FastOptions("b", {a->address()}));
  ASSERT_NE(back, nullptr);
  ASSERT_NE(back->address(), old_address);
  std::optional<MemberChange> moved;
  ASSERT_TRUE(WaitFor([&] {
    moved =
        seen.Find("b", [](const MemberChange& c) { return c.address_changed; });
    return moved.has_value();
  }));
  EXPECT_EQ(moved->event.previous_address, old_address);
  EXPECT_EQ(moved->member.address, back->address());
  EXPECT_EQ(moved->member.status, Status::kOnline);
  EXPECT_TRUE(moved->status_changed);  // OFFLINE to ONLINE, in one change
  EXPECT_EQ(moved->event.previous, Status::kOffline);
  // The snapshot follows.
  std::optional<MemberInfo> held = Lookup(*a, "b");
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->address, back->address());
  EXPECT_EQ(a->Stats().node.address_changes, 1u);
  EXPECT_EQ(a->Stats().node.name_conflicts, 0u);
  EXPECT_FALSE(seen.Find("b", IsConflict).has_value());
  EXPECT_TRUE(WaitFor([&] { return Sees(*back, "a", Status::kOnline); }));
}

TEST(UdpNamesTest, TheAdmissionCheckInTheOptionsKeepsAMemberOut) {
  UdpNodeOptions options = FastOptions("a");
  std::atomic<int> asked{0};
  options.admission_check = [&](const Applicant& applicant) {
    ++asked;
    return applicant.name != "evil";
  };
  std::unique_ptr<UdpNode> a = StartNode(std::move(options));
  ASSERT_NE(a, nullptr);
  std::unique_ptr<UdpNode> b = StartNode(FastOptions("b", {a->address()}));
  std::unique_ptr<UdpNode> evil =
      StartNode(FastOptions("evil", {a->address()}));
  ASSERT_NE(b, nullptr);
  ASSERT_NE(evil, nullptr);
  ASSERT_TRUE(WaitFor([&] { return Sees(*a, "b", Status::kOnline); }));
  ASSERT_TRUE(WaitFor([&] { return a->Stats().node.admissions_vetoed >= 3; }));
  EXPECT_FALSE(Lookup(*a, "evil").has_value());
  EXPECT_GE(asked.load(), 4);
  // However often it is heard of (evil pings b, b gossips it to a), it
  // never enters a's view.
  const absl::Time until = absl::Now() + absl::Seconds(2);
  while (absl::Now() < until) {
    EXPECT_FALSE(Lookup(*a, "evil").has_value());
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(WaitFor([&] { return Sees(*b, "evil", Status::kOnline); }));
  EXPECT_FALSE(Lookup(*a, "evil").has_value());
}

}  // namespace
}  // namespace swim::net

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s NODE_PROGRAM\n", argv[0]);
    return 2;
  }
  swim::net::node_program = argv[1];
  return RUN_ALL_TESTS();
}
