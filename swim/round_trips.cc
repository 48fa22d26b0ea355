#include "swim/round_trips.h"

#include <algorithm>

#include "swim/state_digest.h"

namespace swim {
namespace {

// Its own stream, so that the protocol's choices (ctx.rng) draw the same
// numbers with or without coordinates.
constexpr uint64_t kVivaldiStream = 0x766976616c6469;  // "vivaldi"

uint32_t NameHash(absl::string_view name) {
  return static_cast<uint32_t>(StableHash(name));
}

template <typename Slot>
Slot& SlotFor(std::vector<Slot>& slots, uint32_t id, uint32_t bound) {
  if (id >= slots.size()) {
    slots.resize(std::max<size_t>({id + size_t{1}, bound, 2 * slots.size()}));
  }
  return slots[id];
}

}  // namespace

RoundTrips::RoundTrips(NodeContext& ctx) : ctx_(ctx) {
  if (ctx_.config.coordinates) {
    vivaldi_.emplace(Prng(ctx_.config.seed).Split(kVivaldiStream));
  }
}

std::optional<Coordinate> RoundTrips::LocalCoordinate() const {
  if (!vivaldi_.has_value()) return std::nullopt;
  return vivaldi_->coordinate();
}

void RoundTrips::OnProbeAcked(uint32_t id, absl::string_view name,
                              absl::Duration rtt,
                              const std::optional<Coordinate>& coordinate) {
  if (id == Members::kLocalId) return;
  const uint32_t hash = NameHash(name);
  Timing& timing = SlotFor(timings_, id, ctx_.members.id_bound());
  if (timing.name_hash != hash) timing = Timing{hash, RttEstimator()};
  timing.rtt.Observe(rtt);
  ++ctx_.counters.rtt_samples;
  if (!vivaldi_.has_value() || !coordinate.has_value() ||
      !Accept(*coordinate)) {
    return;
  }
  Peer& peer = PeerFor(id, hash);
  peer.known = true;
  peer.coordinate = *coordinate;
  const double seconds =
      Filtered(peer, static_cast<double>(absl::ToInt64Nanoseconds(rtt)) / 1e9);
  const size_t resets = vivaldi_->resets();
  vivaldi_->Update(*coordinate, seconds);
  ctx_.counters.coordinate_resets += vivaldi_->resets() - resets;
}

void RoundTrips::OnPing(absl::string_view sender,
                        const std::optional<Coordinate>& coordinate) {
  if (!vivaldi_.has_value() || !coordinate.has_value()) return;
  if (!Accept(*coordinate)) return;
  const std::optional<uint32_t> id = ctx_.members.IdOf(sender);
  if (!id.has_value() || *id == Members::kLocalId) return;
  const uint32_t hash = NameHash(sender);
  Peer& peer = PeerFor(*id, hash);
  peer.known = true;
  peer.coordinate = *coordinate;
  if (*id < timings_.size() && timings_[*id].name_hash == hash &&
      !timings_[*id].rtt.empty()) {
    const double seconds = static_cast<double>(absl::ToInt64Nanoseconds(
                               timings_[*id].rtt.estimate().srtt)) /
                           1e9;
    vivaldi_->Update(*coordinate, seconds);
  }
}

std::optional<RttEstimate> RoundTrips::Rtt(absl::string_view member) const {
  const std::optional<uint32_t> id = ctx_.members.IdOf(member);
  if (!id.has_value() || *id >= timings_.size()) return std::nullopt;
  const Timing& timing = timings_[*id];
  if (timing.rtt.empty() || timing.name_hash != NameHash(member)) {
    return std::nullopt;
  }
  return timing.rtt.estimate();
}

std::optional<absl::Duration> RoundTrips::EstimatedRtt(
    absl::string_view member) const {
  if (!vivaldi_.has_value()) return std::nullopt;
  const std::optional<uint32_t> id = ctx_.members.IdOf(member);
  if (!id.has_value()) return std::nullopt;
  if (*id == Members::kLocalId) return absl::ZeroDuration();
  if (*id >= peers_.size()) return std::nullopt;
  const Peer& peer = peers_[*id];
  if (!peer.known || peer.name_hash != NameHash(member)) return std::nullopt;
  // Whole nanoseconds from plain arithmetic (usable coordinates keep the
  // estimate far below overflow).
  const double seconds =
      EstimateRttSeconds(vivaldi_->coordinate(), peer.coordinate);
  return absl::Nanoseconds(static_cast<int64_t>(seconds * 1e9));
}

RoundTrips::Peer& RoundTrips::PeerFor(uint32_t id, uint32_t name_hash) {
  Peer& peer = SlotFor(peers_, id, ctx_.members.id_bound());
  if (peer.name_hash != name_hash) {
    peer = Peer();
    peer.name_hash = name_hash;
  }
  return peer;
}

bool RoundTrips::Accept(const Coordinate& coordinate) {
  if (IsUsableCoordinate(coordinate)) return true;
  ++ctx_.counters.coordinates_rejected;
  return false;
}

double RoundTrips::Filtered(Peer& peer, double seconds) {
  // A median of the last three drops a single delayed ack (a queue, a
  // pause) that would otherwise pull the coordinate away.
  peer.recent_seconds[peer.recent_next] = seconds;
  peer.recent_next =
      static_cast<uint8_t>((peer.recent_next + 1) % peer.recent_seconds.size());
  if (peer.recent_count < peer.recent_seconds.size()) ++peer.recent_count;
  const std::array<double, 3>& r = peer.recent_seconds;
  if (peer.recent_count < 3) return seconds;  // too few for a median
  return std::max(std::min(r[0], r[1]), std::min(std::max(r[0], r[1]), r[2]));
}

}  // namespace swim
