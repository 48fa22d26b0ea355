// swim::Node's keys at runtime: AddKey, UseKey, RemoveKey and key_ids, and
// what a rotation does to the datagrams a node opens and seals.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/prng.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::Harness;
using ::swim::testing::kKey;
using ::swim::testing::TestAddress;
using ::testing::ElementsAre;

// The harness's node starts with key A (kKey); B is the key rotated to.
const std::string kKeyA = kKey;
const std::string kKeyB = "the next cluster key, rotated in";

Keyring RingOf(const std::string& key) {
  return Keyring::Create("test", {key}).value();
}

uint64_t Drops(const Node& node, DropReason reason) {
  return node.counters().drops[static_cast<size_t>(reason)];
}

// Delivers a ping from "a" sealed with `ring` and returns the key id the
// node's ack is sealed with, or nullopt if it sent nothing. The ack must
// open with `ring` too when the node's primary is that ring's key.
std::optional<KeyId> AckKeyId(Harness& h, const Keyring& ring, uint32_t seq) {
  Packet packet;
  packet.sender = "a";
  packet.message = Ping{seq, "me"};
  packet.updates.push_back(Harness::AliveOf("a", 0));
  Prng rng(seq);
  std::string datagram;
  EXPECT_TRUE(SealDatagram(ring, EnvelopeOptions(),
                           EncodePacket(packet).value(), rng, &datagram)
                  .ok());
  h.node().HandleDatagram(h.now(), TestAddress("a"), datagram);
  std::optional<KeyId> ack_key;
  while (std::optional<Transmit> t = h.node().PollTransmit()) {
    absl::StatusOr<EnvelopeHeader> header =
        ParseEnvelopeHeader(EnvelopeOptions(), t->datagram);
    EXPECT_TRUE(header.ok()) << header.status();
    absl::StatusOr<std::string> body =
        OpenDatagram(RingOf(header->key_id == KeyIdOf(kKeyA) ? kKeyA : kKeyB),
                     EnvelopeOptions(), t->datagram);
    EXPECT_TRUE(body.ok()) << body.status();
    absl::StatusOr<Packet> reply = DecodePacket(*body);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (std::holds_alternative<Ack>(reply->message) &&
        std::get<Ack>(reply->message).seq == seq) {
      ack_key = header->key_id;
    }
  }
  return ack_key;
}

TEST(NodeKeysTest, AddUseRemoveRotatesWhatTheNodeOpensAndSeals) {
  Harness h;
  const Keyring ring_a = RingOf(kKeyA);
  const Keyring ring_b = RingOf(kKeyB);
  const KeyId a = KeyIdOf(kKeyA);
  const KeyId b = KeyIdOf(kKeyB);
  EXPECT_THAT(h.node().key_ids(), ElementsAre(a));
  EXPECT_FALSE(AckKeyId(h, ring_b, 1).has_value());  // B not held yet
  EXPECT_EQ(Drops(h.node(), DropReason::kUnknownKey), 1u);

  // Added: both open; the node still seals with A.
  absl::StatusOr<KeyId> added = h.node().AddKey(kKeyB);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(*added, b);
  EXPECT_THAT(h.node().key_ids(), ElementsAre(a, b));
  EXPECT_EQ(AckKeyId(h, ring_a, 2), a);
  EXPECT_EQ(AckKeyId(h, ring_b, 3), a);

  // Used: both still open; the node seals with B.
  ASSERT_TRUE(h.node().UseKey(b).ok());
  EXPECT_THAT(h.node().key_ids(), ElementsAre(b, a));
  EXPECT_EQ(AckKeyId(h, ring_a, 4), b);
  EXPECT_EQ(AckKeyId(h, ring_b, 5), b);

  // Removed: a datagram sealed with A is dropped as an authentication
  // failure (its key id is no longer held) and nothing in it is acted on.
  ASSERT_TRUE(h.node().RemoveKey(a).ok());
  EXPECT_THAT(h.node().key_ids(), ElementsAre(b));
  EXPECT_FALSE(AckKeyId(h, ring_a, 6).has_value());
  EXPECT_EQ(Drops(h.node(), DropReason::kUnknownKey), 2u);
  EXPECT_EQ(AckKeyId(h, ring_b, 7), b);
  EXPECT_EQ(Drops(h.node(), DropReason::kAuthFailed), 0u);
}

TEST(NodeKeysTest, BadRequestsFailClearlyAndChangeNothing) {
  Harness h;
  const KeyId a = KeyIdOf(kKeyA);
  const KeyId b = KeyIdOf(kKeyB);

  EXPECT_EQ(h.node().AddKey("too short").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(h.node().AddKey(kKeyA).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(h.node().UseKey(b).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(h.node().RemoveKey(b).code(), absl::StatusCode::kNotFound);
  // The only key is the primary and the last.
  absl::Status last = h.node().RemoveKey(a);
  EXPECT_EQ(last.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(last.message()), ::testing::HasSubstr("last key"));
  EXPECT_THAT(h.node().key_ids(), ElementsAre(a));

  ASSERT_TRUE(h.node().AddKey(kKeyB).ok());
  absl::Status primary = h.node().RemoveKey(a);
  EXPECT_EQ(primary.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(primary.message()), ::testing::HasSubstr("primary"));
  EXPECT_THAT(h.node().key_ids(), ElementsAre(a, b));
  // Using the primary again is a no-op, not an error.
  EXPECT_TRUE(h.node().UseKey(a).ok());
  EXPECT_THAT(h.node().key_ids(), ElementsAre(a, b));
}

}  // namespace
}  // namespace swim
