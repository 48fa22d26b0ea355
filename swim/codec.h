// Binary encoding of Packets (the body of a datagram, before sealing).
//
// The format is specified in swim/wire_format.md. Decoding trusts no byte:
// any input yields either a Packet or a DropError status (swim/drop_reason.h)
// that names what was wrong, and allocations are bounded by the input size.
// Encoding fills a packet up to a byte budget with as many updates as fit:
//
//   absl::StatusOr<PacketWriter> writer =
//       PacketWriter::Start(budget_bytes, "node-a", Ack{seq});
//   for (const Update& u : queue) if (!writer->Add(u)) break;
//   std::string body = std::move(*writer).Finish();
//   ...
//   absl::StatusOr<Packet> packet = DecodePacket(body);
#ifndef SWIM_CODEC_H_
#define SWIM_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "swim/message.h"
#include "swim/packet_view.h"
#include "swim/protocol_version.h"

namespace swim {

// Which protocol version a body is written in (swim/wire_format.md) and,
// from version 2 on, the sender's range that its head advertises.
struct Framing {
  uint8_t version = 1;
  ProtocolRange sender_protocol;  // ignored in version 1
};

// Builds one packet body within a byte budget.
class PacketWriter {
 public:
  // Begins a packet from `sender` carrying `message`, in `framing`. Fails
  // if a field is over its limit, the framing is not one this build speaks
  // (or, from version 2 on, its range is not proper), or the packet
  // without updates would exceed `budget_bytes`.
  static absl::StatusOr<PacketWriter> Start(size_t budget_bytes,
                                            absl::string_view sender,
                                            const Message& message,
                                            Framing framing = {});

  // Appends `update` if the packet stays within budget; otherwise (or if a
  // field is over its limit) returns false and leaves the packet unchanged.
  bool Add(const Update& update);
  // Appends `broadcast` after the updates, under the same rule.
  bool AddBroadcast(const UserBroadcast& broadcast);

  size_t update_count() const { return update_count_; }
  size_t broadcast_count() const { return broadcast_count_; }
  // Size the body would have if finished now.
  size_t size() const;
  size_t budget_bytes() const { return budget_bytes_; }
  uint8_t version() const { return version_; }

  // The encoded body; never longer than the budget.
  std::string Finish() &&;

 private:
  PacketWriter(size_t budget_bytes, uint8_t version)
      : budget_bytes_(budget_bytes), version_(version) {}

  size_t budget_bytes_;
  uint8_t version_;
  std::string head_;     // type, sender, message fields
  std::string updates_;  // encoded updates, after the count
  size_t update_count_ = 0;
  // The user broadcasts' section: only written when it has any, so that
  // packets without stay byte for byte as in version 1.
  std::string broadcasts_;
  size_t broadcast_count_ = 0;
};

// Encodes `packet` with no budget (for tests and tools). Fails if a field is
// over its limit.
absl::StatusOr<std::string> EncodePacket(const Packet& packet,
                                         Framing framing = {});

// Bytes `update` takes in a packet of `version`; 0 if it cannot be encoded.
size_t EncodedSize(const Update& update, uint8_t version = 1);

// Decodes one packet body of protocol `version` (the envelope's) and at
// most `max_body_bytes` into a zero-copy view (swim/packet_view.h) that
// borrows from `body`. Every error is a DropError; on error
// `packet->updates` is empty and nothing else in it is meaningful. From
// version 2 on, messages and updates of unknown types are skipped and
// counted in the view rather than fatal.
absl::Status DecodePacketView(absl::string_view body, PacketView* packet,
                              size_t max_body_bytes = kMaxDatagramBytes,
                              uint8_t version = 1);

// Decodes one packet body of at most `max_body_bytes` into an owning
// Packet. Every error is a DropError.
absl::StatusOr<Packet> DecodePacket(absl::string_view body,
                                    size_t max_body_bytes = kMaxDatagramBytes,
                                    uint8_t version = 1);

// The canonical encoding of a metadata map (keys in order), as carried
// inline in Alive and in parts by MetaChunk.
absl::StatusOr<std::string> EncodeMetadata(const Metadata& metadata);
absl::StatusOr<Metadata> DecodeMetadata(absl::string_view bytes);

}  // namespace swim

#endif  // SWIM_CODEC_H_
