// The status of a cluster member, as a flag set for queries.
//
// A member always holds exactly one of kOnline, kOffline or kSuspect
// (views show kSuspect only once a suspicion is confirmed; see
// Config::suspicion_shown_confirmations). The aggregates (kAvailable,
// kUnavailable, kAll) exist for queries only:
//
//   for (const MemberView& m : node->members().WithStatus(Status::kAvailable))
//     Use(m.name);
//   if (Matches(view.status, Status::kUnavailable)) Worry();
#ifndef SWIM_STATUS_H_
#define SWIM_STATUS_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace swim {

enum class Status : uint8_t {
  // Never held by a member: the "previous" status of a member first heard of.
  kUnknown = 0,
  kOnline = 1,
  kOffline = 2,
  kSuspect = 4,
  // Aggregates, for queries only.
  kAvailable = kOnline | kSuspect,
  kUnavailable = kOffline | kSuspect,
  kAll = kOnline | kOffline | kSuspect,
};

constexpr Status operator|(Status a, Status b) {
  return static_cast<Status>(static_cast<uint8_t>(a) | static_cast<uint8_t>(b));
}

// True if `status` is one of the statuses in the flag set `query`.
constexpr bool Matches(Status status, Status query) {
  return (static_cast<uint8_t>(status) & static_cast<uint8_t>(query)) != 0;
}

// Why an OFFLINE member is offline; kNone for the other statuses.
enum class OfflineReason : uint8_t {
  kNone = 0,
  kFailed = 1,  // Declared failed after a suspicion (or told so).
  kLeft = 2,    // Announced a graceful leave.
};

// "online", "offline", "suspect", "available", "unavailable", "all",
// "unknown"; "?" for other values.
absl::string_view StatusName(Status status);
// "none", "failed", "left".
absl::string_view OfflineReasonName(OfflineReason reason);

}  // namespace swim

#endif  // SWIM_STATUS_H_
