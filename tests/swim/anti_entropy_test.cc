// Anti-entropy: churn exchanges, catch-up after a cut-off or stall, join.
#include "swim/anti_entropy.h"

#include <cstdint>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/config.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::AnswerAllBut;
using ::swim::testing::Harness;
using ::swim::testing::kStart;
using ::swim::testing::MeetThreeAndRunThreeSeconds;
using ::swim::testing::OfType;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;
using ::swim::testing::WithoutPeriodicSync;

TEST(NodeTest, NextDeadlineIsARealTimeWhenAChurnExchangeIsDue) {
  // Gossip of many new members at once makes a churn exchange due at once;
  // the deadline must say "now", not absl::InfinitePast(), on which a shell
  // computing a wait overflows.
  Harness h;
  h.Deliver("a", Gossip{},
            {Harness::AliveOf("a", 0), Harness::AliveOf("b", 0),
             Harness::AliveOf("c", 0), Harness::AliveOf("d", 0),
             Harness::AliveOf("e", 0), Harness::AliveOf("f", 0),
             Harness::AliveOf("g", 0), Harness::AliveOf("h", 0),
             Harness::AliveOf("i", 0), Harness::AliveOf("j", 0)});
  EXPECT_GE(h.node().NextDeadline(), kStart - absl::Seconds(1));
  EXPECT_LE(h.node().NextDeadline(), h.now());
}

TEST(NodeTest, BackInTouchAfterBeingCutOffItExchangesStateAtOnce) {
  Harness h;
  h.Meet({"a", "b", "c", "d"});
  h.Drain();
  // A probe fails without a word from any relay: cut off.
  h.Advance(absl::Seconds(2));
  h.Drain();
  ASSERT_EQ(h.node().counters().accusations_withheld, 1u);
  const uint64_t digests = h.node().counters().digests_sent;
  // The next probe is answered: a digest exchange starts right away.
  absl::Time acked;
  while (h.node().counters().digests_sent == digests &&
         h.now() < kStart + absl::Seconds(30)) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        h.Deliver(ping->target, Ack{ping->seq});
        acked = h.now();
      }
    }
  }
  EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
  EXPECT_LE(h.now() - acked, absl::Milliseconds(100));
}

TEST(NodeTest, AfterAStallItExchangesStateAtOnce) {
  // A long pause (no ticks, input dropped) may have hidden news.
  Harness h(WithoutPeriodicSync());
  MeetThreeAndRunThreeSeconds(h);
  const uint64_t digests = h.node().counters().digests_sent;
  h.node().Tick(h.now() + absl::Seconds(1));  // on time: nothing special
  AnswerAllBut(h, "");
  EXPECT_EQ(h.node().counters().digests_sent, digests);
  h.node().Tick(h.now() + absl::Seconds(20));  // 20 s without a tick
  EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
  EXPECT_EQ(OfType<SyncDigest>(h.Drain()).size(), 1u);
}

TEST(NodeTest, ChurnStartsFullStateExchangesThenSettles) {
  Harness h(WithoutPeriodicSync());
  h.Meet({"a"});
  h.Drain();
  std::vector<Update> news;
  news.reserve(10);
  for (int i = 0; i < 10; ++i) {
    news.push_back(Harness::AliveOf(absl::StrCat("new-", i), 0));
  }
  h.Deliver("a", Gossip{}, news);  // 10 >= churn_sync_threshold
  std::vector<absl::Duration> syncs;
  std::vector<absl::Duration> settles;
  const absl::Time start = h.now();
  while (h.now() < start + absl::Seconds(20)) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      if (std::holds_alternative<Sync>(s.packet.message)) {
        if (std::get<Sync>(s.packet.message).reply_wanted) {
          syncs.push_back(h.now() - start);
        }
      } else if (std::holds_alternative<SyncDigest>(s.packet.message)) {
        if (std::get<SyncDigest>(s.packet.message).reply_wanted) {
          settles.push_back(h.now() - start);
        }
      } else if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        Ack ack;
        ack.seq = ping->seq;
        h.Deliver(ping->target, ack);
      }
    }
  }
  // One full exchange at once (churn), one digest exchange when it has
  // settled (gossip has carried most of it), and none otherwise.
  ASSERT_EQ(syncs.size(), 1u);
  EXPECT_LE(syncs[0], absl::Milliseconds(100));
  ASSERT_EQ(settles.size(), 1u);
  // (Times are when the harness looked: within 100 ms.)
  EXPECT_GE(settles[0] - syncs[0], absl::Milliseconds(7900));
  EXPECT_LE(settles[0] - syncs[0], absl::Milliseconds(8100));
  EXPECT_EQ(h.node().counters().churn_syncs, 2u);
}

TEST(NodeTest, ChurnPastOneMemberABucketStartsWithAFineDigest) {
  // Past kMaxDigestBuckets members a churn exchange starts with a digest of
  // that many buckets, so that only the buckets that differ travel; the
  // partner's digest comes back at the same count.
  Harness h(WithoutPeriodicSync());
  std::vector<Update> news;
  for (size_t i = 0; i <= kMaxDigestBuckets; ++i) {
    news.push_back(Harness::AliveOf(absl::StrCat("m-", i), 0));
    // In datagrams of 32 updates: each within the datagram size.
    if (news.size() == 32 || i == kMaxDigestBuckets) {
      h.Deliver("m-0", Sync{}, news);
      news.clear();
    }
  }
  h.Advance(absl::Milliseconds(100));
  size_t states_asking_for_a_reply = 0;
  std::vector<const SyncDigest*> digests;
  const std::vector<Sent> sent = h.Drain();
  for (const Sent& s : sent) {
    if (const Sync* sync = std::get_if<Sync>(&s.packet.message)) {
      if (sync->reply_wanted) ++states_asking_for_a_reply;
    } else if (const auto* digest =
                   std::get_if<SyncDigest>(&s.packet.message)) {
      digests.push_back(digest);
    }
  }
  EXPECT_EQ(h.node().counters().churn_syncs, 1u);
  EXPECT_EQ(states_asking_for_a_reply, 0u);
  ASSERT_EQ(digests.size(), 1u);
  EXPECT_TRUE(digests[0]->reply_wanted);
  EXPECT_EQ(digests[0]->buckets.size(), kMaxDigestBuckets);

  // As the partner: a fine digest that differs everywhere gets our state
  // and our digest at its bucket count.
  SyncDigest theirs;
  theirs.reply_wanted = true;
  theirs.buckets.assign(kMaxDigestBuckets, 1);
  h.Deliver("m-1", theirs);
  size_t states = 0;
  std::vector<size_t> reply_buckets;
  for (const Sent& s : h.Drain()) {
    if (std::holds_alternative<Sync>(s.packet.message)) ++states;
    if (const auto* digest = std::get_if<SyncDigest>(&s.packet.message)) {
      reply_buckets.push_back(digest->buckets.size());
    }
  }
  EXPECT_GE(states, 1u);
  EXPECT_EQ(reply_buckets, std::vector<size_t>{kMaxDigestBuckets});
}

TEST(NodeTest, JoinRetriesSeedPeersWithBackoffUntilItKnowsSomeone) {
  Config config =
      TestConfig("me", {TestAddress("seed1"), TestAddress("seed2")});
  Harness h(config);
  std::vector<absl::Duration> attempts;
  auto record = [&] {
    for (const Sent& s : h.Drain()) {
      if (std::holds_alternative<Sync>(s.packet.message) &&
          s.to == TestAddress("seed1")) {
        EXPECT_TRUE(std::get<Sync>(s.packet.message).reply_wanted);
        attempts.push_back(h.now() - kStart);
      }
    }
  };
  record();
  while (h.now() < kStart + absl::Seconds(100)) {
    h.Advance(absl::Milliseconds(500));
    record();
  }
  ASSERT_GE(attempts.size(), 6u);
  EXPECT_EQ(attempts[0], absl::ZeroDuration());
  EXPECT_EQ(attempts[1], absl::Seconds(1));
  EXPECT_EQ(attempts[2], absl::Seconds(3));
  EXPECT_EQ(attempts[3], absl::Seconds(7));
  EXPECT_EQ(attempts[4], absl::Seconds(15));
  EXPECT_EQ(attempts[5], absl::Seconds(31));
  EXPECT_EQ(attempts[6], absl::Seconds(61));  // capped at 30 s
  // Once it knows a live member, it stops.
  h.Meet({"seed1"});
  h.Drain();
  attempts.clear();
  const absl::Time met = h.now();
  while (h.now() < met + absl::Seconds(120)) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      if (std::holds_alternative<Sync>(s.packet.message)) {
        attempts.push_back(h.now() - kStart);
      }
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        Ack ack;
        ack.seq = ping->seq;
        h.Deliver(ping->target, ack);
      }
    }
  }
  // Only the periodic push-pull with the member it knows (every 30 s).
  EXPECT_LE(attempts.size(), 4u);
  EXPECT_EQ(h.StatusOf("seed1"), Status::kOnline);
}

TEST(NodeTest, JoinResumesAfterAMinuteWithoutAnAck) {
  // Found by the cluster fuzzer: a node whose join went unanswered, told
  // of members that never answer (planted by an insider, or a stale
  // view), withholds every accusation (no relay even nacks) and, holding
  // "available" members, never asked its seeds again.
  Harness h(TestConfig("me", {TestAddress("seed1")}));
  h.Drain();  // the first join attempt, lost
  ASSERT_TRUE(h.node()
                  .AddKnownMembers(h.now(), {Harness::AliveOf("ghost1", 0),
                                             Harness::AliveOf("ghost2", 0)})
                  .ok());
  std::vector<absl::Duration> to_seed;
  while (h.now() < kStart + absl::Seconds(100)) {
    h.Advance(absl::Milliseconds(500));
    for (const Sent& s : h.Drain()) {
      if (s.to == TestAddress("seed1") &&
          std::holds_alternative<Sync>(s.packet.message)) {
        to_seed.push_back(h.now() - kStart);
      }
    }
  }
  ASSERT_FALSE(to_seed.empty());
  EXPECT_GE(to_seed[0], kSilenceBeforeRejoin);
  EXPECT_LE(to_seed[0], kSilenceBeforeRejoin + absl::Seconds(1));
  EXPECT_EQ(h.StatusOf("ghost1"), Status::kOnline);  // never accused
  EXPECT_GT(h.node().counters().accusations_withheld, 0u);
}

// Runs `h` for `duration`, acking every ping; when each SyncDigest to
// `seed` went, from the start.
std::vector<absl::Duration> DigestsToSeedOver(Harness& h,
                                              absl::string_view seed,
                                              absl::Duration duration) {
  std::vector<absl::Duration> digests;
  const absl::Time end = h.now() + duration;
  while (h.now() < end) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      if (const SyncDigest* d = std::get_if<SyncDigest>(&s.packet.message);
          d != nullptr && s.to == seed) {
        EXPECT_TRUE(d->reply_wanted);
        digests.push_back(h.now() - kStart);
      }
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        Ack ack;
        ack.seq = ping->seq;
        h.Deliver(ping->target, ack);
      }
    }
  }
  return digests;
}

TEST(NodeTest, AJoinedNodeAsksASeedItNoLongerHoldsEveryMinute) {
  // Found by the cluster fuzzer: two groups that had each forgotten the
  // other (the seed declared and forgotten by the rest) stayed apart for
  // good, each joined, so nobody asked a seed again.
  Harness h(TestConfig("me", {TestAddress("seed1")}));
  h.Drain();  // the first join attempt, lost
  h.Meet({"a", "b"});
  const std::vector<absl::Duration> digests =
      DigestsToSeedOver(h, TestAddress("seed1"), absl::Seconds(130));
  ASSERT_EQ(digests.size(), 2u);
  EXPECT_GE(digests[0], kSeedRecheckInterval);
  EXPECT_LE(digests[0], kSeedRecheckInterval + absl::Seconds(1));
  EXPECT_GE(digests[1] - digests[0], kSeedRecheckInterval);
  EXPECT_LE(digests[1] - digests[0], kSeedRecheckInterval + absl::Seconds(1));
  EXPECT_EQ(h.node().counters().seed_rechecks, 2u);
  EXPECT_EQ(h.StatusOf("a"), Status::kOnline);
}

TEST(NodeTest, AJoinedNodeLeavesASeedItHoldsAlone) {
  Harness h(TestConfig("me", {TestAddress("seed1")}));
  h.Drain();
  h.Meet({"seed1", "a"});
  // (Periodic exchanges may pick the seed; none is a recheck.)
  DigestsToSeedOver(h, TestAddress("seed1"), absl::Seconds(130));
  EXPECT_EQ(h.node().counters().seed_rechecks, 0u);
  EXPECT_EQ(h.StatusOf("seed1"), Status::kOnline);
}

}  // namespace
}  // namespace swim
