// The adapter's clock: CLOCK_MONOTONIC as an absl::Time.
//
// swim::Node wants absl::Time; wall-clock time can jump (NTP, the operator),
// which would fire or stall every protocol timer at once. The monotonic
// clock is mapped onto a fixed epoch instead: absl::UnixEpoch() plus the
// time since boot. The values are only ever compared with each other.
//
//   absl::Time now = MonotonicNow();
//   timespec when = ToMonotonicTimespec(node->NextDeadline());
//   // ... timerfd_settime(fd, TFD_TIMER_ABSTIME, ...) with `when`
#ifndef NET_MONOTONIC_CLOCK_H_
#define NET_MONOTONIC_CLOCK_H_

#include <time.h>

#include "absl/time/time.h"

namespace swim::net {

// Now, on CLOCK_MONOTONIC, as absl::UnixEpoch() + time since boot.
absl::Time MonotonicNow();

// A time from MonotonicNow() (or derived from one) as a CLOCK_MONOTONIC
// timespec, for timerfd. Times before the epoch clamp to it.
timespec ToMonotonicTimespec(absl::Time time);

}  // namespace swim::net

#endif  // NET_MONOTONIC_CLOCK_H_
