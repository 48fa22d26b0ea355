// Protocol version negotiation at the Node level (swim/protocol_peers.h):
// a version 1 peer gets version 1 bytes (and, once, an announcement it
// drops), a version 2 peer gets version 2, a peer whose range shares no
// version is not spoken to, and a version 1 node ignores what a version 2
// node sends it, counted.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/config.h"
#include "swim/drop_reason.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/prng.h"
#include "swim/protocol_version.h"
#include "tests/testing/fake_network.h"

namespace swim {
namespace {

using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;

const absl::Time kStart = absl::UnixEpoch() + absl::Hours(1);

// One datagram a node sent, opened and decoded in its version.
struct Out {
  std::string to;
  uint8_t version = 0;
  Packet packet;
  std::string datagram;
};

class Peer {
 public:
  Peer() : keyring_(Keyring::Create("test", {TestConfig("x").keys[0]})) {}

  // `packet` from `from`, in `framing`, sealed as a peer would.
  std::string Seal(const Packet& packet, Framing framing) {
    EnvelopeOptions options;
    options.version = framing.version;
    std::string datagram;
    EXPECT_TRUE(SealDatagram(*keyring_, options,
                             EncodePacket(packet, framing).value(), rng_,
                             &datagram)
                    .ok());
    return datagram;
  }

  std::vector<Out> Drain(Node& node) {
    std::vector<Out> out;
    EnvelopeOptions options;
    options.accepted = {1, kNewestProtocolVersion};
    while (std::optional<Transmit> t = node.PollTransmit()) {
      absl::StatusOr<std::string> body =
          OpenDatagram(*keyring_, options, t->datagram);
      EXPECT_TRUE(body.ok()) << body.status();
      if (!body.ok()) continue;
      const auto version = static_cast<uint8_t>(t->datagram[0]);
      absl::StatusOr<Packet> packet = DecodePacket(*body, 65507, version);
      EXPECT_TRUE(packet.ok()) << packet.status();
      if (!packet.ok()) continue;
      out.push_back(Out{t->to_address, version, *packet, t->datagram});
    }
    return out;
  }

 private:
  absl::StatusOr<Keyring> keyring_;
  Prng rng_{5};
};

Packet PingFrom(const std::string& sender, uint32_t seq) {
  Packet packet;
  packet.sender = sender;
  packet.message = Ping{seq, "me"};
  return packet;
}

std::unique_ptr<Node> MakeNode(int min, int max) {
  Config config = TestConfig("me");
  config.protocol_version_min = min;
  config.protocol_version_max = max;
  // Replies to unvalidated addresses go without announcements (3x), and
  // these tests are about the versions.
  config.testing.trust_all_addresses = true;
  return Node::Create(config, kStart).value();
}

TEST(ProtocolVersionsTest, AVersion1PeerGetsVersion1BytesAndOneAnnouncement) {
  Peer peer;
  std::unique_ptr<Node> v2 = MakeNode(1, 2);
  std::unique_ptr<Node> v1 = MakeNode(1, 1);
  const std::string ping = peer.Seal(PingFrom("p1", 4), Framing{});
  v2->HandleDatagram(kStart, TestAddress("p1"), ping);
  v1->HandleDatagram(kStart, TestAddress("p1"), ping);
  const std::vector<Out> from_v2 = peer.Drain(*v2);
  const std::vector<Out> from_v1 = peer.Drain(*v1);
  ASSERT_EQ(from_v1.size(), 1u);
  ASSERT_EQ(from_v2.size(), 2u);
  // The ack: version 1, byte for byte what a version 1 node sends.
  EXPECT_EQ(from_v2[0].version, 1);
  EXPECT_EQ(from_v2[0].datagram, from_v1[0].datagram);
  EXPECT_EQ(std::get<Ack>(from_v2[0].packet.message).seq, 4u);
  // Then the announcement: version 2, our Alive with our range.
  EXPECT_EQ(from_v2[1].version, 2);
  EXPECT_EQ(from_v2[1].to, TestAddress("p1"));
  ASSERT_TRUE(std::holds_alternative<Gossip>(from_v2[1].packet.message));
  ASSERT_EQ(from_v2[1].packet.updates.size(), 1u);
  const Alive& alive = std::get<Alive>(from_v2[1].packet.updates[0]);
  EXPECT_EQ(alive.member, "me");
  EXPECT_EQ(alive.protocol, (ProtocolRange{1, 2}));
  EXPECT_EQ(v2->counters().versions.announcements, 1u);

  // A version 1 node drops the announcement, counted, and nothing else.
  const size_t members = v1->members().size();
  v1->HandleDatagram(kStart, TestAddress("x"), from_v2[1].datagram);
  EXPECT_EQ(v1->counters().drops[static_cast<size_t>(DropReason::kBadVersion)],
            1u);
  EXPECT_EQ(v1->members().size(), members);
  EXPECT_TRUE(peer.Drain(*v1).empty());

  // No announcement with the next datagrams (until the 64th).
  for (uint32_t seq = 5; seq < 20; ++seq) {
    v2->HandleDatagram(kStart, TestAddress("p1"),
                       peer.Seal(PingFrom("p1", seq), Framing{}));
  }
  for (const Out& out : peer.Drain(*v2)) EXPECT_EQ(out.version, 1);
  EXPECT_EQ(v2->counters().versions.announcements, 1u);
}

TEST(ProtocolVersionsTest, AVersion2PeerGetsVersion2) {
  Peer peer;
  std::unique_ptr<Node> node = MakeNode(1, 2);
  node->HandleDatagram(kStart, TestAddress("p2"),
                       peer.Seal(PingFrom("p2", 1), Framing{2, {1, 2}}));
  const std::vector<Out> out = peer.Drain(*node);
  ASSERT_EQ(out.size(), 1u);  // no announcement: it knows our range now
  EXPECT_EQ(out[0].version, 2);
  EXPECT_EQ(std::get<Ack>(out[0].packet.message).seq, 1u);
  EXPECT_EQ(node->counters().versions.announcements, 0u);

  // A peer speaking 1..3 gets 2, the highest both speak.
  node->HandleDatagram(kStart, TestAddress("p3"),
                       peer.Seal(PingFrom("p3", 2), Framing{2, {1, 3}}));
  const std::vector<Out> to_p3 = peer.Drain(*node);
  ASSERT_EQ(to_p3.size(), 1u);
  EXPECT_EQ(to_p3[0].version, 2);
}

TEST(ProtocolVersionsTest, ARangeLearnedByGossipIsUsedForTheFirstContact) {
  Peer peer;
  std::unique_ptr<Node> node = MakeNode(1, 2);
  Packet gossip;
  gossip.sender = "p2";
  gossip.message = Gossip{};
  Alive p4;
  p4.member = "p4";
  p4.address = TestAddress("p4");
  p4.protocol = {1, 2};
  gossip.updates.push_back(p4);
  node->HandleDatagram(kStart, TestAddress("p2"),
                       peer.Seal(gossip, Framing{2, {1, 2}}));
  peer.Drain(*node);
  // Probe p4: its first ping is already version 2.
  for (int i = 0; i < 10; ++i) {
    node->Tick(kStart + absl::Seconds(i));
    for (const Out& out : peer.Drain(*node)) {
      if (out.to == TestAddress("p4")) {
        EXPECT_EQ(out.version, 2);
      }
    }
  }
  EXPECT_EQ(node->counters().versions.announcements, 0u);
}

TEST(ProtocolVersionsTest, NoCommonVersionMeansNotSpokenToAndCounted) {
  Peer peer;
  // A version 2 only node knows p1 speaks only 1.
  std::unique_ptr<Node> node = MakeNode(2, 2);
  Alive p1;
  p1.member = "p1";
  p1.address = TestAddress("p1");
  p1.protocol = {1, 1};
  ASSERT_TRUE(node->AddKnownMembers(kStart, {p1}).ok());
  peer.Drain(*node);
  for (int i = 1; i <= 5; ++i) node->Tick(kStart + absl::Seconds(i));
  for (const Out& out : peer.Drain(*node)) {
    EXPECT_NE(out.to, TestAddress("p1")) << "spoke to p1 in " << out.version;
  }
  EXPECT_GT(node->counters().versions.no_overlap, 0u);
  // And it does not read what p1 sends.
  node->HandleDatagram(kStart, TestAddress("p1"),
                       peer.Seal(PingFrom("p1", 3), Framing{}));
  EXPECT_EQ(
      node->counters().drops[static_cast<size_t>(DropReason::kBadVersion)], 1u);
  EXPECT_TRUE(peer.Drain(*node).empty());

  // A gossiped range from a later era ({3, 4}) is refused the same way.
  std::unique_ptr<Node> v12 = MakeNode(1, 2);
  Alive p9 = p1;
  p9.member = "p9";
  p9.address = TestAddress("p9");
  p9.protocol = {3, 4};
  ASSERT_TRUE(v12->AddKnownMembers(kStart, {p9}).ok());
  for (int i = 1; i <= 5; ++i) v12->Tick(kStart + absl::Seconds(i));
  for (const Out& out : peer.Drain(*v12)) {
    EXPECT_NE(out.to, TestAddress("p9"));
  }
  EXPECT_GT(v12->counters().versions.no_overlap, 0u);
}

TEST(ProtocolVersionsTest, AVersion2OnlyNodeTalksVersion2ToUnknownPeers) {
  Peer peer;
  Config config = TestConfig("me", {TestAddress("seed")});
  config.protocol_version_min = 2;
  config.protocol_version_max = 2;
  std::unique_ptr<Node> node = Node::Create(config, kStart).value();
  const std::vector<Out> out = peer.Drain(*node);  // its join sync
  ASSERT_FALSE(out.empty());
  for (const Out& o : out) EXPECT_EQ(o.version, 2);
  EXPECT_EQ(node->counters().versions.announcements, 0u);
}

TEST(ProtocolVersionsTest, UnknownTypesInVersion2AreSkippedNotFatal) {
  std::unique_ptr<Node> node = MakeNode(1, 2);
  // A Ping carrying an Alive of p5, whose type byte then becomes one of a
  // later version: the message is skipped, the Alive still applied.
  Packet packet = PingFrom("p2", 1);
  Alive p5;
  p5.member = "p5";
  p5.address = TestAddress("p5");
  packet.updates.push_back(p5);
  std::string body = EncodePacket(packet, Framing{2, {1, 3}}).value();
  body[0] = 0x70;
  EnvelopeOptions options;
  options.version = 2;
  std::string datagram;
  Prng rng(9);
  const Keyring keyring =
      Keyring::Create("test", {TestConfig("x").keys[0]}).value();
  ASSERT_TRUE(SealDatagram(keyring, options, body, rng, &datagram).ok());
  node->HandleDatagram(kStart, TestAddress("p2"), datagram);
  EXPECT_EQ(node->counters().versions.messages_skipped, 1u);
  EXPECT_TRUE(node->members().Find("p5").has_value());
  uint64_t drops = 0;
  for (uint64_t d : node->counters().drops) drops += d;
  EXPECT_EQ(drops, 0u);
}

TEST(ProtocolVersionsTest, ARolledBackPeerIsTalkedToInVersion1Again) {
  Peer peer;
  std::unique_ptr<Node> node = MakeNode(1, 2);
  node->HandleDatagram(kStart, TestAddress("p2"),
                       peer.Seal(PingFrom("p2", 1), Framing{2, {1, 2}}));
  ASSERT_EQ(peer.Drain(*node).at(0).version, 2);
  // A few version 1 datagrams (sent before it learned ours) change nothing.
  for (uint32_t seq = 2; seq < 9; ++seq) {
    node->HandleDatagram(kStart, TestAddress("p2"),
                         peer.Seal(PingFrom("p2", seq), Framing{}));
  }
  for (const Out& out : peer.Drain(*node)) EXPECT_EQ(out.version, 2);
  // The eighth in a row: it speaks only 1 now.
  node->HandleDatagram(kStart, TestAddress("p2"),
                       peer.Seal(PingFrom("p2", 9), Framing{}));
  const std::vector<Out> out = peer.Drain(*node);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].version, 1);
  EXPECT_EQ(out[1].version, 2);  // an announcement, in case it upgrades
}

TEST(ProtocolVersionsTest, ConfigRejectsRangesThisBuildDoesNotSpeak) {
  Config config = TestConfig("me");
  config.protocol_version_min = 0;
  EXPECT_FALSE(config.Validate().ok());
  config.protocol_version_min = 2;
  config.protocol_version_max = 1;
  EXPECT_FALSE(config.Validate().ok());
  config.protocol_version_max = kNewestProtocolVersion + 1;
  EXPECT_FALSE(config.Validate().ok());
  config.protocol_version_max = 2;
  EXPECT_TRUE(config.Validate().ok());
}

}  // namespace
}  // namespace swim
