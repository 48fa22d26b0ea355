// The codec's wire constants: message and update type bytes, flags and the
// smallest sizes decoding bounds allocations by (swim/wire_format.md).
// Private to the codec (codec.cc and codec_encode_head.cc encode,
// codec_decode.cc and codec_decode_v2.cc decode):
//
//   PutU8(out, wire::kPingType);
//   if (count > in.remaining() / wire::kMinUpdateBytes) return TooMany();
#ifndef SWIM_WIRE_TYPES_H_
#define SWIM_WIRE_TYPES_H_

#include <cstddef>
#include <cstdint>

namespace swim::wire {

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
  kUserMessageType = 10,   // version 2
  kStateOfferType = 11,    // version 2
  kStateRequestType = 12,  // version 2
  kStateChunkType = 13,    // version 2
};

enum UpdateType : uint8_t {
  kAliveType = 1,
  kSuspectType = 2,
  kOfflineType = 3,
  kLeftType = 4,
};

constexpr uint8_t kSyncReplyWanted = 0x01;
constexpr uint8_t kStateOfferReplyWanted = 0x01;
constexpr uint8_t kStateOfferJoin = 0x02;
constexpr size_t kDigestBucketBytes = 8;
constexpr uint8_t kAliveMetadataInline = 0x01;

// The smallest update: type, a one-byte name and its length, incarnation.
constexpr size_t kMinUpdateBytes = 4;
// The smallest user broadcast: a one-byte origin and key with their
// lengths, a version and an empty payload's length.
constexpr size_t kMinUserBroadcastBytes = 6;

// From version 2 on: type and length, of an update of unknown type with no
// fields (it is skipped).
constexpr size_t kMinFramedUpdateBytes = 2;
// The smallest metadata entry: an empty key and an empty value.
constexpr size_t kMinMetadataEntryBytes = 2;

}  // namespace swim::wire

#endif  // SWIM_WIRE_TYPES_H_
