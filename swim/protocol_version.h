// Protocol versions: the wire formats (swim/wire_format.md) a node speaks,
// and the rule that picks the one two nodes use (swim/protocol.md,
// "Protocol versions").
//
// A node speaks a range of versions (Config::protocol_version_min/max) and
// advertises it in every datagram of version 2 or later and in its Alive.
// Between two known ranges the highest common version wins:
//
//   ProtocolRange ours{1, 2};
//   std::optional<uint8_t> v = CommonVersion(ours, ProtocolRange{1, 1});
//   // *v == 1; CommonVersion(ours, {3, 4}) is nullopt: do not talk.
#ifndef SWIM_PROTOCOL_VERSION_H_
#define SWIM_PROTOCOL_VERSION_H_

#include <cstdint>
#include <optional>

namespace swim {

// The versions this build speaks. Version 1 is the original format;
// version 2 advertises ranges and frames every message and update with its
// length, so that types added later are skipped instead of fatal.
inline constexpr uint8_t kOldestProtocolVersion = 1;
inline constexpr uint8_t kNewestProtocolVersion = 2;

// An inclusive range of protocol versions; {0, 0} is "not known".
struct ProtocolRange {
  uint8_t min = 0;
  uint8_t max = 0;

  bool known() const { return min != 0; }
  bool Contains(uint8_t version) const {
    return known() && min <= version && version <= max;
  }
  bool operator==(const ProtocolRange& o) const {
    return min == o.min && max == o.max;
  }
  bool operator!=(const ProtocolRange& o) const { return !(*this == o); }
};

// Whether `range` is {0, 0} or a proper range (1 <= min <= max): what a
// decoder accepts from the wire.
inline bool IsWireRange(ProtocolRange range) {
  return (range.min == 0 && range.max == 0) ||
         (range.min >= 1 && range.min <= range.max);
}

// The highest version in both ranges; nullopt if either is unknown or they
// do not overlap.
std::optional<uint8_t> CommonVersion(ProtocolRange a, ProtocolRange b);

}  // namespace swim

#endif  // SWIM_PROTOCOL_VERSION_H_
