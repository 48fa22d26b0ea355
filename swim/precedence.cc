#include "swim/precedence.h"

namespace swim {

bool Supersedes(UpdateKind kind, uint64_t incarnation, Status status,
                OfflineReason reason, uint64_t known_incarnation) {
  const bool newer = incarnation > known_incarnation;
  const bool same_or_newer = incarnation >= known_incarnation;
  switch (kind) {
    case UpdateKind::kAlive:
      return newer;
    case UpdateKind::kSuspect:
      if (status == Status::kOnline) return same_or_newer;
      if (status == Status::kSuspect) return newer;
      return false;
    case UpdateKind::kOffline:
      if (status == Status::kOnline || status == Status::kSuspect) {
        return same_or_newer;
      }
      return false;
    case UpdateKind::kLeft:
      if (status == Status::kOnline || status == Status::kSuspect) {
        return same_or_newer;
      }
      if (status == Status::kOffline && reason == OfflineReason::kFailed) {
        return same_or_newer;
      }
      return false;
  }
  return false;
}

}  // namespace swim
