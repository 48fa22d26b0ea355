// Why a received datagram was dropped.
//
// Every check that rejects a datagram (envelope, authentication, codec)
// returns an absl::Status built by DropError(), which carries one DropReason.
// Receivers count drops per reason and act on nothing in a dropped datagram:
//
//   absl::StatusOr<Packet> packet = DecodePacket(body);
//   if (!packet.ok())
//   ++drops[static_cast<size_t>(DropReasonOf(packet.status()))];
#ifndef SWIM_DROP_REASON_H_
#define SWIM_DROP_REASON_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace swim {

enum class DropReason : uint8_t {
  kTruncated = 0,   // The datagram ends before a field it announces.
  kOversized,       // Larger than the configured datagram limit.
  kBadVersion,      // Envelope version this build does not speak.
  kUnknownType,     // Message or update type byte not defined.
  kBadLength,       // A length field exceeds its limit or the datagram.
  kTrailingBytes,   // Bytes left over after the last field.
  kTooManyEntries,  // More entries than the limits or the size allow.
  kBadValue,        // A field holds a value outside its domain.
  kUnknownKey,      // Signed with a key id that is not in the keyring.
  kAuthFailed,      // Tag mismatch: wrong key, wrong cluster, tampered.
  kNotEncrypted,    // Plaintext datagram while encryption is required.
  kReplayed,        // A request stamp seen before (swim/replay_guard.h).
  kStale,           // A request without a stamp, or too far off the clock.
  kCount,           // Number of reasons; not a reason.
};

inline constexpr size_t kDropReasonCount =
    static_cast<size_t>(DropReason::kCount);

// Stable snake_case name, as used in counters and the inspector's output.
absl::string_view DropReasonName(DropReason reason);

// An InvalidArgument status that says `detail` and carries `reason`.
absl::Status DropError(DropReason reason, absl::string_view detail);

// The reason carried by a status from DropError(); kBadValue for any other
// non-OK status. Must not be called with an OK status.
DropReason DropReasonOf(const absl::Status& status);

// Per-reason drop counters.
using DropCounts = std::array<uint64_t, kDropReasonCount>;

}  // namespace swim

#endif  // SWIM_DROP_REASON_H_
