// Decoding packet bodies (codec.h): every byte checked, every error a
// DropError, allocations bounded by the input's size.
#include "swim/codec_decode.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/packet_view.h"
#include "swim/wire_reader.h"
#include "swim/wire_types.h"

namespace swim {
namespace wire {

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

}  // namespace wire

namespace {

using wire::kAckType;
using wire::kAliveMetadataInline;
using wire::kAliveType;
using wire::kDigestBucketBytes;
using wire::kLeftType;
using wire::kMetaChunkType;
using wire::kMetaRequestType;
using wire::kMinFramedUpdateBytes;
using wire::kMinMetadataEntryBytes;
using wire::kMinUpdateBytes;
using wire::kNackType;
using wire::kOfflineType;
using wire::kPingReqType;
using wire::kPingType;
using wire::kStateChunkType;
using wire::kStateOfferType;
using wire::kStateRequestType;
using wire::kSuspectType;
using wire::kSyncDigestType;
using wire::kSyncReplyWanted;
using wire::kSyncType;
using wire::kUserMessageType;
using wire::NoTrailing;
using wire::ReadBroadcasts;
using wire::ReadChunkTail;
using wire::ReadFramed;
using wire::ReadName;
using wire::ReadOptionalCoordinate;
using wire::ReadRange;
using wire::ReadStateChunk;
using wire::ReadStateOffer;
using wire::ReadStateRequest;
using wire::WireReader;

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

absl::Status ReadAliveV1(WireReader& in, AliveView* alive);

absl::Status ReadAlive(WireReader& in, uint8_t version, AliveView* alive) {
  alive->protocol = ProtocolRange{};
  if (absl::Status s = ReadAliveV1(in, alive); !s.ok()) return s;
  if (version < 2) return absl::OkStatus();
  return ReadRange(in, "alive protocol range", &alive->protocol);
}

absl::Status ReadAliveV1(WireReader& in, AliveView* alive) {
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

// The fields of an update of `type`, or kUnknownType.
absl::Status ReadUpdateFields(WireReader& in, uint8_t type, uint8_t version,
                              UpdateView* update) {
  switch (type) {
    case kAliveType:
      return ReadAlive(in, version, &update->emplace<AliveView>());
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

// One update; false in *known (and nothing decoded) for a version 2 update
// of a type this decoder does not know, which is skipped.
absl::Status ReadUpdate(WireReader& in, uint8_t version, UpdateView* update,
                        bool* known) {
  *known = true;
  uint8_t type = 0;
  if (absl::Status s = in.ReadU8("update type", &type); !s.ok()) return s;
  if (version < 2) return ReadUpdateFields(in, type, version, update);
  absl::string_view fields;
  if (absl::Status s = ReadFramed(in, "update length", &fields); !s.ok()) {
    return s;
  }
  if (type < kAliveType || type > kLeftType) {
    *known = false;
    return absl::OkStatus();
  }
  WireReader item(fields);
  if (absl::Status s = ReadUpdateFields(item, type, version, update); !s.ok()) {
    return s;
  }
  return NoTrailing(item, "update's fields");
}

// The bodies of the two longest message types, after the sender.
absl::Status ReadMetaChunk(WireReader& in, MetaChunkView& chunk) {
  if (absl::Status s = ReadName(in, "member", &chunk.member); !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint("version", &chunk.version); !s.ok()) {
    return s;
  }
  return ReadChunkTail(in, kMaxMetadataBytes, chunk);
}

absl::Status ReadSyncDigest(WireReader& in, uint8_t version,
                            SyncDigestView& digest) {
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
  if (absl::Status s = in.ReadFixedView("buckets", count * kDigestBucketBytes,
                                        &digest.bucket_bytes);
      !s.ok()) {
    return s;
  }
  if (version < 2) return absl::OkStatus();  // stamps from version 2 on
  return in.ReadVarint("stamp", &digest.stamp);
}

// UserMessage and the state exchange came with version 2.
bool IsKnownMessageType(uint8_t type, uint8_t version) {
  return type >= kPingType &&
         type <= (version >= 2 ? kStateChunkType : kSyncDigestType);
}

absl::Status ReadMetaRequest(WireReader& in, uint8_t version,
                             MetaRequestView& req) {
  if (absl::Status s = ReadName(in, "member", &req.member); !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint("version", &req.version); !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint32("offset", &req.offset); !s.ok()) {
    return s;
  }
  if (version < 2) return absl::OkStatus();  // stamps from version 2 on
  return in.ReadVarint("stamp", &req.stamp);
}

// The fields of a message of known `type`.
absl::Status ReadMessageFields(WireReader& in, uint8_t type, uint8_t version,
                               MessageView* message) {
  switch (type) {
    case kPingType: {
      PingView& ping = message->emplace<PingView>();
      if (absl::Status s = in.ReadVarint32("seq", &ping.seq); !s.ok()) return s;
      if (absl::Status s = ReadName(in, "target", &ping.target); !s.ok()) {
        return s;
      }
      return ReadOptionalCoordinate(in, version, &ping.coordinate);
    }
    case kAckType: {
      Ack& ack = message->emplace<Ack>();
      if (absl::Status s = in.ReadVarint32("seq", &ack.seq); !s.ok()) return s;
      return ReadOptionalCoordinate(in, version, &ack.coordinate);
    }
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
      Sync& sync = message->emplace<Sync>();
      sync.reply_wanted = (flags & kSyncReplyWanted) != 0;
      if (version < 2) return absl::OkStatus();  // stamps from version 2 on
      return in.ReadVarint("stamp", &sync.stamp);
    }
    case kMetaRequestType:
      return ReadMetaRequest(in, version, message->emplace<MetaRequestView>());
    case kMetaChunkType:
      return ReadMetaChunk(in, message->emplace<MetaChunkView>());
    case kSyncDigestType:
      return ReadSyncDigest(in, version, message->emplace<SyncDigestView>());
    case kUserMessageType:
      return in.ReadBytesView("payload", kMaxDatagramBytes,
                              &message->emplace<UserMessageView>().payload);
    case kStateOfferType:
      return ReadStateOffer(in, message->emplace<StateOffer>());
    case kStateRequestType:
      return ReadStateRequest(in, message->emplace<StateRequest>());
    case kStateChunkType:
      return ReadStateChunk(in, message->emplace<StateChunkView>());
    default:
      message->emplace<Gossip>();
      return absl::OkStatus();
  }
}

// The head: type, sender and the message's fields; from version 2 on the
// sender's range and the fields' length come between sender and fields, and
// a message of unknown type is skipped (a Gossip, counted in the view).
absl::Status ReadMessage(WireReader& in, uint8_t version, PacketView* packet) {
  uint8_t type = 0;
  if (absl::Status s = in.ReadU8("message type", &type); !s.ok()) return s;
  if (version < 2 && !IsKnownMessageType(type, version)) {
    return DropError(DropReason::kUnknownType,
                     absl::StrCat("message type ", type));
  }
  if (absl::Status s = ReadName(in, "sender", &packet->sender); !s.ok()) {
    return s;
  }
  if (version < 2)
    return ReadMessageFields(in, type, version, &packet->message);
  if (absl::Status s =
          ReadRange(in, "sender protocol range", &packet->sender_protocol);
      !s.ok()) {
    return s;
  }
  if (!packet->sender_protocol.known()) {
    return DropError(DropReason::kBadValue, "sender protocol range unknown");
  }
  absl::string_view fields;
  if (absl::Status s = ReadFramed(in, "message length", &fields); !s.ok()) {
    return s;
  }
  if (!IsKnownMessageType(type, version)) {
    packet->message.emplace<Gossip>();
    ++packet->skipped_messages;
    return absl::OkStatus();
  }
  WireReader item(fields);
  if (absl::Status s = ReadMessageFields(item, type, version, &packet->message);
      !s.ok()) {
    return s;
  }
  return NoTrailing(item, "message's fields");
}

}  // namespace

absl::Status DecodePacketView(absl::string_view body, PacketView* packet,
                              size_t max_body_bytes, uint8_t version) {
  packet->updates.clear();
  packet->broadcasts.clear();
  packet->version = version;
  packet->sender_protocol = ProtocolRange{};
  packet->skipped_messages = 0;
  packet->skipped_updates = 0;
  if (version < kOldestProtocolVersion || version > kNewestProtocolVersion) {
    return DropError(DropReason::kBadVersion,
                     absl::StrCat("protocol version ", version));
  }
  if (body.size() > max_body_bytes) {
    return DropError(
        DropReason::kOversized,
        absl::StrCat(body.size(), " bytes; the limit is ", max_body_bytes));
  }
  WireReader in(body);
  if (absl::Status s = ReadMessage(in, version, packet); !s.ok()) return s;
  uint64_t count = 0;
  if (absl::Status s = in.ReadVarint("update count", &count); !s.ok()) {
    return s;
  }
  const size_t min_update_bytes =
      version < 2 ? kMinUpdateBytes : kMinFramedUpdateBytes;
  if (count > in.remaining() / min_update_bytes) {
    return DropError(DropReason::kTooManyEntries,
                     absl::StrCat(count, " updates announced in ",
                                  in.remaining(), " bytes"));
  }
  packet->updates.resize(count);
  size_t kept = 0;
  for (uint64_t i = 0; i < count; ++i) {
    bool known = true;
    if (absl::Status s =
            ReadUpdate(in, version, &packet->updates[kept], &known);
        !s.ok()) {
      packet->updates.clear();
      return s;
    }
    if (known) {
      ++kept;
    } else {
      ++packet->skipped_updates;
    }
  }
  packet->updates.resize(kept);
  // Version 1 has no broadcasts' section: bytes after the updates are
  // trailing bytes there.
  if (absl::Status s = version >= 2 ? ReadBroadcasts(in, packet->broadcasts)
                                    : absl::OkStatus();
      !s.ok()) {
    packet->updates.clear();
    packet->broadcasts.clear();
    return s;
  }
  if (!in.empty()) {
    packet->updates.clear();
    packet->broadcasts.clear();
    return DropError(
        DropReason::kTrailingBytes,
        absl::StrCat(in.remaining(), " bytes after the last update"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Packet> DecodePacket(absl::string_view body,
                                    size_t max_body_bytes, uint8_t version) {
  PacketView view;
  if (absl::Status s = DecodePacketView(body, &view, max_body_bytes, version);
      !s.ok()) {
    return s;
  }
  return ToPacket(view);
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
