// Decoding what protocol version 2 added (swim/wire_format.md, "Version
// 2"): items framed by their length, protocol ranges, the user broadcasts'
// section, coordinates and the application state exchange.
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "swim/codec_decode.h"
#include "swim/drop_reason.h"
#include "swim/message.h"
#include "swim/packet_view.h"
#include "swim/wire_reader.h"
#include "swim/wire_types.h"

namespace swim::wire {
namespace {

absl::Status ReadBroadcast(WireReader& in, UserBroadcastView& broadcast) {
  if (absl::Status s = ReadName(in, "origin", &broadcast.origin); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          in.ReadBytesView("key", kMaxUserKeyBytes, &broadcast.key);
      !s.ok()) {
    return s;
  }
  if (broadcast.key.empty()) {
    return DropError(DropReason::kBadValue, "broadcast key is empty");
  }
  if (absl::Status s = in.ReadVarint("version", &broadcast.version); !s.ok()) {
    return s;
  }
  return in.ReadBytesView("payload", kMaxDatagramBytes, &broadcast.payload);
}

}  // namespace

absl::Status ReadRange(WireReader& in, absl::string_view field,
                       ProtocolRange* range) {
  if (absl::Status s = in.ReadU8(field, &range->min); !s.ok()) return s;
  if (absl::Status s = in.ReadU8(field, &range->max); !s.ok()) return s;
  if (!IsWireRange(*range)) {
    return DropError(DropReason::kBadValue,
                     absl::StrCat(field, " [", range->min, ", ", range->max,
                                  "] is not a range"));
  }
  return absl::OkStatus();
}

absl::Status ReadFramed(WireReader& in, absl::string_view field,
                        absl::string_view* fields) {
  uint64_t length = 0;
  if (absl::Status s = in.ReadVarint(field, &length); !s.ok()) return s;
  if (length > in.remaining()) {
    return DropError(DropReason::kTruncated,
                     absl::StrCat(field, " ", length, " exceeds the ",
                                  in.remaining(), " bytes left"));
  }
  return in.ReadFixedView(field, static_cast<size_t>(length), fields);
}

absl::Status NoTrailing(const WireReader& item, absl::string_view what) {
  if (item.empty()) return absl::OkStatus();
  return DropError(DropReason::kTrailingBytes,
                   absl::StrCat(item.remaining(), " bytes after the ", what));
}

absl::Status ReadBroadcasts(WireReader& in,
                            std::vector<UserBroadcastView>& broadcasts) {
  if (in.empty()) return absl::OkStatus();
  uint64_t count = 0;
  if (absl::Status s = in.ReadVarint("broadcast count", &count); !s.ok()) {
    return s;
  }
  if (count == 0) {
    return DropError(DropReason::kBadValue, "an empty broadcast section");
  }
  if (count > in.remaining() / kMinUserBroadcastBytes) {
    return DropError(DropReason::kTooManyEntries,
                     absl::StrCat(count, " broadcasts announced in ",
                                  in.remaining(), " bytes"));
  }
  broadcasts.resize(count);
  for (UserBroadcastView& broadcast : broadcasts) {
    if (absl::Status s = ReadBroadcast(in, broadcast); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ReadOptionalCoordinate(WireReader& in, uint8_t version,
                                    std::optional<Coordinate>* coordinate) {
  if (version < 2 || in.remaining() == 0) return absl::OkStatus();
  uint8_t dimensions = 0;
  if (absl::Status s = in.ReadU8("coordinate dimensions", &dimensions);
      !s.ok()) {
    return s;
  }
  if (dimensions != kCoordinateDimensions) {
    return DropError(DropReason::kBadValue,
                     absl::StrCat("a coordinate of ", dimensions,
                                  " dimensions, not ", kCoordinateDimensions));
  }
  absl::string_view bytes;
  if (absl::Status s = in.ReadFixedView(
          "coordinate", (kCoordinateDimensions + 3) * sizeof(double), &bytes);
      !s.ok()) {
    return s;
  }
  const auto take = [&bytes]() {
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) {
      bits |= uint64_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
    }
    bytes.remove_prefix(8);
    double value = 0;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
  };
  Coordinate& c = coordinate->emplace();
  for (double& component : c.vec) component = take();
  c.height = take();
  c.adjustment = take();
  c.error = take();
  return absl::OkStatus();
}

absl::Status ReadStateOffer(WireReader& in, StateOffer& offer) {
  if (absl::Status s = in.ReadVarint("version", &offer.version); !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint32("size", &offer.size); !s.ok()) {
    return s;
  }
  if (offer.size > kMaxAppStateBytes) {
    return DropError(DropReason::kBadLength,
                     absl::StrCat("state size ", offer.size,
                                  " exceeds the limit of ", kMaxAppStateBytes));
  }
  uint8_t flags = 0;
  if (absl::Status s = in.ReadU8("offer flags", &flags); !s.ok()) return s;
  if ((flags & ~(kStateOfferReplyWanted | kStateOfferJoin)) != 0) {
    return DropError(DropReason::kBadValue,
                     absl::StrCat("unknown offer flags 0x",
                                  absl::Hex(flags, absl::kZeroPad2)));
  }
  offer.reply_wanted = (flags & kStateOfferReplyWanted) != 0;
  offer.join = (flags & kStateOfferJoin) != 0;
  return absl::OkStatus();
}

absl::Status ReadStateChunk(WireReader& in, StateChunkView& chunk) {
  if (absl::Status s = in.ReadVarint("version", &chunk.version); !s.ok()) {
    return s;
  }
  return ReadChunkTail(in, kMaxAppStateBytes, chunk);
}

absl::Status ReadStateRequest(WireReader& in, StateRequest& req) {
  if (absl::Status s = in.ReadVarint("version", &req.version); !s.ok()) {
    return s;
  }
  if (absl::Status s = in.ReadVarint32("offset", &req.offset); !s.ok()) {
    return s;
  }
  return in.ReadVarint("stamp", &req.stamp);
}

}  // namespace swim::wire
