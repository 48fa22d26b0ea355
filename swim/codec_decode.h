// The field readers packet decoding (swim/codec.h's DecodePacketView) is
// built from, shared between codec_decode.cc (the head, updates, version 1
// messages) and codec_decode_v2.cc (what version 2 added: framing, ranges,
// broadcasts, coordinates, the application state exchange). Internal to
// //swim:codec. Each reads from `in`, checks every byte and returns a
// DropError (swim/drop_reason.h) naming what was wrong:
//
//   absl::string_view fields;
//   if (absl::Status s = ReadFramed(in, "message length", &fields); !s.ok())
//     return s;
//   WireReader item(fields);
//   ...
//   return NoTrailing(item, "message's fields");
#ifndef SWIM_CODEC_DECODE_H_
#define SWIM_CODEC_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "swim/coordinate.h"
#include "swim/drop_reason.h"
#include "swim/message.h"
#include "swim/packet_view.h"
#include "swim/protocol_version.h"
#include "swim/wire_reader.h"

namespace swim::wire {

// A member's name: non-empty, within kMaxNameBytes.
absl::Status ReadName(WireReader& in, absl::string_view field,
                      absl::string_view* name);

// A protocol range: two bytes, {0, 0} or 1 <= min <= max.
absl::Status ReadRange(WireReader& in, absl::string_view field,
                       ProtocolRange* range);

// From version 2 on, an item is `length:varint` then exactly that many
// bytes of fields; reads them into `fields`.
absl::Status ReadFramed(WireReader& in, absl::string_view field,
                        absl::string_view* fields);

// OK if `item` (a framed item's fields) was read to its end.
absl::Status NoTrailing(const WireReader& item, absl::string_view what);

// A chunk's total size (within `limit`), offset (within the total) and
// data, the same for metadata and application states.
template <typename ChunkView>
absl::Status ReadChunkTail(WireReader& in, size_t limit, ChunkView& chunk) {
  if (absl::Status s = in.ReadVarint32("total_size", &chunk.total_size);
      !s.ok()) {
    return s;
  }
  if (chunk.total_size > limit) {
    return DropError(DropReason::kBadLength,
                     absl::StrCat("total_size ", chunk.total_size,
                                  " exceeds the limit of ", limit));
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

// The user broadcasts' section (version 2), if any bytes follow the
// updates: a count of at least one, then the broadcasts.
absl::Status ReadBroadcasts(WireReader& in,
                            std::vector<UserBroadcastView>& broadcasts);

// A ping's or ack's coordinate (version 2), when its fields have bytes
// left; the values are the receiver's to judge (swim/vivaldi.h).
absl::Status ReadOptionalCoordinate(WireReader& in, uint8_t version,
                                    std::optional<Coordinate>* coordinate);

// The application state exchange's bodies (version 2), after the sender.
absl::Status ReadStateOffer(WireReader& in, StateOffer& offer);
absl::Status ReadStateRequest(WireReader& in, StateRequest& req);
absl::Status ReadStateChunk(WireReader& in, StateChunkView& chunk);

}  // namespace swim::wire

#endif  // SWIM_CODEC_DECODE_H_
