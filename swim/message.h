// The messages swim nodes exchange, as plain values.
//
// A datagram carries one Packet: the sender's name, one Message (the reason
// the datagram was sent) and any number of piggybacked membership Updates.
// swim/codec.h turns Packets into bytes and back; swim/wire_format.md is the
// byte-level specification. Adding a message means adding a struct here, an
// alternative to Message, and its case in codec.cc and the spec.
//
//   Packet packet;
//   packet.sender = "node-a";
//   packet.message = Ping{7, "node-b"};
//   packet.updates.push_back(Left{"node-c", 3});
#ifndef SWIM_MESSAGE_H_
#define SWIM_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "swim/coordinate.h"
#include "swim/protocol_version.h"

namespace swim {

// Hard limits of the format. Configs may set tighter ones.
inline constexpr size_t kMaxNameBytes = 255;          // member names, addresses
inline constexpr size_t kMaxMetadataKeyBytes = 255;   // one metadata key
inline constexpr size_t kMaxMetadataBytes = 1 << 20;  // one encoded map
inline constexpr size_t kMaxDatagramBytes = 65507;    // largest UDP payload
inline constexpr size_t kMaxDigestBuckets = 128;      // SyncDigest buckets
inline constexpr size_t kMaxUserKeyBytes = 255;       // a user broadcast key
inline constexpr size_t kMaxAppStateBytes = 1 << 24;  // an application state

// A member's metadata: string keys to byte values, replaced whole by its
// owner. Ordered, so its encoding is canonical.
using Metadata = std::map<std::string, std::string, std::less<>>;

// ---- Membership updates (gossip). ----

// The member is alive at `incarnation`; its metadata is at
// `metadata_version` and encodes to `metadata_size` bytes. The map itself
// rides along when it fits the datagram; otherwise receivers fetch it with
// MetaRequest.
struct Alive {
  std::string member;
  std::string address;  // where the member receives datagrams, "host:port"
  uint64_t incarnation = 0;
  uint64_t metadata_version = 0;
  uint32_t metadata_size = 0;
  std::optional<Metadata> metadata;
  // The protocol versions the member speaks, as it advertised them
  // (swim/protocol_version.h); {0, 0} if not known. Version 2 carries it;
  // version 1 has no room for it.
  ProtocolRange protocol;

  bool operator==(const Alive& o) const;
};

// `accuser` suspects `member` at `incarnation` of having failed.
struct Suspect {
  std::string member;
  uint64_t incarnation = 0;
  std::string accuser;

  bool operator==(const Suspect& o) const;
};

// `accuser` declares `member` at `incarnation` failed (offline).
struct Offline {
  std::string member;
  uint64_t incarnation = 0;
  std::string accuser;

  bool operator==(const Offline& o) const;
};

// `member` left the cluster gracefully at `incarnation`.
struct Left {
  std::string member;
  uint64_t incarnation = 0;

  bool operator==(const Left& o) const;
};

using Update = std::variant<Alive, Suspect, Offline, Left>;

// ---- The message a datagram is sent for. ----

// Are you alive? `target` names the member the sender means to reach, so a
// different member now at that address does not answer for it.
struct Ping {
  uint32_t seq = 0;
  std::string target;
  // The sender's network coordinate (Config::coordinates; version 2 only).
  std::optional<Coordinate> coordinate = std::nullopt;

  bool operator==(const Ping& o) const;
};

// Answer to Ping with the same seq (directly, or forwarded by a relay).
struct Ack {
  uint32_t seq = 0;
  // The sender's network coordinate (Config::coordinates; version 2 only).
  std::optional<Coordinate> coordinate = std::nullopt;

  bool operator==(const Ack& o) const;
};

// A relay's answer to PingReq: the target did not answer in time (Lifeguard).
struct Nack {
  uint32_t seq = 0;

  bool operator==(const Nack& o) const;
};

// Please ping `target` at `target_address` for me; answer Ack or Nack `seq`.
struct PingReq {
  uint32_t seq = 0;
  std::string target;
  std::string target_address;

  bool operator==(const PingReq& o) const;
};

// One part of a push-pull anti-entropy exchange: the updates of this packet
// are (part of) the sender's full membership state. With `reply_wanted`,
// the receiver answers with its own state.
struct Sync {
  bool reply_wanted = false;
  // The sender's request stamp (swim/replay_guard.h); 0 when no reply is
  // wanted.
  uint64_t stamp = 0;

  bool operator==(const Sync& o) const;
};

// A summary of the sender's whole membership for anti-entropy
// (swim/state_digest.h): members hashed into buckets by name, each bucket
// the sum of its members' state hashes. The receiver answers, in Sync
// packets, with its members of every bucket whose sum differs; with
// `reply_wanted` (and a difference) it also sends its own digest, so that
// the first sender does the same. In a converged cluster an exchange is two
// small datagrams instead of two full states.
struct SyncDigest {
  bool reply_wanted = false;
  std::vector<uint64_t> buckets;  // 1 to kMaxDigestBuckets
  uint64_t stamp = 0;             // request stamp (swim/replay_guard.h)

  bool operator==(const SyncDigest& o) const;
};

// Send me bytes of `member`'s encoded metadata at `version`, from `offset`.
struct MetaRequest {
  std::string member;
  uint64_t version = 0;
  uint32_t offset = 0;
  uint64_t stamp = 0;  // request stamp (swim/replay_guard.h)

  bool operator==(const MetaRequest& o) const;
};

// Bytes [offset, offset + data.size()) of `member`'s encoded metadata at
// `version`, which is `total_size` bytes long.
struct MetaChunk {
  std::string member;
  uint64_t version = 0;
  uint32_t total_size = 0;
  uint32_t offset = 0;
  std::string data;

  bool operator==(const MetaChunk& o) const;
};

// No message of its own: the datagram exists for its updates.
struct Gossip {
  bool operator==(const Gossip&) const { return true; }
};

// An application's datagram for one member (Node::SendTo), best effort.
struct UserMessage {
  std::string payload;

  bool operator==(const UserMessage& o) const;
};

// ---- Application state exchange (swim/app_state.h), version 2. ----

// The sender's application state is at `version` and `size` bytes long;
// fetch it with StateRequest if it is news. Sent at each anti-entropy
// exchange; `join` when it is part of a join; with `reply_wanted` the
// receiver offers its own in return.
struct StateOffer {
  uint64_t version = 0;
  uint32_t size = 0;
  bool join = false;
  bool reply_wanted = false;

  bool operator==(const StateOffer& o) const;
};

// Send me bytes of your application state at `version`, from `offset`.
struct StateRequest {
  uint64_t version = 0;
  uint32_t offset = 0;
  uint64_t stamp = 0;  // request stamp (swim/replay_guard.h)

  bool operator==(const StateRequest& o) const;
};

// Bytes [offset, offset + data.size()) of the sender's application state
// at `version`, which is `total_size` bytes long.
struct StateChunk {
  uint64_t version = 0;
  uint32_t total_size = 0;
  uint32_t offset = 0;
  std::string data;

  bool operator==(const StateChunk& o) const;
};

// Append new messages at the end: counters index messages by position.
using Message =
    std::variant<Ping, Ack, Nack, PingReq, Sync, MetaRequest, MetaChunk, Gossip,
                 SyncDigest, UserMessage, StateOffer, StateRequest, StateChunk>;

// ---- Application broadcasts (Node::Broadcast), piggybacked like updates.

// `origin`'s broadcast under `key` at `version`; a later version of the
// same (origin, key) replaces it (swim/user_broadcasts.h).
struct UserBroadcast {
  std::string origin;
  std::string key;
  uint64_t version = 0;
  std::string payload;

  bool operator==(const UserBroadcast& o) const;
};

struct Packet {
  std::string sender;  // name of the sending member
  Message message;
  std::vector<Update> updates;
  // After the updates; none in most packets (wire_format.md, version 2).
  std::vector<UserBroadcast> broadcasts;

  bool operator==(const Packet& o) const;
};

}  // namespace swim

#endif  // SWIM_MESSAGE_H_
