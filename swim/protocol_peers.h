// What a node knows of its peers' protocol versions, and the version it
// talks to each in (swim/protocol.md, "Protocol versions").
//
// Peers are known by address, as datagrams are sent to addresses. A range
// is learned directly from the head of a datagram of version 2 or later
// (the sender's own word, which wins) or from an Alive that advertises it
// (gossip: a member's range as it announced it). To a peer of unknown range
// the node talks in its oldest version, and, while that is version 1 and it
// speaks 2, follows the first such datagram and every 64th after with a
// version 2 announcement (a Gossip with its own Alive): a version 1
// node drops it as bad_version and nothing else; a version 2 node learns
// the range and answers in version 2 from then on. Eight version 1
// datagrams in a row from a peer we talk to in version 2 make its range
// unknown again (it was rolled back; a version 2 node that knows us never
// sends version 1, only a few in flight as it learns our range).
//
//   ProtocolPeers peers(ctx);
//   peers.OnPacket(from_address, packet);          // learn
//   std::optional<Framing> framing = peers.FramingFor(to_address);
//   if (!framing) return;                          // no common version
//   ... send; then if (peers.ShouldAnnounce(to_address, framing->version))
//   ...   send an announcement
//
// Memory: every member's address gets an entry (its range comes with its
// Alive), so an entry is kept small: a 4-byte key (where its address sits
// in a byte arena), an 8-byte value, and the address bytes themselves,
// about 35 bytes a member at 10,000 (a std::string key took 80).
#ifndef SWIM_PROTOCOL_PEERS_H_
#define SWIM_PROTOCOL_PEERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "swim/codec.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/packet_view.h"
#include "swim/protocol_version.h"

namespace swim {

class ProtocolPeers {
 public:
  explicit ProtocolPeers(NodeContext& ctx);

  ProtocolPeers(const ProtocolPeers&) = delete;
  ProtocolPeers& operator=(const ProtocolPeers&) = delete;

  // The range this node speaks (its config's).
  ProtocolRange local() const { return local_; }

  // ---- Learning. ----
  // A datagram of packet.version arrived from `from_address` (not from
  // ourselves): learns the sender's range from a version 2 head, and the
  // ranges its Alive updates advertise. A version 1 datagram from a peer
  // believed to speak 2 counts towards making its range unknown again.
  void OnPacket(absl::string_view from_address, const PacketView& packet);
  // A member known from outside the protocol (Node::AddKnownMembers).
  void OnKnown(const Alive& alive);
  // Makes room for the entries OnKnown would add for `members`, so that
  // learning many at once does not grow the table over and over.
  void ReserveForKnown(absl::Span<const Alive> members);

  // ---- Sending. ----
  // How to write a datagram to `to_address`; nullopt (and counted in
  // counters.versions.no_overlap) if its range shares no version with ours.
  std::optional<Framing> FramingFor(absl::string_view to_address) const;
  // A datagram of `version` went to `to_address`: whether a version 2
  // announcement should follow it (see above); counts it if so.
  bool ShouldAnnounce(absl::string_view to_address, uint8_t version);
  // The framing of announcements: the oldest version from 2 on we speak.
  Framing AnnouncementFraming() const;
  // The range to advertise in the Alive of a member at `address`: ours for
  // the local member, else what we learned ({0, 0} if nothing).
  ProtocolRange AdvertisedRange(bool local, absl::string_view address) const;

  // The known range of the peer at `address` ({0, 0} if unknown).
  ProtocolRange RangeOf(absl::string_view address) const;

 private:
  struct Peer {
    uint32_t unknown_sends = 0;  // datagrams sent while unknown
    ProtocolRange range;         // {0, 0}: unknown
    bool direct = false;         // learned from the peer's own datagram
    // Received while we talk 2 to it; reset at kVersion1InARow (8).
    uint8_t version1_in_a_row = 0;
  };

  // Keys are offsets into arena_, where each address is stored once,
  // prefixed by its length; hash and equality go through the bytes, so the
  // table is searched by address.
  struct ArenaHash {
    using is_transparent = void;
    const ProtocolPeers* peers;
    size_t operator()(uint32_t key) const {
      return absl::Hash<absl::string_view>()(peers->AddressAt(key));
    }
    size_t operator()(absl::string_view address) const {
      return absl::Hash<absl::string_view>()(address);
    }
  };
  struct ArenaEq {
    using is_transparent = void;
    const ProtocolPeers* peers;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, absl::string_view b) const {
      return peers->AddressAt(a) == b;
    }
    bool operator()(absl::string_view a, uint32_t b) const {
      return a == peers->AddressAt(b);
    }
  };

  absl::string_view AddressAt(uint32_t key) const;
  // Appends `address` to the arena; its key.
  uint32_t Store(absl::string_view address);
  void Clear();

  // The entry for `address`, made if need be (the table is cleared, and
  // counted, when it would exceed config.max_members entries).
  Peer& Entry(absl::string_view address);
  // The entry for `address`, or nullptr; remembered as the last one found.
  const Peer* Find(absl::string_view address) const;
  Peer* FindMutable(absl::string_view address);
  // Forgets the last entry found: the table grew, moved or was cleared.
  void ForgetLastFound() const { last_found_ = nullptr; }
  void LearnFromGossip(absl::string_view address, ProtocolRange range);

  NodeContext& ctx_;
  ProtocolRange local_;
  std::vector<char> arena_;
  absl::flat_hash_map<uint32_t, Peer, ArenaHash, ArenaEq> peers_;
  // The last entry found and its key: a datagram's sender is looked up as
  // it arrives and again for the reply, so one entry saves a table probe
  // (with its cache misses) per reply. Forgotten before every insert,
  // reserve and clear (an erase would have to forget it too). Written by
  // const lookups: a node is used from one thread at a time anyway.
  mutable const Peer* last_found_ = nullptr;
  mutable uint32_t last_found_key_ = 0;
};

}  // namespace swim

#endif  // SWIM_PROTOCOL_PEERS_H_
