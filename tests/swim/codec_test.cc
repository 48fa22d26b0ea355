#include "swim/codec.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "swim/drop_reason.h"
#include "swim/message.h"
#include "swim/packet_view.h"

namespace swim {
namespace {

using ::testing::HasSubstr;

Packet MakePacket(Message message, std::vector<Update> updates = {}) {
  Packet packet;
  packet.sender = "a";
  packet.message = std::move(message);
  packet.updates = std::move(updates);
  return packet;
}

Alive MakeAlive(std::string member, uint64_t incarnation) {
  Alive alive;
  alive.member = std::move(member);
  alive.address = "10.0.0.1:7946";
  alive.incarnation = incarnation;
  return alive;
}

std::string Encode(const Packet& packet) {
  absl::StatusOr<std::string> body = EncodePacket(packet);
  EXPECT_TRUE(body.ok()) << body.status();
  return body.ok() ? *body : std::string();
}

std::string Hex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

std::string Unhex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

DropReason ReasonFor(absl::string_view body, size_t max_body_bytes = 1400) {
  absl::StatusOr<Packet> packet = DecodePacket(body, max_body_bytes);
  EXPECT_FALSE(packet.ok()) << "decoded: " << Hex(body);
  return packet.ok() ? DropReason::kCount : DropReasonOf(packet.status());
}

// One example of every message and update type with its exact encoding.
// These bytes are the wire format: if one changes, old nodes cannot talk to
// new ones, so a change here must come with a new version (wire_format.md).
struct Golden {
  const char* name;
  Packet packet;
  const char* hex;
};

std::vector<Golden> Goldens() {
  Alive with_metadata = MakeAlive("c", 7);
  with_metadata.metadata_version = 2;
  with_metadata.metadata = Metadata{{"k", "v"}, {"name", "one"}};
  with_metadata.metadata_size = 14;
  Alive large_metadata = MakeAlive("c", 300);
  large_metadata.metadata_version = 9;
  large_metadata.metadata_size = 70000;
  MetaChunk chunk;
  chunk.member = "c";
  chunk.version = 9;
  chunk.total_size = 70000;
  chunk.offset = 1200;
  chunk.data = "xyz";
  MetaRequest request;
  request.member = "c";
  request.version = 9;
  request.offset = 1200;
  Sync sync;
  sync.reply_wanted = true;
  SyncDigest digest;
  digest.reply_wanted = true;
  digest.buckets = {1, 0x0102030405060708};
  return {
      {"ping", MakePacket(Ping{5, "b"}), "01016105016200"},
      {"ack", MakePacket(Ack{300}), "020161ac0200"},
      {"nack", MakePacket(Nack{0xffffffff}), "030161ffffffff0f00"},
      {"ping_req", MakePacket(PingReq{6, "b", "h:1"}),
       "04016106016203683a3100"},
      {"sync", MakePacket(sync), "0501610100"},
      {"sync_no_reply", MakePacket(Sync{}), "0501610000"},
      {"meta_request", MakePacket(request), "060161016309b00900"},
      {"meta_chunk", MakePacket(chunk), "070161016309f0a204b0090378797a00"},
      {"gossip", MakePacket(Gossip{}), "08016100"},
      {"sync_digest", MakePacket(digest),
       "09016101020100000000000000080706050403020100"},
      {"alive", MakePacket(Gossip{}, {large_metadata}),
       "08016101"
       "0101630d31302e302e302e313a37393436ac020900f0a204"},
      {"alive_inline_metadata", MakePacket(Gossip{}, {with_metadata}),
       "08016101"
       "0101630d31302e302e302e313a3739343607020"
       "10e02016b0176046e616d65036f6e65"},
      {"suspect", MakePacket(Gossip{}, {Suspect{"c", 8, "b"}}),
       "08016101"
       "020163080162"},
      {"offline", MakePacket(Gossip{}, {Offline{"c", 8, "b"}}),
       "08016101"
       "030163080162"},
      {"left", MakePacket(Gossip{}, {Left{"c", 8}}),
       "08016101"
       "04016308"},
  };
}

TEST(CodecTest, GoldenBytes) {
  for (const Golden& golden : Goldens()) {
    SCOPED_TRACE(golden.name);
    EXPECT_EQ(Hex(Encode(golden.packet)), golden.hex);
    absl::StatusOr<Packet> decoded = DecodePacket(Unhex(golden.hex));
    EXPECT_TRUE(decoded.ok()) << decoded.status();
    if (decoded.ok()) {
      EXPECT_EQ(*decoded, golden.packet);
    }
  }
}

TEST(PacketViewTest, BorrowsFromTheBodyAndMatchesTheOwnedDecode) {
  PacketView view;
  for (const Golden& golden : Goldens()) {
    SCOPED_TRACE(golden.name);
    const std::string body = Unhex(golden.hex);
    ASSERT_TRUE(DecodePacketView(body, &view).ok());
    EXPECT_EQ(ToPacket(view), golden.packet);
    EXPECT_GE(view.sender.data(), body.data());
    EXPECT_LE(view.sender.data() + view.sender.size(),
              body.data() + body.size());
  }
}

TEST(PacketViewTest, AReusedViewHoldsNoUpdatesAfterAnError) {
  PacketView view;
  ASSERT_TRUE(DecodePacketView(Unhex("08016101"
                                     "04016308"),
                               &view)
                  .ok());
  EXPECT_EQ(view.updates.size(), 1u);
  EXPECT_FALSE(DecodePacketView(Unhex("08016102"
                                      "04016308"
                                      "0401"),
                                &view)
                   .ok());
  EXPECT_TRUE(view.updates.empty());
  EXPECT_FALSE(DecodePacketView(Unhex("08016101"
                                      "04016308"
                                      "ff"),
                                &view)
                   .ok());
  EXPECT_TRUE(view.updates.empty());
}

TEST(CodecTest, RoundTripsEveryMessageWithEveryUpdate) {
  std::vector<Update> updates;
  for (const Golden& golden : Goldens()) {
    for (const Update& update : golden.packet.updates)
      updates.push_back(update);
  }
  ASSERT_EQ(updates.size(), 5u);
  for (const Golden& golden : Goldens()) {
    SCOPED_TRACE(golden.name);
    Packet packet = golden.packet;
    packet.sender = "node-with-a-longer-name:7946";
    packet.updates = updates;
    absl::StatusOr<Packet> decoded = DecodePacket(Encode(packet));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, packet);
  }
}

TEST(CodecTest, RoundTripsExtremeValues) {
  Alive alive = MakeAlive(std::string(kMaxNameBytes, 'm'), ~uint64_t{0});
  alive.address = std::string(kMaxNameBytes, 'h');
  alive.metadata_version = ~uint64_t{0};
  alive.metadata = Metadata{
      {std::string(kMaxMetadataKeyBytes, 'k'), std::string(1000, '\0')},
      {"", ""}};
  alive.metadata_size =
      static_cast<uint32_t>(EncodeMetadata(*alive.metadata)->size());
  Packet packet = MakePacket(Ping{0xffffffff, std::string(255, 't')}, {alive});
  packet.sender = std::string(kMaxNameBytes, 's');
  absl::StatusOr<Packet> decoded =
      DecodePacket(Encode(packet), kMaxDatagramBytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, packet);
}

TEST(CodecTest, EncoderRejectsFieldsOverTheirLimits) {
  EXPECT_FALSE(EncodePacket(MakePacket(Ping{1, ""})).ok());
  EXPECT_FALSE(EncodePacket(MakePacket(Ping{1, std::string(256, 'x')})).ok());
  Packet no_sender = MakePacket(Ack{1});
  no_sender.sender.clear();
  EXPECT_FALSE(EncodePacket(no_sender).ok());
  Alive huge = MakeAlive("c", 1);
  huge.metadata = Metadata{{"k", std::string(kMaxMetadataBytes, 'v')}};
  EXPECT_THAT(EncodePacket(MakePacket(Gossip{}, {huge})).status().message(),
              HasSubstr("metadata encodes to more than"));
  MetaChunk chunk;
  chunk.member = "c";
  chunk.total_size = 4;
  chunk.offset = 2;
  chunk.data = "xyz";
  EXPECT_FALSE(EncodePacket(MakePacket(chunk)).ok());
  EXPECT_EQ(EncodedSize(Suspect{"c", 1, ""}), 0u);
}

TEST(CodecTest, EveryTruncationIsRejected) {
  for (const Golden& golden : Goldens()) {
    SCOPED_TRACE(golden.name);
    const std::string body = Unhex(golden.hex);
    for (size_t length = 0; length < body.size(); ++length) {
      const DropReason reason = ReasonFor(body.substr(0, length));
      EXPECT_TRUE(reason == DropReason::kTruncated ||
                  reason == DropReason::kTooManyEntries)
          << length << ": " << DropReasonName(reason);
    }
  }
  EXPECT_EQ(ReasonFor(""), DropReason::kTruncated);
  EXPECT_EQ(ReasonFor(Unhex("0105")), DropReason::kTruncated);
}

TEST(CodecTest, OversizedBodyIsRejected) {
  const std::string body = Encode(MakePacket(Ping{1, std::string(200, 't')}));
  EXPECT_EQ(ReasonFor(body, body.size() - 1), DropReason::kOversized);
  EXPECT_TRUE(DecodePacket(body, body.size()).ok());
}

TEST(CodecTest, UnknownTypesAreRejected) {
  EXPECT_EQ(ReasonFor(Unhex("00016100")), DropReason::kUnknownType);
  EXPECT_EQ(ReasonFor(Unhex("0a016100")), DropReason::kUnknownType);
  EXPECT_EQ(ReasonFor(Unhex("ff016100")), DropReason::kUnknownType);
  // A Left update whose type byte is 5.
  EXPECT_EQ(ReasonFor(Unhex("08016101"
                            "05016308")),
            DropReason::kUnknownType);
}

TEST(CodecTest, LengthsOverTheirLimitAreRejected) {
  // A sender name of 256 bytes announced.
  EXPECT_EQ(ReasonFor(Unhex("08800200")), DropReason::kBadLength);
  // A ping target of 1000 bytes announced.
  EXPECT_EQ(ReasonFor(Unhex("01016105e807")), DropReason::kBadLength);
  // Alive with metadata_size 2^20 + 1, over kMaxMetadataBytes.
  EXPECT_EQ(ReasonFor(Unhex("08016101"
                            "01016300000000"
                            "818040")),
            DropReason::kBadLength);
  // MetaChunk total_size over the limit.
  EXPECT_EQ(ReasonFor(Unhex("070161016309818040000000")),
            DropReason::kBadLength);
  // MetaChunk data longer than total_size - offset.
  EXPECT_EQ(ReasonFor(Unhex("070161016309"
                            "0402"
                            "03787878"
                            "00")),
            DropReason::kBadLength);
}

TEST(CodecTest, TrailingBytesAreRejected) {
  // In version 1 nothing may follow the updates (version 2's broadcasts'
  // section is tested in user_broadcasts_test).
  EXPECT_EQ(ReasonFor(Unhex("08016100"
                            "00")),
            DropReason::kTrailingBytes);
  EXPECT_EQ(ReasonFor(Unhex("08016101"
                            "04016308"
                            "ff")),
            DropReason::kTrailingBytes);
  // Inline metadata with a byte after its last entry.
  EXPECT_EQ(ReasonFor(Unhex("08016101"
                            "01016300000001"
                            "04"
                            "010000ff")),
            DropReason::kTrailingBytes);
}

TEST(CodecTest, TooManyEntriesAreRejected) {
  // 200 updates announced in four bytes.
  EXPECT_EQ(ReasonFor(Unhex("080161c801"
                            "04016308")),
            DropReason::kTooManyEntries);
  // A count of 2^63 must not allocate.
  EXPECT_EQ(ReasonFor(Unhex("080161"
                            "80808080808080808001")),
            DropReason::kTooManyEntries);
  // Inline metadata announcing 100 entries in two bytes.
  EXPECT_EQ(ReasonFor(Unhex("08016101"
                            "01016300000001"
                            "03"
                            "640000")),
            DropReason::kTooManyEntries);
}

TEST(CodecTest, BadValuesAreRejected) {
  // An empty sender.
  EXPECT_EQ(ReasonFor(Unhex("080000")), DropReason::kBadValue);
  // A varint not in its shortest form (seq 5 as 0x85 0x00).
  EXPECT_EQ(ReasonFor(Unhex("020161"
                            "8500"
                            "00")),
            DropReason::kBadValue);
  // A varint over 64 bits.
  EXPECT_EQ(ReasonFor(Unhex("020161"
                            "ffffffffffffffffff7f"
                            "00")),
            DropReason::kBadValue);
  // A seq over 32 bits.
  EXPECT_EQ(ReasonFor(Unhex("020161"
                            "8080808010"
                            "00")),
            DropReason::kBadValue);
  // Unknown sync and alive flag bits.
  EXPECT_EQ(ReasonFor(Unhex("050161"
                            "02"
                            "00")),
            DropReason::kBadValue);
  EXPECT_EQ(ReasonFor(Unhex("08016101"
                            "01016300000002"
                            "00")),
            DropReason::kBadValue);
  // Metadata keys out of order ("b" then "a"), and duplicated.
  EXPECT_EQ(ReasonFor(Unhex("08016101"
                            "01016300000001"
                            "09"
                            "020162017801610179")),
            DropReason::kBadValue);
  EXPECT_EQ(ReasonFor(Unhex("08016101"
                            "01016300000001"
                            "09"
                            "020161017801610179")),
            DropReason::kBadValue);
  // A MetaChunk offset beyond its total_size.
  EXPECT_EQ(ReasonFor(Unhex("070161016309"
                            "0405"
                            "00"
                            "00")),
            DropReason::kBadValue);
}

TEST(CodecTest, MalformedDigestsAreRejected) {
  // No buckets, and more than kMaxDigestBuckets.
  EXPECT_EQ(ReasonFor(Unhex("090161"
                            "01"
                            "00"
                            "00")),
            DropReason::kTooManyEntries);
  EXPECT_EQ(ReasonFor(Unhex("090161"
                            "01"
                            "8101")),
            DropReason::kTooManyEntries);
  // Two buckets announced, one and a half present.
  EXPECT_EQ(ReasonFor(Unhex("090161"
                            "01"
                            "02"
                            "0100000000000000"
                            "08070605")),
            DropReason::kTruncated);
  // An unknown flag bit.
  EXPECT_EQ(ReasonFor(Unhex("090161"
                            "02"
                            "01"
                            "0100000000000000"
                            "00")),
            DropReason::kBadValue);
  // The encoder refuses what the decoder would.
  EXPECT_FALSE(EncodePacket(MakePacket(SyncDigest{})).ok());
  SyncDigest huge;
  huge.buckets.resize(kMaxDigestBuckets + 1);
  EXPECT_FALSE(EncodePacket(MakePacket(huge)).ok());
}

TEST(CodecTest, ErrorsNameWhatWasWrong) {
  absl::StatusOr<Packet> packet = DecodePacket(Unhex("01016105e807"));
  ASSERT_FALSE(packet.ok());
  EXPECT_EQ(packet.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(packet.status().message(),
              HasSubstr("bad_length: target: length 1000"));
}

TEST(MetadataCodecTest, RoundTripsAndIsCanonical) {
  const Metadata metadata = {{"b", "2"}, {"a", std::string("\0\1", 2)}};
  absl::StatusOr<std::string> bytes = EncodeMetadata(metadata);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(Hex(*bytes),
            "0201610200010162"
            "0132");
  absl::StatusOr<Metadata> decoded = DecodeMetadata(*bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, metadata);
  EXPECT_EQ(Hex(*EncodeMetadata(Metadata{})), "00");
}

TEST(MetadataCodecTest, SixtyFourKibValueRoundTrips) {
  const Metadata metadata = {{"blob", std::string(size_t{64} * 1024, 'z')}};
  absl::StatusOr<std::string> bytes = EncodeMetadata(metadata);
  ASSERT_TRUE(bytes.ok());
  absl::StatusOr<Metadata> decoded = DecodeMetadata(*bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, metadata);
}

TEST(MetadataCodecTest, RejectsOversizedAndMalformed) {
  EXPECT_FALSE(EncodeMetadata({{std::string(256, 'k'), "v"}}).ok());
  EXPECT_EQ(
      DropReasonOf(
          DecodeMetadata(std::string(kMaxMetadataBytes + 1, '\0')).status()),
      DropReason::kOversized);
  EXPECT_EQ(DropReasonOf(DecodeMetadata(Unhex("01")).status()),
            DropReason::kTooManyEntries);
  EXPECT_EQ(DropReasonOf(DecodeMetadata(Unhex("010161")).status()),
            DropReason::kTruncated);
}

}  // namespace
}  // namespace swim
