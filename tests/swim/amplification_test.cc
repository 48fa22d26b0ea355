// No amplification: replies to unvalidated sources stay within 3x the
// request, large ones wait for a challenge's ack, replays are refused.
#include <algorithm>
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/counters.h"
#include "swim/deferred_requests.h"
#include "swim/drop_reason.h"
#include "swim/message.h"
#include "swim/node.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::Harness;
using ::swim::testing::OfType;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;

constexpr char kSpoofed[] = "198.51.100.99:53";

constexpr Framing kV2{2, {1, 2}};

// A node enforcing the rules, knowing `n` members (learnt as news, so that
// its packets have gossip to carry) and a large metadata map of its own.
Harness Strict(int n, int protocol_version_max = 1) {
  Config config = TestConfig("me");
  config.protocol_version_max = protocol_version_max;
  config.metadata["blob"] = std::string(20000, 'x');
  Harness h(config, /*trust_addresses=*/false);
  // Ten at a time: each Gossip datagram must fit the limit.
  for (int first = 0; first < n; first += 10) {
    std::vector<Update> alives;
    alives.reserve(10);
    for (int i = first; i < std::min(first + 10, n); ++i) {
      alives.push_back(Harness::AliveOf(absl::StrCat("m", i), 0));
    }
    h.Deliver("m0", Gossip{}, alives);
  }
  h.Drain();
  return h;
}

Packet PacketOf(absl::string_view sender, Message message) {
  Packet packet;
  packet.sender = std::string(sender);
  packet.message = std::move(message);
  return packet;
}

uint64_t Drops(Harness& h, DropReason reason) {
  return h.node().counters().drops[static_cast<size_t>(reason)];
}

uint64_t Stamp(Harness& h) { return absl::ToUnixMicros(h.now()); }

TEST(AmplificationTest, EachRequestFromAnUnvalidatedSourceGetsAtMost3x) {
  Harness h = Strict(200);
  const uint64_t stamp = Stamp(h);
  std::vector<Message> requests = {
      Sync{true, stamp},
      SyncDigest{true, std::vector<uint64_t>(16, 1), stamp + 1},
      MetaRequest{"me", h.node().members().local().metadata_version, 0,
                  stamp + 2},
      Ping{7, "me"},
      PingReq{8, "m1", TestAddress("m1")},
  };
  for (size_t i = 0; i < requests.size(); ++i) {
    SCOPED_TRACE(i);
    // A source of its own each, so that each gets its challenge.
    const std::string source = absl::StrCat("198.51.100.", i + 1, ":53");
    const std::string datagram = h.Seal(PacketOf("a", requests[i]));
    h.node().HandleDatagram(h.now(), source, datagram);
    h.Advance(absl::Seconds(1));  // a relay's nack included
    size_t to_them = 0;
    for (const Sent& s : h.Drain()) {
      if (s.to == source || s.to == TestAddress("m1")) to_them += s.bytes;
    }
    EXPECT_GT(to_them, 0u);
    EXPECT_LE(to_them, 3 * datagram.size());
  }
  EXPECT_EQ(h.node().counters().deferred_released, 0u);
}

TEST(AmplificationTest, ALargeReplyWaitsForTheChallengeAndThenGoesWhole) {
  Harness h = Strict(200);
  h.Deliver("a", Sync{true, Stamp(h)});
  std::vector<Sent> sent = h.Drain();
  // Only the challenge: a ping naming the requester.
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, TestAddress("a"));
  const Ping* challenge = std::get_if<Ping>(&sent[0].packet.message);
  ASSERT_NE(challenge, nullptr);
  EXPECT_EQ(challenge->target, "a");
  EXPECT_EQ(h.node().counters().replies_deferred, 1u);

  // An ack from elsewhere validates nothing.
  h.node().HandleDatagram(h.now(), kSpoofed,
                          h.Seal(PacketOf("a", Ack{challenge->seq})));
  EXPECT_TRUE(OfType<Sync>(h.Drain()).empty());

  h.Deliver("a", Ack{challenge->seq});
  sent = OfType<Sync>(h.Drain());
  size_t members = 0;
  for (const Sent& s : sent) members += s.packet.updates.size();
  EXPECT_EQ(members, h.node().members().size());
  EXPECT_EQ(h.node().counters().deferred_released, 1u);
  EXPECT_EQ(h.node().counters().addresses_validated, 1u);

  // Validated now: the next request is answered at once, in full.
  h.Advance(absl::Milliseconds(10));
  h.Deliver("a", MetaRequest{"me", h.node().members().local().metadata_version,
                             0, Stamp(h)});
  EXPECT_GE(OfType<MetaChunk>(h.Drain()).size(), 8u);
}

TEST(AmplificationTest, AReplayedRequestIsRefusedAndCounted) {
  Harness h = Strict(50, 2);
  const std::string datagram =
      h.Seal(PacketOf("a", SyncDigest{true, {1, 2, 3, 4}, Stamp(h)}), kV2);
  h.node().HandleDatagram(h.now(), TestAddress("a"), datagram);
  EXPECT_FALSE(h.Drain().empty());  // the challenge
  for (int i = 0; i < 5; ++i) {
    h.Advance(absl::Milliseconds(100));
    h.node().HandleDatagram(h.now(), kSpoofed, datagram);
    h.node().HandleDatagram(h.now(), TestAddress("a"), datagram);
  }
  // Nothing answers a replay (the node's own probes go on meanwhile).
  const std::vector<Sent> sent = h.Drain();
  for (const Sent& s : sent) {
    EXPECT_NE(s.to, kSpoofed);
    if (s.to == TestAddress("a")) {
      EXPECT_FALSE(std::holds_alternative<Sync>(s.packet.message));
      EXPECT_FALSE(std::holds_alternative<SyncDigest>(s.packet.message));
    }
  }
  EXPECT_EQ(Drops(h, DropReason::kReplayed), 10u);
  EXPECT_EQ(h.node().counters().replies_deferred, 1u);
}

TEST(AmplificationTest, RequestsWithoutAStampAreStaleAndClocksNeedNotAgree) {
  Harness h = Strict(10, 2);
  h.node().HandleDatagram(h.now(), TestAddress("a"),
                          h.Seal(PacketOf("a", Sync{true, 0}), kV2));
  EXPECT_EQ(Drops(h, DropReason::kStale), 1u);
  EXPECT_EQ(h.node().counters().replies_deferred, 0u);
  // Senders whose clocks are far off ours (another host's monotonic
  // clock, a drifting one) are heard.
  const uint64_t day = absl::ToInt64Microseconds(absl::Hours(24));
  h.node().HandleDatagram(
      h.now(), TestAddress("b"),
      h.Seal(PacketOf("b", Sync{true, Stamp(h) + day}), kV2));
  h.node().HandleDatagram(h.now(), TestAddress("c"),
                          h.Seal(PacketOf("c", Sync{true, 17}), kV2));
  EXPECT_EQ(Drops(h, DropReason::kStale), 1u);
  EXPECT_EQ(h.node().counters().replies_deferred, 2u);
}

// Version 1 has no stamps (nodes before them): its requests are answered
// without replay protection, counted, and still held to 3x.
TEST(AmplificationTest, Version1RequestsAreUnstampedButStillHeldTo3x) {
  Harness h = Strict(50);
  const std::string datagram =
      h.Seal(PacketOf("a", SyncDigest{true, {1, 2, 3, 4}, Stamp(h)}));
  for (int i = 0; i < 3; ++i) {
    h.node().HandleDatagram(h.now(), kSpoofed, datagram);
  }
  EXPECT_EQ(Drops(h, DropReason::kReplayed), 0u);
  EXPECT_EQ(h.node().counters().requests_unstamped, 3u);
  for (const Sent& s : h.Drain()) {
    if (s.to != kSpoofed) continue;
    EXPECT_LE(s.bytes, 3 * datagram.size());
    EXPECT_FALSE(std::holds_alternative<Sync>(s.packet.message));
  }
}

TEST(AmplificationTest, ALostChallengeIsSentAgainOnTheNextRequest) {
  Harness h = Strict(10);
  h.Deliver("a", SyncDigest{true, std::vector<uint64_t>(16, 1), Stamp(h)});
  std::vector<Sent> sent = h.Drain();  // the challenge, lost
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_NE(std::get_if<Ping>(&sent[0].packet.message), nullptr);

  // Long after the request expired unanswered, the requester asks again:
  // a new challenge goes, and its ack releases the answer.
  h.Advance(kDeferredRequestLifetime + absl::Seconds(1));
  h.Drain();
  h.Deliver("a", SyncDigest{true, std::vector<uint64_t>(16, 1), Stamp(h)});
  sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  const Ping* challenge = std::get_if<Ping>(&sent[0].packet.message);
  ASSERT_NE(challenge, nullptr);
  EXPECT_EQ(challenge->target, "a");
  h.Deliver("a", Ack{challenge->seq});
  EXPECT_FALSE(OfType<Sync>(h.Drain()).empty());
  EXPECT_EQ(h.node().counters().deferred_expired, 1u);
  EXPECT_EQ(h.node().counters().deferred_released, 1u);
}

TEST(AmplificationTest, DeferredRequestsAreBoundedAndExpire) {
  Harness h = Strict(10);
  const uint64_t stamp = Stamp(h);
  for (size_t i = 0; i < kMaxDeferredRequests + 44; ++i) {
    h.node().HandleDatagram(
        h.now(), absl::StrCat("192.0.2.", i % 250, ":", 1000 + i),
        h.Seal(PacketOf(absl::StrCat("s", i), Sync{true, stamp})));
  }
  EXPECT_EQ(h.node().counters().replies_deferred, kMaxDeferredRequests + 44);
  EXPECT_EQ(h.node().counters().deferred_dropped, 44u);
  // One address: at most kMaxDeferredPerAddress wait (each of the first
  // ones also pushes out the oldest of the full table).
  for (uint64_t i = 0; i < kMaxDeferredPerAddress + 2; ++i) {
    h.Deliver("a", MetaRequest{"me", 1, 0, stamp + i});
  }
  EXPECT_EQ(h.node().counters().deferred_dropped,
            44u + kMaxDeferredPerAddress + 2);
  h.Drain();
  h.Advance(kDeferredRequestLifetime + absl::Seconds(1));
  EXPECT_EQ(h.node().counters().deferred_expired, kMaxDeferredRequests);
}

}  // namespace
}  // namespace swim
