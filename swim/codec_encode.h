// The encoding steps that codec.cc's PacketWriter shares with
// codec_encode_head.cc (a packet's head: message type, sender, the
// message's fields). Internal to //swim:codec. Each checks its fields
// against the limits of swim/message.h first, so that nothing over them is
// ever written:
//
//   if (absl::Status s = CheckName("member", alive.member); !s.ok()) return s;
//   const size_t start = out.size();
//   ... write the fields ...
//   if (version >= 2) FrameFrom(out, start);
#ifndef SWIM_CODEC_ENCODE_H_
#define SWIM_CODEC_ENCODE_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "swim/codec.h"
#include "swim/message.h"

namespace swim::wire {

// A member name: non-empty, within kMaxNameBytes.
absl::Status CheckName(absl::string_view field, absl::string_view name);
// An address: within kMaxNameBytes (empty is allowed).
absl::Status CheckAddress(absl::string_view address);

// From version 2 on, an item (a message's fields, an update's) is framed
// by its length so that a decoder can skip a type it does not know: this
// puts varint(length of out[fields_at..]) at `fields_at`.
void FrameFrom(std::string& out, size_t fields_at);

// Writes the head of a packet from `sender` carrying `message` in
// `framing` into `out`; fails if the framing is not one this build speaks,
// the message needs a later version, or a field is over its limit.
absl::Status PutHead(std::string& out, absl::string_view sender,
                     const Message& message, const Framing& framing);

}  // namespace swim::wire

#endif  // SWIM_CODEC_ENCODE_H_
