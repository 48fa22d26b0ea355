// How far a single update may move a member's incarnation or metadata
// version: the rule that keeps one datagram (even a correctly sealed one)
// from pinning a member SUSPECT, making it irrefutable, or wrapping a
// counter. swim/protocol.md ("Bounded incarnations") gives the reasoning.
//
//   held = record of the member's incarnation (0 if we do not know it)
//   accepted iff incarnation <= held + kMaxIncarnationJump  (an Alive about
//                    another member beyond it: taken at held + the jump)
//            and incarnation <= kMaxAliveIncarnation    (Alive)
//                             <= kMaxAccusedIncarnation (Suspect, Offline,
//                                                        Left)
//            and metadata_version <= incarnation + 1    (Alive)
//
//   if (!WithinIncarnationBound(UpdateKind::kSuspect, 12, record.incarnation))
//     ++counters.updates_refused;
//   record.incarnation = NextIncarnation(record.incarnation, accused);
#ifndef SWIM_INCARNATION_BOUND_H_
#define SWIM_INCARNATION_BOUND_H_

#include <cstdint>

#include "swim/precedence.h"

namespace swim {

// The largest step past the held incarnation one update may take: 2^44,
// room for a restart with initial_incarnation = Unix seconds (2^31) or
// milliseconds (2^40.7 today) from any earlier life, and for every
// refutation a life can make, while a member needs 2^19 accepted steps to
// climb from 0 to kMaxAccusedIncarnation.
inline constexpr uint64_t kMaxIncarnationJump = uint64_t{1} << 44;
// Accusations are accepted up to 2^63, so that refuting any accepted one
// (accusation + 1) always has room below kMaxAliveIncarnation.
inline constexpr uint64_t kMaxAccusedIncarnation = uint64_t{1} << 63;
// Alives are accepted, and incarnations grow, up to 2^64 - 2, so that a
// metadata version (at most incarnation + 1) never wraps either.
inline constexpr uint64_t kMaxAliveIncarnation = ~uint64_t{0} - 1;

// Whether an update of `kind` at `incarnation` about a member whose
// incarnation we hold as `held` (0 for a member we do not know; the local
// incarnation for ourselves) keeps within the bound.
bool WithinIncarnationBound(UpdateKind kind, uint64_t incarnation,
                            uint64_t held);

// The incarnation an Alive about another member at `incarnation` (within
// the ceiling) is taken at, given the `held` one: as announced within the
// jump, held + kMaxIncarnationJump beyond it. A member pushed more than a
// jump past some record (one that missed the accusation, or a member never
// seen) so climbs back one jump per announcement instead of being refused
// by that record for good; an insider gains nothing it could not send.
uint64_t AliveIncarnationTaken(uint64_t incarnation, uint64_t held);

// Whether an Alive at `incarnation` may announce `metadata_version`: an
// owner's versions never exceed its incarnation + 1 (swim/local_member.cc).
bool WithinMetadataBound(uint64_t metadata_version, uint64_t incarnation);

// max(current, at_least) + 1, saturating at kMaxAliveIncarnation.
uint64_t NextIncarnation(uint64_t current, uint64_t at_least);

// value + 1, saturating at 2^64 - 1.
uint64_t SaturatingIncrement(uint64_t value);

}  // namespace swim

#endif  // SWIM_INCARNATION_BOUND_H_
