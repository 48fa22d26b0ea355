// The application's state in anti-entropy (swim/app_state.h): exchanged at
// the join and periodically over the deterministic FakeNetwork, chunked
// when large, and bounded against hostile offers and chunks.
#include "swim/app_state.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/message.h"
#include "swim/node.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::FakeNetwork;
using ::swim::testing::Harness;
using ::swim::testing::OfType;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;

// The state exchange is part of protocol version 2.
Config TestConfig(absl::string_view name) {
  Config config = ::swim::testing::TestConfig(name, {});
  config.protocol_version_max = 2;
  config.sync_interval = absl::Seconds(2);
  return config;
}

std::string Name(int i) { return absl::StrCat("node-", i); }

// Several datagrams' worth, so that it travels in chunks.
std::string BigState(char fill) { return std::string(5000, fill); }

std::vector<StateMerge> Merges(Node* node) {
  std::vector<StateMerge> out;
  while (std::optional<StateMerge> m = node->PollStateMerge()) {
    out.push_back(*m);
  }
  return out;
}

TEST(AppStateTest, JoinExchangesBothStatesInChunks) {
  FakeNetwork net(absl::UnixEpoch());
  ASSERT_TRUE(net.AddNode(TestConfig(Name(0))).ok());
  ASSERT_TRUE(net.node(Name(0))->SetLocalState(net.now(), BigState('a')).ok());
  ASSERT_TRUE(net.AddNode(TestConfig(Name(1))).ok());
  Node* joiner = net.node(Name(1));
  ASSERT_TRUE(joiner->SetLocalState(net.now(), BigState('b')).ok());
  ASSERT_TRUE(joiner->Join(net.now(), {TestAddress(Name(0))}).ok());
  net.Flush();
  net.RunFor(absl::Seconds(1));

  std::vector<StateMerge> at_seed = Merges(net.node(Name(0)));
  ASSERT_EQ(at_seed.size(), 1u);
  EXPECT_EQ(at_seed[0].from, Name(1));
  EXPECT_TRUE(at_seed[0].join);
  EXPECT_EQ(at_seed[0].state, BigState('b'));
  EXPECT_GT(at_seed[0].version, 0u);
  std::vector<StateMerge> at_joiner = Merges(joiner);
  ASSERT_EQ(at_joiner.size(), 1u);
  EXPECT_EQ(at_joiner[0].from, Name(0));
  EXPECT_TRUE(at_joiner[0].join);
  EXPECT_EQ(at_joiner[0].state, BigState('a'));
  EXPECT_GE(joiner->counters().datagrams_in[MessageTypeIndex<StateChunk>()],
            4u);
}

TEST(AppStateTest, NewVersionsReachEveryMemberThroughPeriodicExchanges) {
  FakeNetwork net(absl::UnixEpoch());
  constexpr int kNodes = 6;
  for (int i = 0; i < kNodes; ++i) {
    ASSERT_TRUE(net.AddNode(TestConfig(Name(i))).ok());
    if (i > 0) {
      ASSERT_TRUE(
          net.node(Name(i))->Join(net.now(), {TestAddress(Name(0))}).ok());
    }
    net.RunFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(
      net.RunUntil([&] { return net.AllSeeAllOnline(); }, absl::Seconds(60)));
  // Only node-3 has a state: its periodic exchanges and the ones others
  // start with it carry it to everyone, once each.
  ASSERT_TRUE(net.node(Name(3))->SetLocalState(net.now(), "v1").ok());
  std::vector<int> merged(kNodes, 0);
  const auto all_merged = [&] {
    for (int i = 0; i < kNodes; ++i) {
      for (const StateMerge& m : Merges(net.node(Name(i)))) {
        EXPECT_EQ(m.from, Name(3));
        EXPECT_EQ(m.state, "v1");
        EXPECT_FALSE(m.join);
        ++merged[i];
      }
    }
    for (int i = 0; i < kNodes; ++i) {
      if (i != 3 && merged[i] == 0) return false;
    }
    return true;
  };
  ASSERT_TRUE(net.RunUntil(all_merged, absl::Minutes(2)));
  net.RunFor(absl::Seconds(30));
  all_merged();
  for (int i = 0; i < kNodes; ++i) {
    EXPECT_EQ(merged[i], i == 3 ? 0 : 1) << Name(i);
  }
  // Unchanged versions are offered but not fetched again.
  uint64_t unchanged = 0;
  for (int i = 0; i < kNodes; ++i) {
    unchanged += net.node(Name(i))->counters().user.states_unchanged;
  }
  EXPECT_GT(unchanged, 0u);
}

// The join's offer cannot go to a seed of unknown range; a node alone lets
// its periodic exchange lapse, so one comes due as soon as the join's
// answer brings a member, maybe before the seed's offer is read: that
// exchange's offer carries the join. Only that one: the next is a mere
// exchange again.
TEST(AppStateTest, AnExchangeStartedWhileJoiningIsPartOfTheJoin) {
  Harness h(TestConfig("me"));
  ASSERT_TRUE(h.node().SetLocalState(h.now(), "mine").ok());
  ASSERT_TRUE(h.node().Join(h.now(), {TestAddress("a")}).ok());
  // The seed's answer (in version 2, so offers go to it); its offer is
  // not read yet.
  Packet answer;
  answer.sender = "a";
  answer.message = Gossip{};
  answer.updates.push_back(Harness::AliveOf("a", 0));
  h.node().HandleDatagram(h.now(), TestAddress("a"),
                          h.Seal(answer, Framing{2, {1, 2}}));
  // Runs until the next periodic exchange (its digest) with "a", which
  // answers its probes meanwhile; the offers sent on the way.
  const auto offers_until_next_exchange = [&h] {
    std::vector<Sent> offers;
    const uint64_t digests = h.node().counters().digests_sent;
    const absl::Time limit = h.now() + absl::Seconds(5);
    while (h.node().counters().digests_sent == digests && h.now() < limit) {
      h.Advance(absl::Milliseconds(50));
      for (const Sent& s : h.Drain()) {
        if (std::holds_alternative<StateOffer>(s.packet.message)) {
          offers.push_back(s);
        } else if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
          h.Deliver(ping->target, Ack{ping->seq});
        }
      }
    }
    EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
    return offers;
  };
  std::vector<Sent> offers = offers_until_next_exchange();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].to, TestAddress("a"));
  EXPECT_TRUE(std::get<StateOffer>(offers[0].packet.message).join);
  // The seed's own offer, asking for ours: ours just went, so no reply;
  // it is fetched as the join's answer.
  h.Deliver("a", StateOffer{5, 3, false, true});
  std::vector<Sent> sent = h.Drain();
  EXPECT_TRUE(OfType<StateOffer>(sent).empty());
  ASSERT_EQ(OfType<StateRequest>(sent).size(), 1u);
  h.Deliver("a", StateChunk{5, 3, 0, "abc"});
  std::optional<StateMerge> merge = h.node().PollStateMerge();
  ASSERT_TRUE(merge.has_value());
  EXPECT_TRUE(merge->join);
  // The next exchange is a mere exchange.
  offers = offers_until_next_exchange();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_FALSE(std::get<StateOffer>(offers[0].packet.message).join);
}

// The same version offered again, now as a join's, while being fetched:
// merged as the join's.
TEST(AppStateTest, AJoinOfferDuringTheFetchMakesItTheJoins) {
  Harness h(TestConfig("me"));
  h.Meet({"a"});
  h.Drain();
  h.Deliver("a", StateOffer{7, 3, false, false});
  h.Deliver("a", StateOffer{7, 3, true, false});
  EXPECT_EQ(OfType<StateRequest>(h.Drain()).size(), 1u);
  h.Deliver("a", StateChunk{7, 3, 0, "abc"});
  std::optional<StateMerge> merge = h.node().PollStateMerge();
  ASSERT_TRUE(merge.has_value());
  EXPECT_TRUE(merge->join);
}

TEST(AppStateTest, NoStateNoOffers) {
  FakeNetwork net(absl::UnixEpoch());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(net.AddNode(TestConfig(Name(i))).ok());
    if (i > 0) {
      ASSERT_TRUE(
          net.node(Name(i))->Join(net.now(), {TestAddress(Name(0))}).ok());
    }
  }
  net.RunFor(absl::Seconds(30));
  for (int i = 0; i < 3; ++i) {
    const Counters& c = net.node(Name(i))->counters();
    EXPECT_EQ(c.datagrams_out[MessageTypeIndex<StateOffer>()], 0u);
    EXPECT_EQ(c.user.states_offered, 0u);
  }
}

TEST(AppStateTest, SetLocalStateLimits) {
  Config config = TestConfig("me");
  config.max_app_state_bytes = 100;
  Harness h(config);
  EXPECT_EQ(h.node().SetLocalState(h.now(), std::string(101, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(h.node().SetLocalState(h.now(), std::string(100, 'x')).ok());
  h.node().Leave(h.now());
  EXPECT_EQ(h.node().SetLocalState(h.now(), "x").code(),
            absl::StatusCode::kFailedPrecondition);
  config.max_app_state_bytes = kMaxAppStateBytes + 1;
  EXPECT_FALSE(config.Validate().ok());
}

TEST(AppStateTest, ServesItsStateInWindowsOfChunks) {
  Harness h(TestConfig("me"));
  h.Meet({"a", "b"});
  ASSERT_TRUE(h.node().SetLocalState(h.now(), BigState('s')).ok());
  h.Drain();
  // An offer asking for ours is answered with our offer.
  h.Deliver("a", StateOffer{1, 0, false, true});
  std::vector<Sent> offers = OfType<StateOffer>(h.Drain());
  ASSERT_EQ(offers.size(), 1u);
  const auto& offer = std::get<StateOffer>(offers[0].packet.message);
  EXPECT_EQ(offer.size, 5000u);
  EXPECT_FALSE(offer.reply_wanted);
  // The wrong version gets nothing; the right one its chunks.
  h.Deliver("a", StateRequest{offer.version + 1, 0, 0});
  EXPECT_TRUE(OfType<StateChunk>(h.Drain()).empty());
  h.Deliver("a", StateRequest{offer.version, 0, 0});
  std::string reassembled;
  for (const Sent& s : OfType<StateChunk>(h.Drain())) {
    const auto& chunk = std::get<StateChunk>(s.packet.message);
    EXPECT_EQ(chunk.offset, reassembled.size());
    reassembled += chunk.data;
  }
  EXPECT_EQ(reassembled, BigState('s'));
}

TEST(AppStateTest, FetchesAnOfferedStateAndMergesItOnce) {
  Harness h(TestConfig("me"));
  h.Meet({"a", "b"});
  h.Drain();
  h.Deliver("a", StateOffer{7, 6, true, false});
  std::vector<Sent> asks = OfType<StateRequest>(h.Drain());
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].to, TestAddress("a"));
  EXPECT_EQ(std::get<StateRequest>(asks[0].packet.message).version, 7u);
  // Out of order, another sender's, inconsistent: ignored and counted.
  h.Deliver("a", StateChunk{7, 6, 3, "def"});
  h.Deliver("b", StateChunk{7, 6, 0, "abc"});
  h.Deliver("a", StateChunk{8, 6, 0, "abc"});
  h.Deliver("a", StateChunk{7, 9, 0, "abc"});
  EXPECT_EQ(h.node().counters().user.state_chunks_ignored, 4u);
  EXPECT_FALSE(h.node().PollStateMerge().has_value());
  h.Deliver("a", StateChunk{7, 6, 0, "abc"});
  h.Deliver("a", StateChunk{7, 6, 3, "def"});
  std::optional<StateMerge> merge = h.node().PollStateMerge();
  ASSERT_TRUE(merge.has_value());
  EXPECT_EQ(merge->from, "a");
  EXPECT_TRUE(merge->join);
  EXPECT_EQ(merge->version, 7u);
  EXPECT_EQ(merge->state, "abcdef");
  // The same version again is not fetched.
  h.Drain();
  h.Deliver("a", StateOffer{7, 6, false, false});
  EXPECT_TRUE(OfType<StateRequest>(h.Drain()).empty());
  EXPECT_EQ(h.node().counters().user.states_unchanged, 1u);
}

TEST(AppStateTest, HostileOffersAreRefusedAndFetchesBounded) {
  Config config = TestConfig("me");
  config.max_app_state_bytes = 1000;
  Harness h(config);
  std::vector<std::string> names;
  names.reserve(10);
  for (int i = 0; i < 10; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  h.Drain();
  const UserCounters& c = h.node().counters().user;
  h.Deliver("stranger", StateOffer{1, 10, false, false});  // unknown
  h.Deliver("m0", StateOffer{1, 1001, false, false});      // over the limit
  h.Deliver("m0", StateOffer{1, 0, false, false});         // empty
  EXPECT_EQ(c.states_refused, 3u);
  EXPECT_TRUE(OfType<StateRequest>(h.Drain()).empty());
  for (const std::string& name : names) {
    h.Deliver(name, StateOffer{1, 10, false, false});
  }
  EXPECT_EQ(OfType<StateRequest>(h.Drain()).size(), AppState::kMaxFetches);
  EXPECT_EQ(c.states_refused, 3u + names.size() - AppState::kMaxFetches);
  // Silent sources: asked again, then given up on.
  h.Advance(absl::Seconds(10));
  EXPECT_EQ(c.state_fetches_failed, AppState::kMaxFetches);
  EXPECT_EQ(h.node().state_sizes().state_fetches, 0u);
}

TEST(AppStateTest, NoOffersToVersionOnePeers) {
  Config config = TestConfig("me");
  config.protocol_version_max = 1;
  Harness h(config);
  h.Meet({"a"});
  ASSERT_TRUE(h.node().SetLocalState(h.now(), "x").ok());
  h.Deliver("a", Sync{true, 0});
  EXPECT_TRUE(OfType<StateOffer>(h.Drain()).empty());
  EXPECT_EQ(h.node().counters().user.states_offered, 0u);
}

}  // namespace
}  // namespace swim
