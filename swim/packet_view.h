// Zero-copy views of decoded packets, for the receive hot path.
//
// DecodePacketView() checks a body exactly as DecodePacket() does but
// allocates nothing per field: names, addresses and metadata are
// string_views into the body, which must outlive the view. A node looks
// members up by these views and copies only what it keeps. Reusing one
// PacketView across datagrams also reuses its update vector.
//
//   PacketView view;
//   if (absl::Status s = DecodePacketView(body, &view); !s.ok()) return s;
//   for (const UpdateView& update : view.updates) Apply(update);
//
// ToPacket() turns a view into an owning Packet (swim/message.h).
#ifndef SWIM_PACKET_VIEW_H_
#define SWIM_PACKET_VIEW_H_

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "swim/message.h"

namespace swim {

struct AliveView {
  absl::string_view member;
  absl::string_view address;
  uint64_t incarnation = 0;
  uint64_t metadata_version = 0;
  uint32_t metadata_size = 0;
  // The encoded metadata (DecodeMetadata() reads it), when carried inline.
  // Already checked to be well formed.
  std::optional<absl::string_view> metadata;
  ProtocolRange protocol;  // {0, 0} if not advertised (always in version 1)
};

struct SuspectView {
  absl::string_view member;
  uint64_t incarnation = 0;
  absl::string_view accuser;
};

struct OfflineView {
  absl::string_view member;
  uint64_t incarnation = 0;
  absl::string_view accuser;
};

struct LeftView {
  absl::string_view member;
  uint64_t incarnation = 0;
};

using UpdateView = std::variant<AliveView, SuspectView, OfflineView, LeftView>;

struct PingView {
  uint32_t seq = 0;
  absl::string_view target;
  std::optional<Coordinate> coordinate = std::nullopt;
};

struct PingReqView {
  uint32_t seq = 0;
  absl::string_view target;
  absl::string_view target_address;
};

struct MetaRequestView {
  absl::string_view member;
  uint64_t version = 0;
  uint32_t offset = 0;
  uint64_t stamp = 0;
};

struct MetaChunkView {
  absl::string_view member;
  uint64_t version = 0;
  uint32_t total_size = 0;
  uint32_t offset = 0;
  absl::string_view data;
};

struct SyncDigestView {
  bool reply_wanted = false;
  // bucket_count() little-endian 64-bit sums.
  absl::string_view bucket_bytes;
  uint64_t stamp = 0;

  size_t bucket_count() const { return bucket_bytes.size() / 8; }
  uint64_t bucket(size_t i) const;
};

struct UserMessageView {
  absl::string_view payload;
};

struct StateChunkView {
  uint64_t version = 0;
  uint32_t total_size = 0;
  uint32_t offset = 0;
  absl::string_view data;
};

// Messages without strings are their own views.
using MessageView =
    std::variant<PingView, Ack, Nack, PingReqView, Sync, MetaRequestView,
                 MetaChunkView, Gossip, SyncDigestView, UserMessageView,
                 StateOffer, StateRequest, StateChunkView>;

struct UserBroadcastView {
  absl::string_view origin;
  absl::string_view key;
  uint64_t version = 0;
  absl::string_view payload;
};

struct PacketView {
  absl::string_view sender;
  MessageView message;
  std::vector<UpdateView> updates;
  std::vector<UserBroadcastView> broadcasts;
  // The body's protocol version, and (from version 2 on) the versions the
  // sender speaks; {0, 0} in version 1.
  uint8_t version = 1;
  ProtocolRange sender_protocol;
  // Items of types this decoder does not know, skipped (version 2 on): a
  // message so skipped leaves `message` a Gossip.
  uint32_t skipped_messages = 0;
  uint32_t skipped_updates = 0;
};

// An owning copy of `view`.
Packet ToPacket(const PacketView& view);
Update ToUpdate(const UpdateView& view);
Message ToMessage(const MessageView& view);
UserBroadcast ToUserBroadcast(const UserBroadcastView& view);

}  // namespace swim

#endif  // SWIM_PACKET_VIEW_H_
