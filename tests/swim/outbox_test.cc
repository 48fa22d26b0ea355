// The outbox: piggyback retransmits, gossip rounds, the datagram limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/config.h"
#include "swim/message.h"
#include "swim/node.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::AnswerAllBut;
using ::swim::testing::FindUpdate;
using ::swim::testing::Harness;
using ::swim::testing::OfType;
using ::swim::testing::Sent;
using ::swim::testing::TestConfig;

// m0..m10: with the local member N = 12, so ⌈log10(N + 1)⌉ = 2.
std::vector<std::string> ElevenOthers() {
  std::vector<std::string> names;
  names.reserve(11);
  for (int i = 0; i < 11; ++i) names.push_back(absl::StrCat("m", i));
  return names;
}

TEST(NodeTest, EachUpdateIsPiggybackedRetransmitLimitTimes) {
  Harness h;
  const std::vector<std::string> names = ElevenOthers();
  h.Meet(names);  // N = 12 → limit 4 × 2
  ASSERT_EQ(h.node().RetransmitLimit(), 8);
  h.Drain();
  h.Deliver("m1", Gossip{}, {Harness::AliveOf("news", 0)});
  int carried = 0;
  for (int i = 0; i < 30; ++i) {
    Ping ping;
    ping.seq = static_cast<uint32_t>(i);
    ping.target = "me";
    h.Deliver("m2", ping);
    for (const Sent& s : h.Drain()) {
      if (FindUpdate<Alive>(s.packet, "news") != nullptr) ++carried;
    }
  }
  EXPECT_EQ(carried, 8);

  Config config = TestConfig("me");
  config.testing.zero_retransmits = true;
  Harness quiet(config);
  quiet.Meet(names);
  quiet.Deliver("m1", Gossip{}, {Harness::AliveOf("news", 0)});
  Ping ping;
  ping.seq = 1;
  ping.target = "me";
  quiet.Deliver("m2", ping);
  std::vector<Sent> sent = quiet.Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].packet.updates.empty());
}

// A death notice goes offline_retransmit_mult × ⌈log10(N + 1)⌉ times, the
// news that the member is back at the normal limit.
TEST(NodeTest, OfflineUpdatesGoOfflineRetransmitMultTimes) {
  Config config = TestConfig("me");
  config.offline_retransmit_mult = 7;
  Harness h(config);
  const std::vector<std::string> names = ElevenOthers();
  h.Meet(names);  // N = 12: 7 × 2 for OFFLINE, 4 × 2 otherwise
  h.Drain();
  auto carried_in_pings = [&h](auto find) {
    int carried = 0;
    for (uint32_t seq = 0; seq < 40; ++seq) {
      Ping ping;
      ping.seq = seq;
      ping.target = "me";
      h.Deliver("m2", ping);
      for (const Sent& s : h.Drain()) {
        if (find(s) != nullptr) ++carried;
      }
    }
    return carried;
  };
  Offline offline;
  offline.member = "m5";
  offline.accuser = "m1";
  h.Deliver("m1", Gossip{}, {offline});
  EXPECT_EQ(carried_in_pings([](const Sent& s) {
              return FindUpdate<Offline>(s.packet, "m5");
            }),
            14);
  h.Deliver("m1", Gossip{}, {Harness::AliveOf("m5", 1)});
  EXPECT_EQ(carried_in_pings([](const Sent& s) {
              return FindUpdate<Alive>(s.packet, "m5");
            }),
            8);
}

TEST(NodeTest, NewsIsGossipedToFanoutMembersEachIntervalUntilSpent) {
  Harness h;
  const std::vector<std::string> names = ElevenOthers();
  h.Meet(names);  // N = 12 → limit 8
  // Let what the exchange queued run out.
  for (int i = 0; i < 30; ++i) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
  ASSERT_EQ(h.node().pending_gossip(), 0u);
  h.Deliver("m1", Gossip{}, {Harness::AliveOf("news", 0)});
  // At once: fanout (3) Gossip datagrams to distinct members.
  h.AdvanceTo(h.now());
  std::vector<Sent> round = OfType<Gossip>(h.Drain());
  ASSERT_EQ(round.size(), 3u);
  EXPECT_NE(round[0].to, round[1].to);
  EXPECT_NE(round[1].to, round[2].to);
  EXPECT_NE(round[0].to, round[2].to);
  for (const Sent& s : round) {
    EXPECT_NE(FindUpdate<Alive>(s.packet, "news"), nullptr);
  }
  // Then every 200 ms while the update has sends left: 8 sends in all,
  // probes' piggybacking included.
  int carried = 3;
  auto count = [&](const std::vector<Sent>& sent) {
    for (const Sent& s : sent) {
      if (FindUpdate<Alive>(s.packet, "news") != nullptr) ++carried;
    }
    return OfType<Gossip>(sent).size();
  };
  h.Advance(absl::Milliseconds(199));
  EXPECT_EQ(count(h.Drain()), 0u);
  for (int i = 0; i < 10; ++i) {
    h.Advance(absl::Milliseconds(i == 0 ? 1 : 200));
    const size_t gossip = count(h.Drain());
    EXPECT_LE(gossip, 3u);
    if (i == 0) {
      EXPECT_GE(gossip, 1u);
    }
  }
  EXPECT_EQ(carried, 8);
  EXPECT_EQ(h.node().pending_gossip(), 0u);

  Config config = TestConfig("me");
  config.gossip_fanout = 0;  // piggybacking only
  Harness quiet(config);
  quiet.Meet(names);
  quiet.Deliver("m1", Gossip{}, {Harness::AliveOf("news", 0)});
  quiet.Advance(absl::Seconds(1));
  EXPECT_TRUE(OfType<Gossip>(quiet.Drain()).empty());
}

TEST(NodeTest, DatagramsNeverExceedTheLimitAndSyncSplits) {
  Config config = TestConfig("me");
  config.max_datagram_bytes = 600;
  Harness h(config);
  std::vector<Update> updates;
  updates.reserve(300);
  for (int i = 0; i < 300; ++i) {
    updates.push_back(Harness::AliveOf(absl::StrCat("member-", i), 0,
                                       {{"k", std::string(40, 'v')}}));
  }
  // Gossip (not a sync), so all of them are queued for piggybacking.
  for (size_t i = 0; i < updates.size(); i += 5) {
    auto first = updates.begin() + static_cast<std::ptrdiff_t>(i);
    h.Deliver("member-0", Gossip{}, std::vector<Update>(first, first + 5));
  }
  EXPECT_EQ(h.node().members().size(), 301u);
  Ping ping;
  ping.seq = 1;
  ping.target = "me";
  h.Deliver("member-1", ping);
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_LE(sent[0].bytes, 600u);
  EXPECT_GT(sent[0].packet.updates.size(), 3u);
  // A full state exchange: many datagrams, each within the limit (Drain
  // checks) and each decodable on its own.
  Sync sync;
  sync.reply_wanted = true;
  h.Deliver("member-2", sync, {});
  sent = OfType<Sync>(h.Drain());
  EXPECT_GT(sent.size(), 20u);
  size_t carried = 0;
  for (const Sent& s : sent) carried += s.packet.updates.size();
  EXPECT_EQ(carried, 301u);
  EXPECT_TRUE(std::get<Sync>(sent[0].packet.message).reply_wanted == false);
}

}  // namespace
}  // namespace swim
