#include "swim/incarnation_bound.h"

#include <algorithm>
#include <cstdint>

namespace swim {

bool WithinIncarnationBound(UpdateKind kind, uint64_t incarnation,
                            uint64_t held) {
  const uint64_t ceiling = kind == UpdateKind::kAlive ? kMaxAliveIncarnation
                                                      : kMaxAccusedIncarnation;
  if (incarnation > ceiling) return false;
  // Compared as a difference: held + kMaxIncarnationJump may not fit.
  return incarnation <= held || incarnation - held <= kMaxIncarnationJump;
}

uint64_t AliveIncarnationTaken(uint64_t incarnation, uint64_t held) {
  if (WithinIncarnationBound(UpdateKind::kAlive, incarnation, held)) {
    return incarnation;
  }
  // Beyond the jump, so held + kMaxIncarnationJump < incarnation: it fits.
  return held + kMaxIncarnationJump;
}

bool WithinMetadataBound(uint64_t metadata_version, uint64_t incarnation) {
  return metadata_version <= SaturatingIncrement(incarnation);
}

uint64_t NextIncarnation(uint64_t current, uint64_t at_least) {
  const uint64_t base = std::max(current, at_least);
  return base >= kMaxAliveIncarnation ? kMaxAliveIncarnation : base + 1;
}

uint64_t SaturatingIncrement(uint64_t value) {
  return value == ~uint64_t{0} ? value : value + 1;
}

}  // namespace swim
