#include "net/monotonic_clock.h"

#include <time.h>

#include "absl/time/time.h"

namespace swim::net {

absl::Time MonotonicNow() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return absl::UnixEpoch() + absl::DurationFromTimespec(now);
}

timespec ToMonotonicTimespec(absl::Time time) {
  absl::Duration since_epoch = time - absl::UnixEpoch();
  if (since_epoch < absl::ZeroDuration()) since_epoch = absl::ZeroDuration();
  return absl::ToTimespec(since_epoch);
}

}  // namespace swim::net
