// The version 2 framing (swim/wire_format.md, "Version 2"): golden bytes,
// the sender's range, Alive's range, and items of unknown types skipped
// and counted without losing the rest of the datagram.
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/message.h"
#include "swim/packet_view.h"
#include "swim/prng.h"
#include "swim/protocol_version.h"
#include "tests/testing/packet_generator.h"

namespace swim {
namespace {

constexpr Framing kV2{2, {1, 2}};

Alive MakeAlive(std::string member, uint64_t incarnation) {
  Alive alive;
  alive.member = std::move(member);
  alive.address = "10.0.0.1:7946";
  alive.incarnation = incarnation;
  return alive;
}

Packet PingWithAlive(ProtocolRange advertised) {
  Packet packet;
  packet.sender = "a";
  packet.message = Ping{7, "b"};
  Alive alive = MakeAlive("c", 1);
  alive.protocol = advertised;
  packet.updates.push_back(alive);
  return packet;
}

std::string Hex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

std::string Unhex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

DropReason ReasonFor(absl::string_view body, uint8_t version = 2) {
  absl::StatusOr<Packet> packet = DecodePacket(body, 1400, version);
  EXPECT_FALSE(packet.ok()) << "decoded: " << Hex(body);
  return packet.ok() ? DropReason::kCount : DropReasonOf(packet.status());
}

// The golden: a Ping with an Alive, in both versions. Version 1 has no
// room for ranges (and its bytes are those of swim before versions);
// version 2 adds the sender's range, frames the message's fields and each
// update with their length, and ends Alive with the member's range.
TEST(CodecV2Test, GoldenBytesOfBothVersions) {
  const Packet packet = PingWithAlive({1, 2});
  absl::StatusOr<std::string> v1 = EncodePacket(packet);
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(Hex(*v1),
            "010161070162"                  // Ping a: seq 7, "b"
            "01"                            // one update
            "010163"                        // Alive c
            "0d31302e302e302e313a37393436"  // its address
            "01000000");                    // inc, mv, flags, size
  absl::StatusOr<std::string> v2 = EncodePacket(packet, kV2);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(Hex(*v2),
            "0101610102"                    // Ping a, speaks 1..2
            "03070162"                      // 3 bytes of fields
            "01"                            // one update
            "0116"                          // Alive, 22 bytes
            "0163"                          // c
            "0d31302e302e302e313a37393436"  // its address
            "01000000"                      // inc, mv, flags, size
            "0102");                        // c speaks 1..2

  absl::StatusOr<Packet> back = DecodePacket(*v2, 1400, 2);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, packet);
  PacketView view;
  ASSERT_TRUE(DecodePacketView(*v2, &view, 1400, 2).ok());
  EXPECT_EQ(view.version, 2);
  EXPECT_EQ(view.sender_protocol, (ProtocolRange{1, 2}));
  // Version 1 drops the range: it decodes as not advertised.
  absl::StatusOr<Packet> old = DecodePacket(*v1);
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(std::get<Alive>(old->updates[0]).protocol.known());
}

TEST(CodecV2Test, Version1BytesIgnoreTheRange) {
  EXPECT_EQ(EncodePacket(PingWithAlive({1, 2})).value(),
            EncodePacket(PingWithAlive({})).value());
}

// Request stamps (swim/replay_guard.h) end the fields of Sync,
// MetaRequest and SyncDigest in version 2 only: version 1 stays the
// format of nodes before stamps, and decodes with stamp 0.
TEST(CodecV2Test, RequestStampsOnlyInVersion2) {
  Packet packet;
  packet.sender = "a";
  Sync sync;
  sync.reply_wanted = true;
  sync.stamp = 300;
  packet.message = sync;
  EXPECT_EQ(Hex(EncodePacket(packet).value()), "0501610100");
  EXPECT_EQ(Hex(EncodePacket(packet, kV2).value()),
            "0501610102"  // Sync a, speaks 1..2
            "03"          // 3 bytes of fields
            "01ac02"      // reply wanted, stamp 300
            "00");
  MetaRequest request;
  request.member = "c";
  request.version = 9;
  request.offset = 1200;
  request.stamp = 0x7f;
  SyncDigest digest;
  digest.reply_wanted = true;
  digest.buckets = {1, 0x0102030405060708};
  digest.stamp = 1;
  for (const Message& message :
       {Message(sync), Message(request), Message(digest)}) {
    packet.message = message;
    absl::StatusOr<Packet> back =
        DecodePacket(EncodePacket(packet, kV2).value(), 1400, 2);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, packet);
    absl::StatusOr<Packet> old = DecodePacket(EncodePacket(packet).value());
    ASSERT_TRUE(old.ok()) << old.status();
    EXPECT_FALSE(*old == packet);  // the stamp is not in version 1
  }
  // Version 1 bytes with a stamp appended do not decode (what follows the
  // fields is read as the update count: 0xac, 2 bytes left).
  EXPECT_EQ(ReasonFor(Unhex("05016101ac0200"), 1), DropReason::kTooManyEntries);
}

TEST(CodecV2Test, RandomPacketsRoundTripInVersion2) {
  Prng prng(12);
  for (int i = 0; i < 500; ++i) {
    Packet packet = testing::RandomPacket(prng);
    for (Update& update : packet.updates) {
      if (Alive* alive = std::get_if<Alive>(&update); alive && i % 2 == 0) {
        alive->protocol = {1, static_cast<uint8_t>(1 + i % 5)};
      }
    }
    absl::StatusOr<std::string> body = EncodePacket(packet, kV2);
    ASSERT_TRUE(body.ok()) << body.status();
    absl::StatusOr<Packet> back = DecodePacket(*body, 65507, 2);
    ASSERT_TRUE(back.ok()) << back.status() << " " << Hex(*body);
    EXPECT_EQ(*back, packet);
    // Version 2 adds the fields' length (and Alive its two range bytes).
    for (const Update& update : packet.updates) {
      const size_t extra = std::holds_alternative<Alive>(update) ? 2 : 0;
      const size_t fields = EncodedSize(update, 1) - 1 + extra;
      const size_t length_bytes = fields < 128 ? 1 : fields < 16384 ? 2 : 3;
      EXPECT_EQ(EncodedSize(update, 2),
                EncodedSize(update, 1) + extra + length_bytes);
    }
  }
}

TEST(CodecV2Test, WriterKeepsToItsBudgetInVersion2) {
  Prng prng(3);
  for (size_t budget : {40u, 200u, 1366u}) {
    absl::StatusOr<PacketWriter> writer =
        PacketWriter::Start(budget, "sender", Ack{9}, kV2);
    ASSERT_TRUE(writer.ok());
    EXPECT_EQ(writer->version(), 2);
    for (int i = 0; i < 200; ++i) writer->Add(testing::TypicalUpdate(prng));
    const size_t count = writer->update_count();
    const std::string body = std::move(*writer).Finish();
    EXPECT_LE(body.size(), budget);
    absl::StatusOr<Packet> back = DecodePacket(body, 65507, 2);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->updates.size(), count);
  }
}

// A message type and an update type from a later version, between known
// updates: both skipped and counted, the rest used.
std::string BodyWithUnknownTypes() {
  return Unhex(
      "7f"
      "0161"
      "0103"  // message type 127 from a, speaks 1..3
      "03"
      "aabbcc"  // its 3 bytes, unknown here
      "03"      // three updates:
      "04"
      "03"
      "016305"  // Left c at 5
      "40"
      "02"
      "ffff"  // type 64, 2 bytes: unknown
      "04"
      "03"
      "016406");  // Left d at 6
}

TEST(CodecV2Test, UnknownTypesAreSkippedAndCounted) {
  const std::string body = BodyWithUnknownTypes();
  PacketView view;
  ASSERT_TRUE(DecodePacketView(body, &view, 1400, 2).ok());
  EXPECT_TRUE(std::holds_alternative<Gossip>(view.message));
  EXPECT_EQ(view.skipped_messages, 1u);
  EXPECT_EQ(view.skipped_updates, 1u);
  EXPECT_EQ(view.sender_protocol, (ProtocolRange{1, 3}));
  const Packet packet = ToPacket(view);
  EXPECT_EQ(packet.sender, "a");
  ASSERT_EQ(packet.updates.size(), 2u);
  EXPECT_EQ(std::get<Left>(packet.updates[0]), (Left{"c", 5}));
  EXPECT_EQ(std::get<Left>(packet.updates[1]), (Left{"d", 6}));

  // A known message with an unknown update after it: the message stands.
  const std::string ack = Unhex(
      "02"
      "0161"
      "0102"
      "01"
      "09"
      "01"
      "50"
      "00");
  ASSERT_TRUE(DecodePacketView(ack, &view, 1400, 2).ok());
  EXPECT_EQ(std::get<Ack>(view.message).seq, 9u);
  EXPECT_TRUE(view.updates.empty());
  EXPECT_EQ(view.skipped_updates, 1u);
  EXPECT_EQ(view.skipped_messages, 0u);
}

// Version 1 has no lengths to skip by: an unknown type drops it all.
TEST(CodecV2Test, Version1StillDropsUnknownTypes) {
  EXPECT_EQ(ReasonFor(Unhex("7f0161"), 1), DropReason::kUnknownType);
  EXPECT_EQ(ReasonFor(Unhex("02016109"
                            "01"
                            "40000000"),
                      1),
            DropReason::kUnknownType);
}

TEST(CodecV2Test, MalformedVersion2IsDroppedWithTheReason) {
  // A length past the end, of the message and of an update.
  EXPECT_EQ(ReasonFor(Unhex("02016101020509")), DropReason::kTruncated);
  EXPECT_EQ(ReasonFor(Unhex("02016101020109"
                            "01"
                            "0405016305")),
            DropReason::kTruncated);
  // Bytes left inside a known item (a Nack: in a Ping's or an Ack's, they
  // would be read as a coordinate).
  EXPECT_EQ(ReasonFor(Unhex("030161010202"
                            "0900"
                            "00")),
            DropReason::kTrailingBytes);
  EXPECT_EQ(ReasonFor(Unhex("0201610102"
                            "0109"
                            "01"
                            "0404016305ff")),
            DropReason::kTrailingBytes);
  // Ranges: the head's must be proper; Alive's proper or {0, 0}.
  EXPECT_EQ(ReasonFor(Unhex("02016102010109"
                            "00")),
            DropReason::kBadValue);
  EXPECT_EQ(ReasonFor(Unhex("02016100000109"
                            "00")),
            DropReason::kBadValue);
  Packet packet = PingWithAlive({});
  std::string body = EncodePacket(packet, kV2).value();
  body[body.size() - 2] = 3;  // min 3 > max 0
  EXPECT_EQ(ReasonFor(body), DropReason::kBadValue);
  body[body.size() - 1] = 4;  // {3, 4}: a range, fine
  EXPECT_TRUE(DecodePacket(body, 1400, 2).ok());
  // More updates announced than two bytes each could hold.
  EXPECT_EQ(ReasonFor(Unhex("02016101020109"
                            "05"
                            "0400")),
            DropReason::kTooManyEntries);
  // A version this build does not speak.
  EXPECT_EQ(ReasonFor(Unhex("020161010209"
                            "00"),
                      3),
            DropReason::kBadVersion);
}

TEST(CodecV2Test, WriterRefusesFramingsItCannotWrite) {
  EXPECT_FALSE(PacketWriter::Start(1400, "a", Ack{1}, Framing{3, {1, 3}}).ok());
  EXPECT_FALSE(PacketWriter::Start(1400, "a", Ack{1}, Framing{2, {}}).ok());
  EXPECT_FALSE(PacketWriter::Start(1400, "a", Ack{1}, Framing{2, {2, 1}}).ok());
  EXPECT_TRUE(PacketWriter::Start(1400, "a", Ack{1}, Framing{1, {}}).ok());
}

// The application state exchange (swim/app_state.h): types 11 to 13, in
// version 2 only.
TEST(CodecV2Test, StateExchangeMessagesAreVersion2s) {
  Packet packet;
  packet.sender = "a";
  packet.message = StateOffer{300, 5000, true, true};
  EXPECT_EQ(Hex(EncodePacket(packet, kV2).value()),
            "0b01610102"  // StateOffer a, speaks 1..2
            "05"          // 5 bytes of fields
            "ac02"        // version 300
            "8827"        // size 5000
            "03"          // reply wanted, join
            "00");
  for (const Message& message :
       {Message(StateOffer{1, 2, false, true}),
        Message(StateRequest{9, 1200, 77}),
        Message(StateChunk{9, 5000, 1200, std::string(300, 's')})}) {
    packet.message = message;
    absl::StatusOr<Packet> back =
        DecodePacket(EncodePacket(packet, kV2).value(), 1400, 2);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, packet);
    EXPECT_FALSE(EncodePacket(packet).ok());  // no such thing in version 1
  }
  // Over the hard limit, inconsistent, unknown flags; version 1 has no
  // type 11.
  packet.message = StateOffer{1, kMaxAppStateBytes + 1, false, false};
  EXPECT_FALSE(EncodePacket(packet, kV2).ok());
  packet.message = StateChunk{1, 10, 8, "abc"};
  EXPECT_FALSE(EncodePacket(packet, kV2).ok());
  EXPECT_EQ(ReasonFor(Unhex("0b016101020601818080080000"), 2),
            DropReason::kBadLength);  // offer of 2^24 + 1 bytes
  EXPECT_EQ(ReasonFor(Unhex("0b01610102030102"
                            "0400"),
                      2),
            DropReason::kBadValue);  // offer flags 0x04
  EXPECT_EQ(ReasonFor(Unhex("0d01610102050105"
                            "0701"
                            "6100"),
                      2),
            DropReason::kBadValue);  // chunk offset 7 beyond total 5
  EXPECT_EQ(ReasonFor(Unhex("0b016101000100"), 1), DropReason::kUnknownType);
}

// Network coordinates (Config::coordinates) end the fields of Ping and Ack
// in version 2: a dimension count and eleven little-endian binary64s.
// Version 1 leaves them out, byte for byte the format before them.
TEST(CodecV2Test, CoordinatesOnPingAndAckInVersion2Only) {
  Coordinate c;
  c.vec[0] = 1.0;    // 0x3ff0000000000000
  c.height = 0.5;    // 0x3fe0000000000000
  c.adjustment = 0;  // zeros
  c.error = -2.0;    // 0xc000000000000000: the codec carries any value
  Packet packet;
  packet.sender = "a";
  Ack ack{7};
  ack.coordinate = c;
  packet.message = ack;
  EXPECT_EQ(Hex(EncodePacket(packet).value()), "0201610700");
  const std::string zero(16, '0');
  std::string expected =
      "0201610102"  // Ack a, speaks 1..2
      "5a"          // 90 bytes of fields
      "07"          // seq 7
      "08"          // 8 dimensions
      "000000000000f03f";
  for (int i = 1; i < 8; ++i) expected += zero;
  expected += "000000000000e03f" + zero + "00000000000000c0" + "00";
  EXPECT_EQ(Hex(EncodePacket(packet, kV2).value()), expected);
  absl::StatusOr<Packet> back = DecodePacket(Unhex(expected), 1400, 2);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, packet);

  Ping ping{9, "b"};
  ping.coordinate = c;
  ping.coordinate->vec[7] = std::numeric_limits<double>::quiet_NaN();
  packet.message = ping;
  Packet plain = packet;
  plain.message = Ping{9, "b"};
  EXPECT_EQ(EncodePacket(packet).value(), EncodePacket(plain).value());
  back = DecodePacket(EncodePacket(packet, kV2).value(), 1400, 2);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, packet);  // NaN and all, bit for bit
  // Without a coordinate, version 2's bytes are those of before too.
  EXPECT_EQ(Hex(EncodePacket(plain, kV2).value()),
            "010161010203090162"
            "00");
}

TEST(CodecV2Test, MalformedCoordinatesAreDropped) {
  // Ack a seq 7, then a coordinate of 7 dimensions.
  EXPECT_EQ(ReasonFor(Unhex("0201610102"
                            "5a"
                            "0707" +
                            std::string(176, '0') + "00")),
            DropReason::kBadValue);
  // The coordinate cut short inside its fields.
  EXPECT_EQ(ReasonFor(Unhex("0201610102"
                            "0a"
                            "0708" +
                            std::string(32, '0') + "00")),
            DropReason::kTruncated);
}

}  // namespace
}  // namespace swim
