#include "swim/status.h"

namespace swim {

absl::string_view StatusName(Status status) {
  switch (status) {
    case Status::kUnknown:
      return "unknown";
    case Status::kOnline:
      return "online";
    case Status::kOffline:
      return "offline";
    case Status::kSuspect:
      return "suspect";
    case Status::kAvailable:
      return "available";
    case Status::kUnavailable:
      return "unavailable";
    case Status::kAll:
      return "all";
  }
  return "?";
}

absl::string_view OfflineReasonName(OfflineReason reason) {
  switch (reason) {
    case OfflineReason::kNone:
      return "none";
    case OfflineReason::kFailed:
      return "failed";
    case OfflineReason::kLeft:
      return "left";
  }
  return "?";
}

}  // namespace swim
