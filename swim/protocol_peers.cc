#include "swim/protocol_peers.h"

#include <algorithm>
#include <cstring>
#include <variant>

namespace swim {
namespace {

// Announcements to a peer of unknown range go with the first of its
// datagrams, then every kAnnounceEvery-th. A version 2 peer learns of us at
// once (if that one is lost: from its own announcement to us, or later
// one); a version 1 peer drops one datagram in kAnnounceEvery (about 1.6%).
// More often costs a large cluster's formation: in the join benchmark
// (1,000 nodes, seed 11) announcing with the 4th and 16th too took full
// views from 2.8 s to 4.7 s.
constexpr uint32_t kAnnounceEvery = 64;

bool IsAnnouncementTurn(uint32_t sends) {
  return sends == 1 || sends % kAnnounceEvery == 0;
}

// Version 1 datagrams in a row from a peer that we talk to in version 2
// before we take it that it no longer speaks 2 (it was rolled back). Fewer
// come from a peer that just learned our range: those it sent before.
constexpr uint32_t kVersion1InARow = 8;
static_assert(kVersion1InARow < 256, "counted in a uint8_t");

// An address's length in the arena: one byte below kLongAddress, else
// kLongAddress and four bytes.
constexpr uint8_t kLongAddress = 255;

}  // namespace

ProtocolPeers::ProtocolPeers(NodeContext& ctx)
    : ctx_(ctx),
      local_{static_cast<uint8_t>(ctx.config.protocol_version_min),
             static_cast<uint8_t>(ctx.config.protocol_version_max)},
      peers_(0, ArenaHash{this}, ArenaEq{this}) {}

absl::string_view ProtocolPeers::AddressAt(uint32_t key) const {
  const char* p = arena_.data() + key;
  size_t size = static_cast<uint8_t>(*p++);
  if (size == kLongAddress) {
    uint32_t long_size = 0;
    std::memcpy(&long_size, p, sizeof(long_size));
    p += sizeof(long_size);
    size = long_size;
  }
  return absl::string_view(p, size);
}

uint32_t ProtocolPeers::Store(absl::string_view address) {
  const uint32_t key = static_cast<uint32_t>(arena_.size());
  // Grown by a quarter rather than doubled (a vector, as std::string's
  // reserve doubles anyway): the arena lives as long as the node, and
  // doubling would leave up to half of it unused.
  const size_t needed = arena_.size() + 1 + sizeof(uint32_t) + address.size();
  if (needed > arena_.capacity()) {
    arena_.reserve(std::max(needed, arena_.size() + arena_.size() / 4));
  }
  if (address.size() < kLongAddress) {
    arena_.push_back(static_cast<char>(address.size()));
  } else {
    arena_.push_back(static_cast<char>(kLongAddress));
    const uint32_t size = static_cast<uint32_t>(address.size());
    const char* bytes = reinterpret_cast<const char*>(&size);
    arena_.insert(arena_.end(), bytes, bytes + sizeof(size));
  }
  arena_.insert(arena_.end(), address.begin(), address.end());
  return key;
}

void ProtocolPeers::Clear() {
  ForgetLastFound();
  peers_.clear();
  arena_.clear();
}

const ProtocolPeers::Peer* ProtocolPeers::Find(
    absl::string_view address) const {
  if (last_found_ != nullptr && AddressAt(last_found_key_) == address) {
    return last_found_;
  }
  auto it = peers_.find(address);
  if (it == peers_.end()) return nullptr;
  last_found_ = &it->second;
  last_found_key_ = it->first;
  return last_found_;
}

ProtocolPeers::Peer* ProtocolPeers::FindMutable(absl::string_view address) {
  // The table itself is not const here: neither is the entry found.
  return const_cast<Peer*>(Find(address));
}

ProtocolPeers::Peer& ProtocolPeers::Entry(absl::string_view address) {
  if (Peer* found = FindMutable(address)) return *found;
  // Bounded like the member table; a full table starts over, which costs
  // only a few announcements (every peer is re-learned from its next
  // datagram).
  // (Offsets are 32-bit: a table of 4 GiB of addresses starts over too.)
  if (peers_.size() >= static_cast<size_t>(ctx_.config.max_members) ||
      arena_.size() + address.size() >= uint32_t{0xFFFFFF00}) {
    Clear();
    ++ctx_.counters.versions.table_resets;
  }
  ForgetLastFound();  // the insert may move every entry
  return peers_[Store(address)];
}

void ProtocolPeers::LearnFromGossip(absl::string_view address,
                                    ProtocolRange range) {
  if (!range.known() || address.empty()) return;
  Peer& peer = Entry(address);
  if (peer.direct) return;  // the peer's own word wins
  peer.range = range;
}

void ProtocolPeers::OnPacket(absl::string_view from_address,
                             const PacketView& packet) {
  ctx_.counters.versions.messages_skipped += packet.skipped_messages;
  ctx_.counters.versions.updates_skipped += packet.skipped_updates;
  for (const UpdateView& update : packet.updates) {
    const AliveView* alive = std::get_if<AliveView>(&update);
    if (alive == nullptr || alive->member == ctx_.config.name) continue;
    LearnFromGossip(alive->address, alive->protocol);
  }
  if (packet.version >= 2) {
    Peer& peer = Entry(from_address);
    peer.range = packet.sender_protocol;
    peer.direct = true;
    peer.version1_in_a_row = 0;
    return;
  }
  Peer* found = FindMutable(from_address);
  if (found == nullptr) return;
  Peer& peer = *found;
  std::optional<uint8_t> expected = CommonVersion(local_, peer.range);
  if (!expected.has_value() || *expected < 2) return;
  if (++peer.version1_in_a_row < kVersion1InARow) return;
  // Unknown again, by the peer's own doing: gossip of its old range does
  // not bring it back, only a datagram of version 2 from it.
  peer = Peer{};
  peer.direct = true;
}

void ProtocolPeers::OnKnown(const Alive& alive) {
  if (alive.member == ctx_.config.name) return;
  LearnFromGossip(alive.address, alive.protocol);
}

void ProtocolPeers::ReserveForKnown(absl::Span<const Alive> members) {
  size_t entries = 0;
  size_t bytes = 0;
  for (const Alive& alive : members) {
    if (alive.member == ctx_.config.name || !alive.protocol.known() ||
        alive.address.empty()) {
      continue;
    }
    ++entries;
    bytes += 1 + alive.address.size();
  }
  // Past the bound the table starts over anyway (Entry).
  const size_t bound = static_cast<size_t>(ctx_.config.max_members);
  if (entries == 0 || peers_.size() + entries > bound) return;
  ForgetLastFound();
  peers_.reserve(peers_.size() + entries);
  arena_.reserve(arena_.size() + bytes);
}

std::optional<Framing> ProtocolPeers::FramingFor(
    absl::string_view to_address) const {
  Framing framing;
  framing.sender_protocol = local_;
  const ProtocolRange theirs = RangeOf(to_address);
  if (!theirs.known()) {
    framing.version = local_.min;
    return framing;
  }
  std::optional<uint8_t> common = CommonVersion(local_, theirs);
  if (!common.has_value()) {
    ++ctx_.counters.versions.no_overlap;
    return std::nullopt;
  }
  framing.version = *common;
  return framing;
}

bool ProtocolPeers::ShouldAnnounce(absl::string_view to_address,
                                   uint8_t version) {
  if (version >= 2 || local_.max < 2) return false;
  Peer& peer = Entry(to_address);
  if (peer.range.known()) return false;
  ++peer.unknown_sends;
  if (!IsAnnouncementTurn(peer.unknown_sends)) return false;
  ++ctx_.counters.versions.announcements;
  return true;
}

Framing ProtocolPeers::AnnouncementFraming() const {
  Framing framing;
  framing.version = std::max<uint8_t>(local_.min, 2);
  framing.sender_protocol = local_;
  return framing;
}

ProtocolRange ProtocolPeers::AdvertisedRange(bool local,
                                             absl::string_view address) const {
  return local ? local_ : RangeOf(address);
}

ProtocolRange ProtocolPeers::RangeOf(absl::string_view address) const {
  const Peer* found = Find(address);
  return found != nullptr ? found->range : ProtocolRange{};
}

}  // namespace swim
