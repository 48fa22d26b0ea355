// Decoding packet bodies (codec.h): every byte checked, every error a
// DropError, allocations bounded by the input's size.
#include <cstdint>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/packet_view.h"
#include "swim/wire_reader.h"
#include "swim/wire_types.h"

namespace swim {
namespace {

using wire::kAckType;
using wire::kAliveMetadataInline;
using wire::kAliveType;
using wire::kDigestBucketBytes;
using wire::kLeftType;
using wire::kMetaChunkType;
using wire::kMetaRequestType;
using wire::kMinMetadataEntryBytes;
using wire::kMinUpdateBytes;
using wire::kNackType;
using wire::kOfflineType;
using wire::kPingReqType;
using wire::kPingType;
using wire::kSuspectType;
using wire::kSyncDigestType;
using wire::kSyncReplyWanted;
using wire::kSyncType;
using wire::WireReader;

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
  if (absl::Status s = in.ReadFixedView("buckets", count * kDigestBucketBytes,
                                        &digest.bucket_bytes);
      !s.ok()) {
    return s;
  }
  return in.ReadVarint("stamp", &digest.stamp);
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
      Sync& sync = message->emplace<Sync>();
      sync.reply_wanted = (flags & kSyncReplyWanted) != 0;
      return in.ReadVarint("stamp", &sync.stamp);
    }
    case kMetaRequestType: {
      MetaRequestView& req = message->emplace<MetaRequestView>();
      if (absl::Status s = ReadName(in, "member", &req.member); !s.ok()) {
        return s;
      }
      if (absl::Status s = in.ReadVarint("version", &req.version); !s.ok()) {
        return s;
      }
      if (absl::Status s = in.ReadVarint32("offset", &req.offset); !s.ok()) {
        return s;
      }
      return in.ReadVarint("stamp", &req.stamp);
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
