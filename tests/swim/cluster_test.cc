// Multi-node behaviour over the deterministic FakeNetwork.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/counters.h"
#include "swim/drop_reason.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"

namespace swim {
namespace {

using ::swim::testing::FakeNetwork;
using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;

std::string Name(int i) { return absl::StrCat("node-", i); }

// Starts `n` nodes, all given node-0 as their only seed peer, a few
// milliseconds apart.
void StartCluster(FakeNetwork& net, int n) {
  ASSERT_TRUE(net.AddNode(TestConfig(Name(0))).ok());
  for (int i = 1; i < n; ++i) {
    net.RunFor(absl::Milliseconds(10));
    ASSERT_TRUE(net.AddNode(TestConfig(Name(i), {TestAddress(Name(0))})).ok());
  }
}

TEST(ClusterTest, FiftyNodesJoinFromOneSeedAndAllSeeAllOnline) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 50);
  const absl::Time start = net.now();
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  const absl::Duration took = net.now() - start;
  EXPECT_LT(took, absl::Seconds(10)) << took;
  for (const std::string& name : net.node_names()) {
    EXPECT_EQ(net.node(name)->members().Count(Status::kOnline), 50u) << name;
  }
  // And it stays that way: no false suspicion on a healthy network.
  net.RunFor(absl::Seconds(60));
  EXPECT_TRUE(net.AllSeeAllOnline());
  for (const std::string& name : net.node_names()) {
    EXPECT_EQ(net.node(name)->counters().suspicions_raised, 0u) << name;
  }
}

// True if any node ever recorded `member` going to `status`.
bool AnyEvent(const FakeNetwork& net, absl::string_view member, Status status) {
  for (const FakeNetwork::RecordedEvent& e : net.events()) {
    if (e.event.member == member && e.event.current == status &&
        e.node != member) {
      return true;
    }
  }
  return false;
}

TEST(ClusterTest, CrashedNodeGoesOfflineEverywhereAndComesBackOnRestart) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 20);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  const std::string victim = Name(7);
  net.Crash(victim);
  const absl::Time crashed = net.now();
  ASSERT_TRUE(net.RunUntil([&] { return net.AllSee(victim, Status::kOffline); },
                           absl::Minutes(3)));
  // Detection and the suspicion timeout, which at most is 6 × min.
  EXPECT_LT(net.now() - crashed, absl::Seconds(60)) << net.now() - crashed;
  for (const std::string& name : net.node_names()) {
    EXPECT_EQ(net.node(name)->members().Find(victim)->offline_reason,
              OfflineReason::kFailed);
  }
  // Restarted under the same name, from incarnation 0: it must
  // out-incarnate what the cluster remembers.
  ASSERT_TRUE(
      net.AddNode(TestConfig(victim, {TestAddress(Name(0))}, 12345)).ok());
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(30)));
  EXPECT_GT(net.node(victim)->members().local().incarnation, 0u);
  EXPECT_EQ(net.node(victim)->members().Count(Status::kOnline), 20u);
}

TEST(ClusterTest, RestartedNodeWithNewMetadataReplacesItsPreviousLife) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 12);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  const std::string member = Name(5);
  const Metadata old_small = {{"life", "1"}};
  const Metadata old_big = {{"life", "1"}, {"blob", std::string(5000, 'o')}};
  ASSERT_TRUE(net.node(member)->SetMetadata(net.now(), old_small).ok());
  ASSERT_TRUE(net.node(member)->SetMetadata(net.now(), old_big).ok());
  auto all_have = [&](const Metadata& want) {
    for (const std::string& name : net.node_names()) {
      std::optional<MemberView> m = net.node(name)->members().Find(member);
      if (!m.has_value() || *m->metadata != want) return false;
    }
    return true;
  };
  ASSERT_TRUE(
      net.RunUntil([&] { return all_have(old_big); }, absl::Seconds(30)));
  net.Crash(member);
  net.RunFor(absl::Seconds(2));  // restarted before anyone noticed
  Config config = TestConfig(member, {TestAddress(Name(0))}, 777);
  const Metadata new_big = {{"life", "2"}, {"blob", std::string(5000, 'n')}};
  config.metadata = new_big;
  ASSERT_TRUE(net.AddNode(config).ok());
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline() && all_have(new_big); },
                   absl::Seconds(60)));
}

TEST(ClusterTest, SuspectedButAliveNodeRefutesAndIsNeverOffline) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 20);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  const std::string victim = Name(3);
  // Cut it off just long enough for some probes of it to fail.
  net.Partition({victim});
  ASSERT_TRUE(
      net.RunUntil([&] { return AnyEvent(net, victim, Status::kSuspect); },
                   absl::Seconds(60)));
  net.Heal();
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(30)));
  net.RunFor(absl::Seconds(60));
  EXPECT_TRUE(net.AllSeeAllOnline());
  EXPECT_FALSE(AnyEvent(net, victim, Status::kOffline));
  EXPECT_GE(net.node(victim)->counters().refutations, 1u);
}

TEST(ClusterTest, MetadataIncludingA64KiBValueReachesEveryone) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 20);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  const std::string owner = Name(5);
  Metadata small = {{"role", "db"}};
  ASSERT_TRUE(net.node(owner)->SetMetadata(net.now(), small).ok());
  auto all_have = [&](const Metadata& want) {
    for (const std::string& name : net.node_names()) {
      std::optional<MemberView> m = net.node(name)->members().Find(owner);
      if (!m.has_value() || *m->metadata != want) return false;
    }
    return true;
  };
  ASSERT_TRUE(net.RunUntil([&] { return all_have(small); }, absl::Seconds(30)));

  std::string blob(size_t{64} * 1024, '\0');
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>(i * 7);
  Metadata big = {{"role", "db"}, {"blob", blob}};
  ASSERT_TRUE(net.node(owner)->SetMetadata(net.now(), big).ok());
  const absl::Time set_at = net.now();
  ASSERT_TRUE(net.RunUntil([&] { return all_have(big); }, absl::Seconds(60)));
  EXPECT_LT(net.now() - set_at, absl::Seconds(20)) << net.now() - set_at;
  // A late joiner gets it too.
  ASSERT_TRUE(net.AddNode(TestConfig("late", {TestAddress(Name(0))})).ok());
  ASSERT_TRUE(net.RunUntil([&] { return all_have(big); }, absl::Seconds(60)));
}

TEST(ClusterTest, GracefulLeaveIsOfflineLeftWithoutSuspicion) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 20);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  const std::string leaver = Name(9);
  net.Leave(leaver);
  ASSERT_TRUE(net.RunUntil([&] { return net.AllSee(leaver, Status::kOffline); },
                           absl::Seconds(10)));
  for (const std::string& name : net.node_names()) {
    if (name == leaver) continue;
    EXPECT_EQ(net.node(name)->members().Find(leaver)->offline_reason,
              OfflineReason::kLeft);
  }
  EXPECT_FALSE(AnyEvent(net, leaver, Status::kSuspect));
  EXPECT_EQ(net.node(leaver)->members().local().status, Status::kOffline);
}

TEST(ClusterTest, PartitionAndHealReconvergeToOneView) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 20);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  std::vector<std::string> side;
  side.reserve(8);
  for (int i = 0; i < 8; ++i) side.push_back(Name(i * 2 + 1));
  net.Partition(side);
  // Each side declares the other offline.
  ASSERT_TRUE(net.RunUntil(
      [&] {
        return net.StatusAt(Name(0), Name(1)) == Status::kOffline &&
               net.StatusAt(Name(1), Name(0)) == Status::kOffline &&
               net.node(Name(0))->members().Count(Status::kOnline) == 12 &&
               net.node(Name(1))->members().Count(Status::kOnline) == 8;
      },
      absl::Minutes(5)));
  net.Heal();
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Minutes(3)));
}

TEST(ClusterTest, TwoHundredSimultaneousJoinersConvergeWithoutStragglers) {
  // memberlist's weakness: stragglers waiting 70-75 s for a full view.
  FakeNetwork net(absl::UnixEpoch());
  ASSERT_TRUE(net.AddNode(TestConfig(Name(0))).ok());
  for (int i = 1; i < 200; ++i) {
    ASSERT_TRUE(net.AddNode(TestConfig(Name(i), {TestAddress(Name(0))})).ok());
  }
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(15)))
      << "still converging after 15 s";
}

TEST(ClusterTest, TenPercentLossRaisesNoFalseOfflines) {
  FakeNetwork net(absl::UnixEpoch(), 5);
  StartCluster(net, 30);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  net.SetLoss(1, 10);
  net.RunFor(absl::Minutes(5));
  for (const std::string& name : net.node_names()) {
    EXPECT_FALSE(AnyEvent(net, name, Status::kOffline)) << name;
  }
  // A real failure is still found.
  net.Crash(Name(11));
  EXPECT_TRUE(
      net.RunUntil([&] { return net.AllSee(Name(11), Status::kOffline); },
                   absl::Minutes(2)));
}

TEST(ClusterTest, EncryptedClusterWorksAndRejectsStrangers) {
  FakeNetwork net(absl::UnixEpoch());
  for (int i = 0; i < 10; ++i) {
    Config config = TestConfig(
        Name(i), i == 0 ? std::vector<std::string>{}
                        : std::vector<std::string>{TestAddress(Name(0))});
    config.encrypt = true;
    config.require_encryption = true;
    ASSERT_TRUE(net.AddNode(config).ok());
  }
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(30)));
  // Same cluster name, another key: nothing it sends is accepted.
  Config stranger = TestConfig("stranger", {TestAddress(Name(0))});
  stranger.keys = {std::string(32, 'x')};
  stranger.encrypt = true;
  ASSERT_TRUE(net.AddNode(stranger).ok());
  net.RunFor(absl::Seconds(10));
  EXPECT_EQ(net.node(Name(0))->members().size(), 10u);
  EXPECT_GT(net.node(Name(0))
                ->counters()
                .drops[static_cast<size_t>(DropReason::kUnknownKey)],
            0u);
  EXPECT_EQ(net.node("stranger")->members().size(), 1u);
}

std::vector<std::string> Trace(uint64_t seed) {
  FakeNetwork net(absl::UnixEpoch(), seed);
  net.SetLoss(1, 20);
  StartCluster(net, 12);
  net.RunFor(absl::Seconds(20));
  net.Crash(Name(4));
  net.RunFor(absl::Seconds(60));
  std::vector<std::string> trace;
  for (const FakeNetwork::RecordedEvent& e : net.events()) {
    trace.push_back(absl::StrCat(
        absl::FormatTime(e.at), " ", e.node, " ", e.event.member, " ",
        StatusName(e.event.previous), "->", StatusName(e.event.current), " ",
        e.event.incarnation, " ", e.event.metadata_changed));
  }
  trace.push_back(absl::StrCat("delivered ", net.datagrams_delivered()));
  return trace;
}

TEST(ClusterTest, SameSeedTwiceGivesTheSameEventSequence) {
  const std::vector<std::string> first = Trace(99);
  const std::vector<std::string> second = Trace(99);
  ASSERT_GT(first.size(), 100u);
  EXPECT_EQ(first, second);
}

// Sums a counter over every running node.
template <typename Get>
uint64_t Total(FakeNetwork& net, Get get) {
  uint64_t total = 0;
  for (const std::string& name : net.node_names()) {
    total += get(net.node(name)->counters());
  }
  return total;
}

TEST(ClusterTest, AConvergedClusterExchangesDigestsNotStates) {
  FakeNetwork net(absl::UnixEpoch());
  StartCluster(net, 12);
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  // Let the join's own exchanges settle.
  net.RunFor(absl::Minutes(1));
  const auto states = [](const Counters& c) { return c.syncs_sent; };
  const auto digests = [](const Counters& c) { return c.digests_sent; };
  const uint64_t states_before = Total(net, states);
  const uint64_t digests_before = Total(net, digests);
  net.RunFor(absl::Minutes(10));
  EXPECT_TRUE(net.AllSeeAllOnline());
  // Every node started about 20 periodic exchanges; all agreed at once.
  EXPECT_GT(Total(net, digests) - digests_before, 12u * 10);
  EXPECT_EQ(Total(net, states), states_before);
}

TEST(ClusterTest, DigestExchangesRepairWhatGossipDoesNotCarry) {
  // Without piggybacked gossip, news travels only by anti-entropy.
  FakeNetwork net(absl::UnixEpoch());
  std::vector<Config> configs;
  for (int i = 0; i < 8; ++i) {
    Config config = TestConfig(
        Name(i), i == 0 ? std::vector<std::string>{}
                        : std::vector<std::string>{TestAddress(Name(0))});
    config.testing.zero_retransmits = true;
    config.sync_interval = absl::Seconds(5);
    ASSERT_TRUE(net.AddNode(config).ok());
    net.RunFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Minutes(5)));
  net.RunFor(absl::Minutes(1));

  // A metadata change reaches everyone through digest exchanges, which
  // send only the buckets that differ.
  const auto states = [](const Counters& c) { return c.syncs_sent; };
  const uint64_t states_before = Total(net, states);
  ASSERT_TRUE(
      net.node(Name(3))->SetMetadata(net.now(), Metadata{{"role", "db"}}).ok());
  ASSERT_TRUE(net.RunUntil(
      [&] {
        for (const std::string& name : net.node_names()) {
          std::optional<MemberView> m = net.node(name)->members().Find(Name(3));
          if (!m.has_value() || m->metadata->count("role") == 0) return false;
        }
        return true;
      },
      absl::Minutes(5)));
  EXPECT_GT(Total(net, states), states_before);
}

}  // namespace
}  // namespace swim
