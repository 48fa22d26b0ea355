// Which member the prober probes in each probe interval: a monitoring ring
// that every member derives alike from the membership, so that each member
// is probed in every interval by one of its monitors, not by chance alone
// (Rapid's rings, scheduled on a clock grid; swim/protocol.md, "The probe
// ring").
//
// Time is cut into slots of one probe interval on an absolute grid; the
// local member probes at a fixed phase of each slot, in the first half.
// Slots come in rotations of `monitors` slots. In rotation r every member
// has a position on a ring, a hash of its name and r; in slot s of the
// rotation a member probes its (s + 1)-th successor. So each member's
// `monitors` predecessors probe it in turn, one per slot, and the ring is
// reshuffled every rotation (fresh monitors, fresh round trips for
// Vivaldi, no monitor stuck with a bad link).
//
//   ProbeRing ring(config.name, config.probe_interval, 4);
//   ring.Add(members, id);                     // for every new member
//   int64_t slot = ring.FirstSlotAtOrAfter(now);
//   absl::Time at = ring.ProbeTime(slot);
//   std::optional<uint32_t> target = ring.TargetFor(members, slot);
#ifndef SWIM_PROBE_RING_H_
#define SWIM_PROBE_RING_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/members.h"

namespace swim {

class ProbeRing {
 public:
  // `monitors` >= 1: the slots of a rotation, and so each member's
  // monitors per rotation.
  ProbeRing(absl::string_view local_name, absl::Duration interval,
            int monitors);

  // The first slot whose probe time is at or after `t`.
  int64_t FirstSlotAtOrAfter(absl::Time t) const;
  // When the local member probes in `slot`.
  absl::Time ProbeTime(int64_t slot) const;

  // Notes the ring key of member `id` (new, or back from OFFLINE).
  void Add(const Members& members, uint32_t id);
  // The member to probe in `slot`; nullopt if the ring has none available
  // now (none known, or the one due left the ring since the rotation
  // began).
  std::optional<uint32_t> TargetFor(const Members& members, int64_t slot);

  // A member's ring key: the same at every node, whatever the ids.
  static uint32_t KeyOf(absl::string_view name);

 private:
  // Candidates beyond `monitors` that Rebuild ranks from the keys alone:
  // as many members OFFLINE among the nearest cost no second scan (in a
  // cluster that lost more than that share, a scan costs little anyway).
  static constexpr size_t kSpareCandidates = 4;

  // The local member's successors in `rotation`, nearest first.
  void Rebuild(const Members& members, int64_t rotation);
  // Fills nearest_ with the `count` members nearest after the local one in
  // `rotation` (only those available if `available_only`), nearest first.
  void FindNearest(const Members& members, int64_t rotation, size_t count,
                   bool available_only);
  // Fills successors_ with the first `wanted` available members of
  // nearest_.
  void TakeAvailable(const Members& members, size_t wanted);

  const absl::Duration interval_;
  const int monitors_;
  const uint32_t local_key_;
  const absl::Duration phase_;
  // By id; valid for ids in use.
  std::vector<uint32_t> keys_;
  int64_t rotation_ = 0;
  bool built_ = false;
  std::vector<uint32_t> successors_;
  std::vector<std::pair<uint64_t, uint32_t>> nearest_;  // FindNearest's, reused
};

}  // namespace swim

#endif  // SWIM_PROBE_RING_H_
