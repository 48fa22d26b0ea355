#include "swim/probe_ring.h"

#include <openssl/siphash.h>

#include <algorithm>
#include <utility>

#include "absl/numeric/int128.h"

namespace swim {
namespace {

// Fixed: every member must compute the same keys.
constexpr uint64_t kKeySipKey[2] = {0x7377696d2d72696eULL,
                                    0x672d6b6579730000ULL};

// splitmix64's finalizer: a bijection that scatters nearby inputs, so one
// key gives unrelated positions in successive rotations.
uint64_t Mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Position(uint32_t key, int64_t rotation) {
  return Mix(key ^ (static_cast<uint64_t>(rotation) * 0x9e3779b97f4a7c15ULL));
}

// Whether member `id` is in the ring: in use and ONLINE or SUSPECT.
bool Available(const Members& members, uint32_t id) {
  return members.InUse(id) &&
         Matches(members.record(id).status, Status::kAvailable);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

uint32_t ProbeRing::KeyOf(absl::string_view name) {
  return static_cast<uint32_t>(SIPHASH_24(
      kKeySipKey, reinterpret_cast<const uint8_t*>(name.data()), name.size()));
}

ProbeRing::ProbeRing(absl::string_view local_name, absl::Duration interval,
                     int monitors)
    : interval_(interval),
      monitors_(std::max(monitors, 1)),
      local_key_(KeyOf(local_name)),
      // In the first half of the slot: the gap between two monitors'
      // probes of a member is then at most 1.5 intervals.
      phase_(absl::Nanoseconds(static_cast<int64_t>(
          absl::Uint128High64(absl::uint128(static_cast<uint64_t>(
                                  absl::ToInt64Nanoseconds(interval / 2))) *
                              (static_cast<uint64_t>(local_key_) << 32))))) {}

int64_t ProbeRing::FirstSlotAtOrAfter(absl::Time t) const {
  absl::Duration remainder;
  const int64_t q =
      absl::IDivDuration(t - absl::UnixEpoch() - phase_, interval_, &remainder);
  // IDivDuration truncates toward zero; this rounds up.
  return remainder > absl::ZeroDuration() ? q + 1 : q;
}

absl::Time ProbeRing::ProbeTime(int64_t slot) const {
  return absl::UnixEpoch() + phase_ + slot * interval_;
}

void ProbeRing::Add(const Members& members, uint32_t id) {
  // The vector's own growth is geometric: amortised O(1) per member.
  if (id >= keys_.size()) keys_.resize(members.id_bound(), 0);
  keys_[id] = KeyOf(members.NameOf(id));
}

std::optional<uint32_t> ProbeRing::TargetFor(const Members& members,
                                             int64_t slot) {
  const int64_t rotation = FloorDiv(slot, monitors_);
  if (!built_ || rotation != rotation_) Rebuild(members, rotation);
  if (successors_.empty()) return std::nullopt;
  const auto distance = static_cast<size_t>(slot - rotation * monitors_);
  // Fewer members than monitors: the ring wraps.
  const uint32_t id = successors_[distance % successors_.size()];
  if (!Available(members, id)) return std::nullopt;
  return id;
}

void ProbeRing::FindNearest(const Members& members, int64_t rotation,
                            size_t count, bool available_only) {
  const uint64_t origin = Position(local_key_, rotation);
  nearest_.clear();
  const size_t end = std::min<size_t>(members.id_bound(), keys_.size());
  // The farthest entry kept once the list is full: most entries are
  // beyond it, and skipped on one comparison.
  std::pair<uint64_t, uint32_t> farthest{~uint64_t{0}, ~uint32_t{0}};
  for (uint32_t id = 1; id < end; ++id) {
    const std::pair<uint64_t, uint32_t> entry{
        Position(keys_[id], rotation) - origin, id};
    if (entry >= farthest) continue;
    if (available_only && !Available(members, id)) continue;
    nearest_.insert(std::upper_bound(nearest_.begin(), nearest_.end(), entry),
                    entry);
    if (nearest_.size() > count) nearest_.pop_back();
    if (nearest_.size() == count) farthest = nearest_.back();
  }
}

void ProbeRing::Rebuild(const Members& members, int64_t rotation) {
  rotation_ = rotation;
  built_ = true;
  const auto wanted = static_cast<size_t>(monitors_);
  // The nearest few by distance round the ring, available or not, from the
  // compact keys alone: at a large N each record read is a cache miss, and
  // a scan that filtered as it went read one for every member that entered
  // its list on the way (about monitors * ln(N / monitors) of them).
  const size_t candidates = wanted + kSpareCandidates;
  FindNearest(members, rotation, candidates, /*available_only=*/false);
  TakeAvailable(members, wanted);
  // The first `wanted` available candidates are the nearest available
  // members, unless fewer were available and more members lie beyond.
  if (successors_.size() == wanted || nearest_.size() < candidates) return;
  FindNearest(members, rotation, wanted, /*available_only=*/true);
  TakeAvailable(members, wanted);
}

void ProbeRing::TakeAvailable(const Members& members, size_t wanted) {
  successors_.clear();
  for (const auto& [distance, id] : nearest_) {
    if (successors_.size() == wanted) break;
    if (Available(members, id)) successors_.push_back(id);
  }
}

}  // namespace swim
