// Lifeguard's local health score ("awareness" in memberlist).
//
// A node that misses nacks, fails probes or has to refute suspicions about
// itself is probably the slow one; it then stretches its own probe interval
// and timeout by (score + 1) instead of accusing healthy peers.
//
//   LocalHealth health(8);        // score in [0, 7]
//   health.Apply(+1);             // a probe failed
//   absl::Duration timeout = health.Scale(config.probe_timeout);
#ifndef SWIM_HEALTH_H_
#define SWIM_HEALTH_H_

#include <algorithm>

#include "absl/time/time.h"

namespace swim {

class LocalHealth {
 public:
  // Scores range over [0, max - 1]; max >= 1.
  explicit LocalHealth(int max) : max_(std::max(1, max)) {}

  // Adds `delta` and clamps to the range.
  void Apply(int delta) { score_ = std::clamp(score_ + delta, 0, max_ - 1); }

  int score() const { return score_; }
  // `d` × (score + 1).
  absl::Duration Scale(absl::Duration d) const { return d * (score_ + 1); }

 private:
  int max_;
  int score_ = 0;
};

}  // namespace swim

#endif  // SWIM_HEALTH_H_
