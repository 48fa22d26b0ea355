// Request stamps and the guard that refuses replayed requests.
//
// The requests that make a node send a large reply (Sync with reply_wanted,
// SyncDigest, MetaRequest) carry a stamp: the sender's clock in
// microseconds, made strictly increasing per sender (NextRequestStamp). A
// receiver accepts each stamp of a sender once: one above the highest it
// holds of that sender, or a little below it (UDP reorders) if not seen
// yet. Stamps are only ever compared with the same sender's, never with
// the receiver's clock, so clocks need not agree (the UDP adapter's is
// CLOCK_MONOTONIC, each host's own) and may drift. A sender whose stamps
// went back (a host rebooted) is heard again once kRestartSilence passed
// without a stamp of its accepted. Why: swim/protocol.md, "No
// amplification".
//
//   uint64_t stamp = NextRequestStamp(ctx.last_stamp, now);    // sending
//   switch (guard.Check(now, packet.sender, stamp)) { ... }    // receiving
#ifndef SWIM_REPLAY_GUARD_H_
#define SWIM_REPLAY_GUARD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/counters.h"

namespace swim {

// How long (on the receiver's clock) a sender's stamps must have been
// refused, none accepted, before a lower series is taken as a restart.
inline constexpr absl::Duration kRestartSilence = absl::Minutes(2);
// How far below a sender's highest stamp a late (reordered) one may be.
inline constexpr absl::Duration kReorderWindow = absl::Seconds(2);
// Stamps remembered per sender, to accept reordered ones exactly once.
inline constexpr size_t kStampsKept = 8;

// The next stamp after `last` (updated): the clock in microseconds, or
// last + 1 if the clock has not moved past it.
uint64_t NextRequestStamp(uint64_t& last, absl::Time now);

class ReplayGuard {
 public:
  enum class Verdict {
    kFresh,     // accepted, and remembered
    kReplayed,  // seen before, or too old to tell
    kStale,     // no stamp
  };

  // Remembers at most `max_senders` senders; beyond, the one heard from
  // least recently is forgotten.
  ReplayGuard(size_t max_senders, Counters& counters)
      : max_senders_(max_senders), counters_(counters) {}

  ReplayGuard(const ReplayGuard&) = delete;
  ReplayGuard& operator=(const ReplayGuard&) = delete;

  Verdict Check(absl::Time now, absl::string_view sender, uint64_t stamp);

  size_t size() const { return senders_.size(); }

 private:
  struct Sender {
    std::array<uint64_t, kStampsKept> recent{};  // unordered
    size_t count = 0;
    uint64_t highest = 0;
    uint64_t last_use = 0;   // use_clock_ when last accepted
    absl::Time accepted_at;  // the receiver's clock then
  };

  void EvictOne();

  size_t max_senders_;
  Counters& counters_;
  uint64_t use_clock_ = 0;
  absl::flat_hash_map<std::string, Sender> senders_;
};

}  // namespace swim

#endif  // SWIM_REPLAY_GUARD_H_
