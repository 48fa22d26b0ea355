// Encoding a packet's head (swim/wire_format.md): the message's type, the
// sender and the message's fields, framed from version 2 on.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/codec_encode.h"
#include "swim/coordinate.h"
#include "swim/message.h"
#include "swim/protocol_version.h"
#include "swim/wire_types.h"
#include "swim/wire_writer.h"

namespace swim::wire {
namespace {

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

}  // namespace

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

}  // namespace swim::wire
