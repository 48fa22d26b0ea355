// SWIM's precedence rules: which gossip about a member wins over what we
// know of it.
//
//   alive(i)   beats online(j), suspect(j), offline(j)   when i >  j
//   suspect(i) beats online(j)                           when i >= j
//              beats suspect(j)                          when i >  j
//   offline(i) beats online(j), suspect(j)               when i >= j
//   left(i)    beats online(j), suspect(j), failed(j)    when i >= j
// Nothing else wins: a suspicion never revives an offline member, and
// news of a member already offline changes nothing.
//
//   if (Supersedes(UpdateKind::kSuspect, 3, Status::kOnline,
//                  OfflineReason::kNone, 3)) MarkSuspect();
#ifndef SWIM_PRECEDENCE_H_
#define SWIM_PRECEDENCE_H_

#include <cstdint>

#include "swim/status.h"

namespace swim {

enum class UpdateKind : uint8_t { kAlive, kSuspect, kOffline, kLeft };

// Whether an update of `kind` at `incarnation` supersedes a member known
// as `status` (for kOffline with `reason`) at `known_incarnation`.
bool Supersedes(UpdateKind kind, uint64_t incarnation, Status status,
                OfflineReason reason, uint64_t known_incarnation);

}  // namespace swim

#endif  // SWIM_PRECEDENCE_H_
