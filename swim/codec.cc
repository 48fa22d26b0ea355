#include "swim/codec.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "swim/drop_reason.h"
#include "swim/packet_view.h"
#include "swim/wire_reader.h"
#include "swim/wire_writer.h"

namespace swim {
namespace {

using wire::PutBytes;
using wire::PutU8;
using wire::PutVarint;
using wire::VarintSize;
using wire::WireReader;

// Type bytes; see wire_format.md. Never renumber: they are on the wire.
enum MessageType : uint8_t {
  kPingType = 1,
  kAckType = 2,
  kNackType = 3,
  kPingReqType = 4,
  kSyncType = 5,
  kMetaRequestType = 6,
  kMetaChunkType = 7,
  kGossipType = 8,
  kSyncDigestType = 9,
};

enum UpdateType : uint8_t {
  kAliveType = 1,
  kSuspectType = 2,
  kOfflineType = 3,
  kLeftType = 4,
};

constexpr uint8_t kSyncReplyWanted = 0x01;
constexpr size_t kDigestBucketBytes = 8;
constexpr uint8_t kAliveMetadataInline = 0x01;

// The smallest update: type, a one-byte name and its length, incarnation.
constexpr size_t kMinUpdateBytes = 4;
// The smallest metadata entry: an empty key and an empty value.
constexpr size_t kMinMetadataEntryBytes = 2;

// ---- Encoding. ----

absl::Status CheckName(absl::string_view field, absl::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  }
  if (name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is ", name.size(), " bytes; the limit is ", kMaxNameBytes));
  }
  return absl::OkStatus();
}

absl::Status CheckAddress(absl::string_view address) {
  if (address.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "address is ", address.size(), " bytes; the limit is ", kMaxNameBytes));
  }
  return absl::OkStatus();
}

absl::Status PutMetadata(std::string& out, const Metadata& metadata) {
  const size_t start = out.size();
  PutVarint(out, metadata.size());
  for (const auto& [key, value] : metadata) {
    if (key.size() > kMaxMetadataKeyBytes) {
      out.resize(start);
      return absl::InvalidArgumentError(
          absl::StrCat("metadata key of ", key.size(), " bytes; the limit is ",
                       kMaxMetadataKeyBytes));
    }
    PutBytes(out, key);
    PutBytes(out, value);
  }
  if (out.size() - start > kMaxMetadataBytes) {
    out.resize(start);
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata encodes to more than ", kMaxMetadataBytes, " bytes"));
  }
  return absl::OkStatus();
}

struct UpdateEncoder {
  std::string& out;

  absl::Status operator()(const Alive& alive) {
    if (absl::Status s = CheckName("member", alive.member); !s.ok()) return s;
    if (absl::Status s = CheckAddress(alive.address); !s.ok()) return s;
    std::string metadata;
    if (alive.metadata.has_value()) {
      if (absl::Status s = PutMetadata(metadata, *alive.metadata); !s.ok()) {
        return s;
      }
    } else if (alive.metadata_size > kMaxMetadataBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("metadata_size ", alive.metadata_size,
                       " exceeds the limit of ", kMaxMetadataBytes));
    }
    PutU8(out, kAliveType);
    PutBytes(out, alive.member);
    PutBytes(out, alive.address);
    PutVarint(out, alive.incarnation);
    PutVarint(out, alive.metadata_version);
    if (alive.metadata.has_value()) {
      PutU8(out, kAliveMetadataInline);
      PutBytes(out, metadata);
    } else {
      PutU8(out, 0);
      PutVarint(out, alive.metadata_size);
    }
    return absl::OkStatus();
  }

  absl::Status Accusation(UpdateType type, absl::string_view member,
                          uint64_t incarnation, absl::string_view accuser) {
    if (absl::Status s = CheckName("member", member); !s.ok()) return s;
    if (absl::Status s = CheckName("accuser", accuser); !s.ok()) return s;
    PutU8(out, type);
    PutBytes(out, member);
    PutVarint(out, incarnation);
    PutBytes(out, accuser);
    return absl::OkStatus();
  }

  absl::Status operator()(const Suspect& s) {
    return Accusation(kSuspectType, s.member, s.incarnation, s.accuser);
  }

  absl::Status operator()(const Offline& o) {
    return Accusation(kOfflineType, o.member, o.incarnation, o.accuser);
  }

  absl::Status operator()(const Left& left) {
    if (absl::Status s = CheckName("member", left.member); !s.ok()) return s;
    PutU8(out, kLeftType);
    PutBytes(out, left.member);
    PutVarint(out, left.incarnation);
    return absl::OkStatus();
  }
};

struct MessageEncoder {
  std::string& out;
  absl::string_view sender;

  // Every body starts with its type byte and the sender's name.
  void PutType(MessageType type) {
    PutU8(out, type);
    PutBytes(out, sender);
  }

  absl::Status operator()(const Ping& ping) {
    if (absl::Status s = CheckName("target", ping.target); !s.ok()) return s;
    PutType(kPingType);
    PutVarint(out, ping.seq);
    PutBytes(out, ping.target);
    return absl::OkStatus();
  }

  absl::Status operator()(const Ack& ack) {
    PutType(kAckType);
    PutVarint(out, ack.seq);
    return absl::OkStatus();
  }

  absl::Status operator()(const Nack& nack) {
    PutType(kNackType);
    PutVarint(out, nack.seq);
    return absl::OkStatus();
  }

  absl::Status operator()(const PingReq& req) {
    if (absl::Status s = CheckName("target", req.target); !s.ok()) return s;
    if (absl::Status s = CheckAddress(req.target_address); !s.ok()) return s;
    PutType(kPingReqType);
    PutVarint(out, req.seq);
    PutBytes(out, req.target);
    PutBytes(out, req.target_address);
    return absl::OkStatus();
  }

  absl::Status operator()(const Sync& sync) {
    PutType(kSyncType);
    PutU8(out, sync.reply_wanted ? kSyncReplyWanted : 0);
    return absl::OkStatus();
  }

  absl::Status operator()(const MetaRequest& req) {
    if (absl::Status s = CheckName("member", req.member); !s.ok()) return s;
    PutType(kMetaRequestType);
    PutBytes(out, req.member);
    PutVarint(out, req.version);
    PutVarint(out, req.offset);
    return absl::OkStatus();
  }

  absl::Status operator()(const MetaChunk& chunk) {
    if (absl::Status s = CheckName("member", chunk.member); !s.ok()) return s;
    if (chunk.total_size > kMaxMetadataBytes ||
        chunk.offset > chunk.total_size ||
        chunk.data.size() > chunk.total_size - chunk.offset) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metadata chunk [", chunk.offset, ", +", chunk.data.size(),
          ") does not fit total_size ", chunk.total_size));
    }
    PutType(kMetaChunkType);
    PutBytes(out, chunk.member);
    PutVarint(out, chunk.version);
    PutVarint(out, chunk.total_size);
    PutVarint(out, chunk.offset);
    PutBytes(out, chunk.data);
    return absl::OkStatus();
  }

  absl::Status operator()(const Gossip&) {
    PutType(kGossipType);
    return absl::OkStatus();
  }

  absl::Status operator()(const SyncDigest& digest) {
    if (digest.buckets.empty() || digest.buckets.size() > kMaxDigestBuckets) {
      return absl::InvalidArgumentError(
          absl::StrCat("a digest has 1 to ", kMaxDigestBuckets,
                       " buckets, not ", digest.buckets.size()));
    }
    PutType(kSyncDigestType);
    PutU8(out, digest.reply_wanted ? kSyncReplyWanted : 0);
    PutVarint(out, digest.buckets.size());
    for (uint64_t bucket : digest.buckets) {
      for (size_t b = 0; b < kDigestBucketBytes; ++b) {
        PutU8(out, static_cast<uint8_t>(bucket >> (8 * b)));
      }
    }
    return absl::OkStatus();
  }
};

absl::Status PutHead(std::string& out, absl::string_view sender,
                     const Message& message) {
  if (absl::Status s = CheckName("sender", sender); !s.ok()) return s;
  return std::visit(MessageEncoder{out, sender}, message);
}

// ---- Decoding. ----

absl::Status ReadName(WireReader& in, absl::string_view field,
                      absl::string_view* name) {
  if (absl::Status s = in.ReadBytesView(field, kMaxNameBytes, name); !s.ok()) {
    return s;
  }
  if (name->empty()) {
    return DropError(DropReason::kBadValue, absl::StrCat(field, " is empty"));
  }
  return absl::OkStatus();
}

// Checks an encoded metadata map and calls on_entry(key, value) for each
// entry, in order.
template <typename OnEntry>
absl::Status ParseMetadata(absl::string_view bytes, OnEntry on_entry) {
  WireReader in(bytes);
  uint64_t count = 0;
  if (absl::Status s = in.ReadVarint("metadata entry count", &count); !s.ok()) {
    return s;
  }
  if (count > in.remaining() / kMinMetadataEntryBytes) {
    return DropError(DropReason::kTooManyEntries,
                     absl::StrCat("metadata announces ", count, " entries in ",
                                  in.remaining(), " bytes"));
  }
  absl::string_view previous_key;
  for (uint64_t i = 0; i < count; ++i) {
    absl::string_view key;
    absl::string_view value;
    if (absl::Status s =
            in.ReadBytesView("metadata key", kMaxMetadataKeyBytes, &key);
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            in.ReadBytesView("metadata value", kMaxMetadataBytes, &value);
        !s.ok()) {
      return s;
    }
    // Strictly increasing keys make the encoding canonical.
    if (i > 0 && !(previous_key < key)) {
      return DropError(DropReason::kBadValue,
                       "metadata keys not in strictly increasing order");
    }
    previous_key = key;
    on_entry(key, value);
  }
  if (!in.empty()) {
    return DropError(
        DropReason::kTrailingBytes,
        absl::StrCat(in.remaining(), " bytes after the last metadata entry"));
  }
  return absl::OkStatus();
}

absl::Status ReadAlive(WireReader& in, AliveView* alive) {
  if (absl::Status s = ReadName(in, "member", &alive->member); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          in.ReadBytesView("address", kMaxNameBytes, &alive->address);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint("incarnation", &alive->incarnation);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          in.ReadVarint("metadata_version", &alive->metadata_version);
      !s.ok()) {
    return s;
  }
  uint8_t flags = 0;
  if (absl::Status s = in.ReadU8("alive flags", &flags); !s.ok()) return s;
  if ((flags & ~kAliveMetadataInline) != 0) {
    return DropError(DropReason::kBadValue,
                     absl::StrCat("unknown alive flags 0x",
                                  absl::Hex(flags, absl::kZeroPad2)));
  }
  if (flags & kAliveMetadataInline) {
    absl::string_view blob;
    if (absl::Status s = in.ReadBytesView("metadata", kMaxMetadataBytes, &blob);
        !s.ok()) {
      return s;
    }
    alive->metadata_size = static_cast<uint32_t>(blob.size());
    alive->metadata = blob;
    return ParseMetadata(blob, [](absl::string_view, absl::string_view) {});
  }
  alive->metadata.reset();
  if (absl::Status s = in.ReadVarint32("metadata_size", &alive->metadata_size);
      !s.ok()) {
    return s;
  }
  if (alive->metadata_size > kMaxMetadataBytes) {
    return DropError(DropReason::kBadLength,
                     absl::StrCat("metadata_size ", alive->metadata_size,
                                  " exceeds the limit of ", kMaxMetadataBytes));
  }
  return absl::OkStatus();
}

template <typename AccusationView>
absl::Status ReadAccusation(WireReader& in, AccusationView* accusation) {
  if (absl::Status s = ReadName(in, "member", &accusation->member); !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint("incarnation", &accusation->incarnation);
      !s.ok()) {
    return s;
  }
  return ReadName(in, "accuser", &accusation->accuser);
}

absl::Status ReadUpdate(WireReader& in, UpdateView* update) {
  uint8_t type = 0;
  if (absl::Status s = in.ReadU8("update type", &type); !s.ok()) return s;
  switch (type) {
    case kAliveType:
      return ReadAlive(in, &update->emplace<AliveView>());
    case kSuspectType:
      return ReadAccusation(in, &update->emplace<SuspectView>());
    case kOfflineType:
      return ReadAccusation(in, &update->emplace<OfflineView>());
    case kLeftType: {
      LeftView& left = update->emplace<LeftView>();
      if (absl::Status s = ReadName(in, "member", &left.member); !s.ok()) {
        return s;
      }
      return in.ReadVarint("incarnation", &left.incarnation);
    }
    default:
      return DropError(DropReason::kUnknownType,
                       absl::StrCat("update type ", type));
  }
}

// The bodies of the two longest message types, after the sender.
absl::Status ReadMetaChunk(WireReader& in, MetaChunkView& chunk) {
  if (absl::Status s = ReadName(in, "member", &chunk.member); !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint("version", &chunk.version); !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint32("total_size", &chunk.total_size);
      !s.ok()) {
    return s;
  }
  if (chunk.total_size > kMaxMetadataBytes) {
    return DropError(DropReason::kBadLength,
                     absl::StrCat("total_size ", chunk.total_size,
                                  " exceeds the limit of ", kMaxMetadataBytes));
  }
  if (absl::Status s = in.ReadVarint32("offset", &chunk.offset); !s.ok()) {
    return s;
  }
  if (chunk.offset > chunk.total_size) {
    return DropError(DropReason::kBadValue,
                     absl::StrCat("offset ", chunk.offset,
                                  " beyond total_size ", chunk.total_size));
  }
  return in.ReadBytesView("data", chunk.total_size - chunk.offset, &chunk.data);
}

absl::Status ReadSyncDigest(WireReader& in, SyncDigestView& digest) {
  uint8_t flags = 0;
  if (absl::Status s = in.ReadU8("digest flags", &flags); !s.ok()) {
    return s;
  }
  if ((flags & ~kSyncReplyWanted) != 0) {
    return DropError(DropReason::kBadValue,
                     absl::StrCat("unknown digest flags 0x",
                                  absl::Hex(flags, absl::kZeroPad2)));
  }
  digest.reply_wanted = (flags & kSyncReplyWanted) != 0;
  uint64_t count = 0;
  if (absl::Status s = in.ReadVarint("bucket count", &count); !s.ok()) {
    return s;
  }
  if (count == 0 || count > kMaxDigestBuckets) {
    return DropError(DropReason::kTooManyEntries,
                     absl::StrCat("a digest has 1 to ", kMaxDigestBuckets,
                                  " buckets, not ", count));
  }
  return in.ReadFixedView("buckets", count * kDigestBucketBytes,
                          &digest.bucket_bytes);
}

absl::Status ReadMessage(WireReader& in, absl::string_view* sender,
                         MessageView* message) {
  uint8_t type = 0;
  if (absl::Status s = in.ReadU8("message type", &type); !s.ok()) return s;
  if (type < kPingType || type > kSyncDigestType) {
    return DropError(DropReason::kUnknownType,
                     absl::StrCat("message type ", type));
  }
  if (absl::Status s = ReadName(in, "sender", sender); !s.ok()) return s;
  switch (type) {
    case kPingType: {
      PingView& ping = message->emplace<PingView>();
      if (absl::Status s = in.ReadVarint32("seq", &ping.seq); !s.ok()) return s;
      return ReadName(in, "target", &ping.target);
    }
    case kAckType:
      return in.ReadVarint32("seq", &message->emplace<Ack>().seq);
    case kNackType:
      return in.ReadVarint32("seq", &message->emplace<Nack>().seq);
    case kPingReqType: {
      PingReqView& req = message->emplace<PingReqView>();
      if (absl::Status s = in.ReadVarint32("seq", &req.seq); !s.ok()) return s;
      if (absl::Status s = ReadName(in, "target", &req.target); !s.ok()) {
        return s;
      }
      return in.ReadBytesView("target_address", kMaxNameBytes,
                              &req.target_address);
    }
    case kSyncType: {
      uint8_t flags = 0;
      if (absl::Status s = in.ReadU8("sync flags", &flags); !s.ok()) return s;
      if ((flags & ~kSyncReplyWanted) != 0) {
        return DropError(DropReason::kBadValue,
                         absl::StrCat("unknown sync flags 0x",
                                      absl::Hex(flags, absl::kZeroPad2)));
      }
      message->emplace<Sync>().reply_wanted = (flags & kSyncReplyWanted) != 0;
      return absl::OkStatus();
    }
    case kMetaRequestType: {
      MetaRequestView& req = message->emplace<MetaRequestView>();
      if (absl::Status s = ReadName(in, "member", &req.member); !s.ok()) {
        return s;
      }
      if (absl::Status s = in.ReadVarint("version", &req.version); !s.ok()) {
        return s;
      }
      return in.ReadVarint32("offset", &req.offset);
    }
    case kMetaChunkType:
      return ReadMetaChunk(in, message->emplace<MetaChunkView>());
    case kSyncDigestType:
      return ReadSyncDigest(in, message->emplace<SyncDigestView>());
    default:
      message->emplace<Gossip>();
      return absl::OkStatus();
  }
}

}  // namespace

absl::StatusOr<PacketWriter> PacketWriter::Start(size_t budget_bytes,
                                                 absl::string_view sender,
                                                 const Message& message) {
  PacketWriter writer(budget_bytes);
  if (absl::Status s = PutHead(writer.head_, sender, message); !s.ok()) {
    return s;
  }
  if (writer.size() > budget_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("packet needs ", writer.size(), " bytes; the budget is ",
                     budget_bytes));
  }
  // One allocation for the updates of a datagram-sized packet.
  constexpr size_t kMaxReserveBytes = size_t{64} * 1024;
  writer.updates_.reserve(std::min(budget_bytes, kMaxReserveBytes));
  return writer;
}

size_t PacketWriter::size() const {
  return head_.size() + VarintSize(update_count_) + updates_.size();
}

bool PacketWriter::Add(const Update& update) {
  const size_t before = updates_.size();
  if (!std::visit(UpdateEncoder{updates_}, update).ok()) {
    updates_.resize(before);
    return false;
  }
  const size_t after =
      head_.size() + VarintSize(update_count_ + 1) + updates_.size();
  if (after > budget_bytes_) {
    updates_.resize(before);
    return false;
  }
  ++update_count_;
  return true;
}

std::string PacketWriter::Finish() && {
  std::string body = std::move(head_);
  body.reserve(size());
  PutVarint(body, update_count_);
  body.append(updates_);
  return body;
}

absl::StatusOr<std::string> EncodePacket(const Packet& packet) {
  absl::StatusOr<PacketWriter> writer = PacketWriter::Start(
      std::numeric_limits<size_t>::max(), packet.sender, packet.message);
  if (!writer.ok()) return writer.status();
  for (const Update& update : packet.updates) {
    if (!writer->Add(update)) {
      std::string scratch;
      return std::visit(UpdateEncoder{scratch}, update);
    }
  }
  return std::move(*writer).Finish();
}

size_t EncodedSize(const Update& update) {
  std::string scratch;
  if (!std::visit(UpdateEncoder{scratch}, update).ok()) return 0;
  return scratch.size();
}

absl::Status DecodePacketView(absl::string_view body, PacketView* packet,
                              size_t max_body_bytes) {
  packet->updates.clear();
  if (body.size() > max_body_bytes) {
    return DropError(
        DropReason::kOversized,
        absl::StrCat(body.size(), " bytes; the limit is ", max_body_bytes));
  }
  WireReader in(body);
  if (absl::Status s = ReadMessage(in, &packet->sender, &packet->message);
      !s.ok()) {
    return s;
  }
  uint64_t count = 0;
  if (absl::Status s = in.ReadVarint("update count", &count); !s.ok()) {
    return s;
  }
  if (count > in.remaining() / kMinUpdateBytes) {
    return DropError(DropReason::kTooManyEntries,
                     absl::StrCat(count, " updates announced in ",
                                  in.remaining(), " bytes"));
  }
  packet->updates.resize(count);
  for (UpdateView& update : packet->updates) {
    if (absl::Status s = ReadUpdate(in, &update); !s.ok()) {
      packet->updates.clear();
      return s;
    }
  }
  if (!in.empty()) {
    packet->updates.clear();
    return DropError(
        DropReason::kTrailingBytes,
        absl::StrCat(in.remaining(), " bytes after the last update"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Packet> DecodePacket(absl::string_view body,
                                    size_t max_body_bytes) {
  PacketView view;
  if (absl::Status s = DecodePacketView(body, &view, max_body_bytes); !s.ok()) {
    return s;
  }
  return ToPacket(view);
}

absl::StatusOr<std::string> EncodeMetadata(const Metadata& metadata) {
  std::string out;
  if (absl::Status s = PutMetadata(out, metadata); !s.ok()) return s;
  return out;
}

absl::StatusOr<Metadata> DecodeMetadata(absl::string_view bytes) {
  if (bytes.size() > kMaxMetadataBytes) {
    return DropError(DropReason::kOversized,
                     absl::StrCat("metadata of ", bytes.size(),
                                  " bytes; the limit is ", kMaxMetadataBytes));
  }
  Metadata metadata;
  if (absl::Status s = ParseMetadata(
          bytes,
          [&metadata](absl::string_view key, absl::string_view value) {
            metadata.emplace_hint(metadata.end(), key, value);
          });
      !s.ok()) {
    return s;
  }
  return metadata;
}

}  // namespace swim
