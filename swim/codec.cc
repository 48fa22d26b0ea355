#include "swim/codec.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "swim/wire_types.h"
#include "swim/wire_writer.h"

namespace swim {
namespace {

using wire::kAckType;
using wire::kAliveMetadataInline;
using wire::kAliveType;
using wire::kDigestBucketBytes;
using wire::kGossipType;
using wire::kLeftType;
using wire::kMetaChunkType;
using wire::kMetaRequestType;
using wire::kNackType;
using wire::kOfflineType;
using wire::kPingReqType;
using wire::kPingType;
using wire::kStateChunkType;
using wire::kStateOfferJoin;
using wire::kStateOfferReplyWanted;
using wire::kStateOfferType;
using wire::kStateRequestType;
using wire::kSuspectType;
using wire::kSyncDigestType;
using wire::kSyncReplyWanted;
using wire::kSyncType;
using wire::kUserMessageType;
using wire::MessageType;
using wire::PutBytes;
using wire::PutU8;
using wire::PutVarint;
using wire::UpdateType;
using wire::VarintSize;

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

// From version 2 on, an item (a message's fields, an update's) is framed
// by its length so that a decoder can skip a type it does not know: this
// puts varint(length of out[fields_at..]) at `fields_at`.
void FrameFrom(std::string& out, size_t fields_at) {
  std::string length;
  PutVarint(length, out.size() - fields_at);
  out.insert(fields_at, length);
}

struct UpdateEncoder {
  std::string& out;
  uint8_t version = 1;

  // Encodes `update` (type byte, then fields; framed from version 2 on).
  template <typename U>
  static absl::Status Encode(std::string& out, uint8_t version,
                             const U& update) {
    const size_t start = out.size();
    absl::Status s = UpdateEncoder{out, version}(update);
    if (s.ok() && version >= 2) FrameFrom(out, start + 1);
    return s;
  }

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
    if (version >= 2) {
      const bool advertised = IsWireRange(alive.protocol);
      PutU8(out, advertised ? alive.protocol.min : 0);
      PutU8(out, advertised ? alive.protocol.max : 0);
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
  uint8_t version = 1;

  // A request's stamp (swim/replay_guard.h): from version 2 on only, so
  // that version 1 stays the format older nodes read.
  void PutStamp(uint64_t stamp) {
    if (version >= 2) PutVarint(out, stamp);
  }

  // A ping's or ack's coordinate: version 2 only (version 1 stays the
  // format older nodes read; its coordinate is left out).
  void PutOptionalCoordinate(const std::optional<Coordinate>& coordinate) {
    if (version >= 2 && coordinate.has_value()) {
      wire::PutCoordinate(out, *coordinate);
    }
  }

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
    PutOptionalCoordinate(ping.coordinate);
    return absl::OkStatus();
  }

  absl::Status operator()(const Ack& ack) {
    PutType(kAckType);
    PutVarint(out, ack.seq);
    PutOptionalCoordinate(ack.coordinate);
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
    PutStamp(sync.stamp);
    return absl::OkStatus();
  }

  absl::Status operator()(const MetaRequest& req) {
    if (absl::Status s = CheckName("member", req.member); !s.ok()) return s;
    PutType(kMetaRequestType);
    PutBytes(out, req.member);
    PutVarint(out, req.version);
    PutVarint(out, req.offset);
    PutStamp(req.stamp);
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

  absl::Status operator()(const UserMessage& message) {
    PutType(kUserMessageType);
    PutBytes(out, message.payload);
    return absl::OkStatus();
  }

  absl::Status operator()(const StateOffer& offer) {
    if (offer.size > kMaxAppStateBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("an application state of ", offer.size, " bytes"));
    }
    PutType(kStateOfferType);
    PutVarint(out, offer.version);
    PutVarint(out, offer.size);
    PutU8(out, static_cast<uint8_t>(
                   (offer.reply_wanted ? kStateOfferReplyWanted : 0) |
                   (offer.join ? kStateOfferJoin : 0)));
    return absl::OkStatus();
  }

  absl::Status operator()(const StateRequest& req) {
    PutType(kStateRequestType);
    PutVarint(out, req.version);
    PutVarint(out, req.offset);
    PutStamp(req.stamp);
    return absl::OkStatus();
  }

  absl::Status operator()(const StateChunk& chunk) {
    if (chunk.total_size > kMaxAppStateBytes ||
        chunk.offset > chunk.total_size ||
        chunk.data.size() > chunk.total_size - chunk.offset) {
      return absl::InvalidArgumentError(
          absl::StrCat("state chunk [", chunk.offset, ", +", chunk.data.size(),
                       ") does not fit total_size ", chunk.total_size));
    }
    PutType(kStateChunkType);
    PutVarint(out, chunk.version);
    PutVarint(out, chunk.total_size);
    PutVarint(out, chunk.offset);
    PutBytes(out, chunk.data);
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
    PutStamp(digest.stamp);
    return absl::OkStatus();
  }
};

absl::Status PutBroadcast(std::string& out, const UserBroadcast& broadcast) {
  if (absl::Status s = CheckName("origin", broadcast.origin); !s.ok()) {
    return s;
  }
  if (broadcast.key.empty() || broadcast.key.size() > kMaxUserKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a broadcast key has 1 to ", kMaxUserKeyBytes,
                     " bytes, not ", broadcast.key.size()));
  }
  if (broadcast.payload.size() > kMaxDatagramBytes) {
    return absl::InvalidArgumentError("broadcast payload over a datagram");
  }
  PutBytes(out, broadcast.origin);
  PutBytes(out, broadcast.key);
  PutVarint(out, broadcast.version);
  PutBytes(out, broadcast.payload);
  return absl::OkStatus();
}

// Bytes of the broadcasts' section with `count` entries in `bytes`.
size_t BroadcastSectionSize(size_t count, size_t bytes) {
  return count == 0 ? 0 : VarintSize(count) + bytes;
}

// Encodes `update` into `out` in `version`; `out` is unchanged on error.
absl::Status PutUpdate(std::string& out, uint8_t version,
                       const Update& update) {
  const size_t before = out.size();
  absl::Status s = std::visit(
      [&](const auto& u) { return UpdateEncoder::Encode(out, version, u); },
      update);
  if (!s.ok()) out.resize(before);
  return s;
}

absl::Status PutHead(std::string& out, absl::string_view sender,
                     const Message& message, const Framing& framing) {
  if (framing.version < kOldestProtocolVersion ||
      framing.version > kNewestProtocolVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("protocol version ", framing.version, " is not spoken"));
  }
  const ProtocolRange range = framing.sender_protocol;
  if (framing.version >= 2 && (!range.known() || !IsWireRange(range))) {
    return absl::InvalidArgumentError("a version 2 head needs a proper range");
  }
  if (absl::Status s = CheckName("sender", sender); !s.ok()) return s;
  if (framing.version < 2 && std::holds_alternative<UserMessage>(message)) {
    return absl::InvalidArgumentError("a UserMessage needs protocol version 2");
  }
  if (framing.version < 2 && (std::holds_alternative<StateOffer>(message) ||
                              std::holds_alternative<StateRequest>(message) ||
                              std::holds_alternative<StateChunk>(message))) {
    return absl::InvalidArgumentError(
        "the application state exchange needs protocol version 2");
  }
  if (absl::Status s =
          std::visit(MessageEncoder{out, sender, framing.version}, message);
      !s.ok()) {
    return s;
  }
  if (framing.version >= 2) {
    // type, sender | range, length of the fields | fields
    const size_t fields_at = 1 + VarintSize(sender.size()) + sender.size();
    FrameFrom(out, fields_at);
    const char head[2] = {static_cast<char>(range.min),
                          static_cast<char>(range.max)};
    out.insert(fields_at, head, sizeof(head));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PacketWriter> PacketWriter::Start(size_t budget_bytes,
                                                 absl::string_view sender,
                                                 const Message& message,
                                                 Framing framing) {
  PacketWriter writer(budget_bytes, framing.version);
  if (absl::Status s = PutHead(writer.head_, sender, message, framing);
      !s.ok()) {
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
  return head_.size() + VarintSize(update_count_) + updates_.size() +
         BroadcastSectionSize(broadcast_count_, broadcasts_.size());
}

bool PacketWriter::Add(const Update& update) {
  const size_t before = updates_.size();
  if (!PutUpdate(updates_, version_, update).ok()) return false;
  const size_t after =
      head_.size() + VarintSize(update_count_ + 1) + updates_.size() +
      BroadcastSectionSize(broadcast_count_, broadcasts_.size());
  if (after > budget_bytes_) {
    updates_.resize(before);
    return false;
  }
  ++update_count_;
  return true;
}

bool PacketWriter::AddBroadcast(const UserBroadcast& broadcast) {
  if (version_ < 2) return false;  // version 1 has no broadcasts' section
  const size_t before = broadcasts_.size();
  if (!PutBroadcast(broadcasts_, broadcast).ok()) {
    broadcasts_.resize(before);
    return false;
  }
  const size_t after =
      head_.size() + VarintSize(update_count_) + updates_.size() +
      BroadcastSectionSize(broadcast_count_ + 1, broadcasts_.size());
  if (after > budget_bytes_) {
    broadcasts_.resize(before);
    return false;
  }
  ++broadcast_count_;
  return true;
}

std::string PacketWriter::Finish() && {
  std::string body = std::move(head_);
  body.reserve(size());
  PutVarint(body, update_count_);
  body.append(updates_);
  if (broadcast_count_ > 0) {
    PutVarint(body, broadcast_count_);
    body.append(broadcasts_);
  }
  return body;
}

absl::StatusOr<std::string> EncodePacket(const Packet& packet,
                                         Framing framing) {
  absl::StatusOr<PacketWriter> writer =
      PacketWriter::Start(std::numeric_limits<size_t>::max(), packet.sender,
                          packet.message, framing);
  if (!writer.ok()) return writer.status();
  for (const Update& update : packet.updates) {
    if (!writer->Add(update)) {
      std::string scratch;
      return PutUpdate(scratch, framing.version, update);
    }
  }
  for (const UserBroadcast& broadcast : packet.broadcasts) {
    if (!writer->AddBroadcast(broadcast)) {
      if (framing.version < 2) {
        return absl::InvalidArgumentError(
            "user broadcasts need protocol version 2");
      }
      std::string scratch;
      return PutBroadcast(scratch, broadcast);
    }
  }
  return std::move(*writer).Finish();
}

size_t EncodedSize(const Update& update, uint8_t version) {
  std::string scratch;
  if (!PutUpdate(scratch, version, update).ok()) return 0;
  return scratch.size();
}

absl::StatusOr<std::string> EncodeMetadata(const Metadata& metadata) {
  std::string out;
  if (absl::Status s = PutMetadata(out, metadata); !s.ok()) return s;
  return out;
}

}  // namespace swim
