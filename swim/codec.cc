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
#include "swim/codec_encode.h"
#include "swim/wire_types.h"
#include "swim/wire_writer.h"

namespace swim {
namespace wire {

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

void FrameFrom(std::string& out, size_t fields_at) {
  std::string length;
  PutVarint(length, out.size() - fields_at);
  out.insert(fields_at, length);
}

}  // namespace wire

namespace {

using wire::CheckAddress;
using wire::CheckName;
using wire::FrameFrom;
using wire::kAliveMetadataInline;
using wire::kAliveType;
using wire::kLeftType;
using wire::kOfflineType;
using wire::kSuspectType;
using wire::PutBytes;
using wire::PutHead;
using wire::PutU8;
using wire::PutVarint;
using wire::UpdateType;
using wire::VarintSize;

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
