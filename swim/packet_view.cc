#include "swim/packet_view.h"

#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "swim/codec.h"

namespace swim {
namespace {

std::string Own(absl::string_view view) {
  return std::string(view.data(), view.size());
}

struct ToOwnedUpdate {
  Update operator()(const AliveView& v) const {
    Alive alive;
    alive.member = Own(v.member);
    alive.address = Own(v.address);
    alive.incarnation = v.incarnation;
    alive.metadata_version = v.metadata_version;
    alive.metadata_size = v.metadata_size;
    alive.protocol = v.protocol;
    if (v.metadata.has_value()) {
      // Checked by DecodePacketView; a view built by hand may be malformed,
      // and then carries an empty map rather than garbage.
      absl::StatusOr<Metadata> metadata = DecodeMetadata(*v.metadata);
      alive.metadata = metadata.ok() ? *std::move(metadata) : Metadata();
    }
    return alive;
  }
  Update operator()(const SuspectView& v) const {
    return Suspect{Own(v.member), v.incarnation, Own(v.accuser)};
  }
  Update operator()(const OfflineView& v) const {
    return Offline{Own(v.member), v.incarnation, Own(v.accuser)};
  }
  Update operator()(const LeftView& v) const {
    return Left{Own(v.member), v.incarnation};
  }
};

struct ToOwnedMessage {
  Message operator()(const PingView& v) const {
    return Ping{v.seq, Own(v.target), v.coordinate};
  }
  Message operator()(const PingReqView& v) const {
    return PingReq{v.seq, Own(v.target), Own(v.target_address)};
  }
  Message operator()(const MetaRequestView& v) const {
    return MetaRequest{Own(v.member), v.version, v.offset, v.stamp};
  }
  Message operator()(const MetaChunkView& v) const {
    return MetaChunk{Own(v.member), v.version, v.total_size, v.offset,
                     Own(v.data)};
  }
  Message operator()(const SyncDigestView& v) const {
    SyncDigest digest;
    digest.reply_wanted = v.reply_wanted;
    digest.buckets.reserve(v.bucket_count());
    for (size_t i = 0; i < v.bucket_count(); ++i) {
      digest.buckets.push_back(v.bucket(i));
    }
    digest.stamp = v.stamp;
    return digest;
  }
  Message operator()(const UserMessageView& v) const {
    return UserMessage{Own(v.payload)};
  }
  Message operator()(const StateChunkView& v) const {
    return StateChunk{v.version, v.total_size, v.offset, Own(v.data)};
  }
  // Ack, Nack, Sync, Gossip, StateOffer and StateRequest are their own
  // views.
  template <typename Plain>
  Message operator()(const Plain& v) const {
    return v;
  }
};

}  // namespace

uint64_t SyncDigestView::bucket(size_t i) const {
  uint64_t value = 0;
  for (size_t b = 0; b < 8; ++b) {
    value |=
        static_cast<uint64_t>(static_cast<uint8_t>(bucket_bytes[8 * i + b]))
        << (8 * b);
  }
  return value;
}

Update ToUpdate(const UpdateView& view) {
  return std::visit(ToOwnedUpdate{}, view);
}

Message ToMessage(const MessageView& view) {
  return std::visit(ToOwnedMessage{}, view);
}

UserBroadcast ToUserBroadcast(const UserBroadcastView& view) {
  return UserBroadcast{Own(view.origin), Own(view.key), view.version,
                       Own(view.payload)};
}

Packet ToPacket(const PacketView& view) {
  Packet packet;
  packet.sender = Own(view.sender);
  packet.message = ToMessage(view.message);
  packet.updates.reserve(view.updates.size());
  for (const UpdateView& update : view.updates) {
    packet.updates.push_back(ToUpdate(update));
  }
  packet.broadcasts.reserve(view.broadcasts.size());
  for (const UserBroadcastView& broadcast : view.broadcasts) {
    packet.broadcasts.push_back(ToUserBroadcast(broadcast));
  }
  return packet;
}

}  // namespace swim
