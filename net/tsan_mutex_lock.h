// An absl::MutexLock that ThreadSanitizer can see.
//
// Debian's Abseil is a prebuilt library compiled without -fsanitize=thread,
// so its Mutex never tells ThreadSanitizer that it orders memory accesses:
// under --config=tsan every piece of data guarded by an absl::Mutex looks
// racy. TsanMutexLock takes the lock exactly as absl::MutexLock does and, in
// ThreadSanitizer builds only, adds the happens-before edges the library
// would have reported (__tsan_acquire after locking, __tsan_release before
// unlocking). In other builds it is absl::MutexLock.
//
// Waiting must go through Wait() (a CondVar), so that the edges are redone
// around the wait; do not use Mutex::Await or absl::Condition with it, whose
// conditions the library evaluates where no edge can be added.
//
//   absl::Mutex mu;
//   absl::CondVar changed;
//   bool done ABSL_GUARDED_BY(mu) = false;
//   ...
//   TsanMutexLock lock(&mu);
//   while (!done) lock.Wait(&changed);
#ifndef NET_TSAN_MUTEX_LOCK_H_
#define NET_TSAN_MUTEX_LOCK_H_

#include "absl/base/config.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#ifdef ABSL_HAVE_THREAD_SANITIZER
#include <sanitizer/tsan_interface.h>
#endif

namespace swim::net {

class ABSL_SCOPED_LOCKABLE TsanMutexLock {
 public:
  explicit TsanMutexLock(absl::Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(mu) {
    mu_->Lock();
    Acquired();
  }
  TsanMutexLock(const TsanMutexLock&) = delete;
  TsanMutexLock& operator=(const TsanMutexLock&) = delete;
  ~TsanMutexLock() ABSL_UNLOCK_FUNCTION() {
    Releasing();
    mu_->Unlock();
  }

  // cv->Wait(mu), with the edges redone around it.
  void Wait(absl::CondVar* cv) {
    Releasing();
    cv->Wait(mu_);
    Acquired();
  }
  // cv->WaitWithTimeout(mu, timeout); true on timeout.
  bool WaitWithTimeout(absl::CondVar* cv, absl::Duration timeout) {
    Releasing();
    bool timed_out = cv->WaitWithTimeout(mu_, timeout);
    Acquired();
    return timed_out;
  }

 private:
  void Acquired() {
#ifdef ABSL_HAVE_THREAD_SANITIZER
    __tsan_acquire(mu_);
#endif
  }
  void Releasing() {
#ifdef ABSL_HAVE_THREAD_SANITIZER
    __tsan_release(mu_);
#endif
  }

  absl::Mutex* const mu_;
};

}  // namespace swim::net

#endif  // NET_TSAN_MUTEX_LOCK_H_
