#include "swim/protocol_version.h"

#include <algorithm>

namespace swim {

std::optional<uint8_t> CommonVersion(ProtocolRange a, ProtocolRange b) {
  if (!a.known() || !b.known()) return std::nullopt;
  const uint8_t low = std::max(a.min, b.min);
  const uint8_t high = std::min(a.max, b.max);
  if (low > high) return std::nullopt;
  return high;
}

}  // namespace swim
