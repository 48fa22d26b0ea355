// Vivaldi network coordinates (Dabek et al., SIGCOMM 2004) as Serf's
// coordinate package runs them: 8 dimensions plus a height, an adjustment
// term averaged over the last 20 samples, a weak gravity towards the
// origin, errors weighting each update. One Vivaldi holds the local
// member's coordinate and moves it with each measured round trip to a
// member whose coordinate came with the ack.
//
// Deterministic: plain double arithmetic (no std function whose result may
// differ between libraries; sqrt is correctly rounded; the target is built
// with -ffp-contract=off), randomness from a Prng. Received coordinates are
// untrusted: IsUsableCoordinate rejects NaN, infinities and values out of
// range before any of them touches the local coordinate.
//
//   Vivaldi vivaldi(Prng(seed));
//   if (IsUsableCoordinate(remote)) vivaldi.Update(remote, rtt_seconds);
//   double estimate = EstimateRttSeconds(vivaldi.coordinate(), remote);
#ifndef SWIM_VIVALDI_H_
#define SWIM_VIVALDI_H_

#include <array>
#include <cstddef>

#include "swim/coordinate.h"
#include "swim/prng.h"

namespace swim {

// Serf's defaults (coordinate.DefaultConfig).
inline constexpr double kVivaldiErrorMax = 1.5;
inline constexpr double kVivaldiCe = 0.25;  // error's learning rate
inline constexpr double kVivaldiCc = 0.25;  // position's learning rate
inline constexpr size_t kVivaldiAdjustmentWindow = 20;
inline constexpr double kVivaldiHeightMin = 10e-6;  // seconds
inline constexpr double kVivaldiGravityRho = 150.0;
// Bounds on what a usable coordinate holds, in seconds: far beyond any
// real network (round trips over 10 s are not used at all), so that only
// garbage is refused and squared distances stay finite.
inline constexpr double kCoordinateComponentMax = 1000.0;
inline constexpr double kVivaldiRttMaxSeconds = 10.0;

// Finite, every component within ±kCoordinateComponentMax, height in
// [0, kCoordinateComponentMax], adjustment within ±kCoordinateComponentMax
// and error in [0, kVivaldiErrorMax].
bool IsUsableCoordinate(const Coordinate& c);

// The round trip the two coordinates predict, in seconds: the Euclidean
// distance plus both heights, plus both adjustments unless that would make
// it non-positive.
double EstimateRttSeconds(const Coordinate& a, const Coordinate& b);

class Vivaldi {
 public:
  explicit Vivaldi(const Prng& rng) : rng_(rng) {}

  const Coordinate& coordinate() const { return local_; }

  // Moves the local coordinate after a round trip of `rtt_seconds` (in
  // (0, kVivaldiRttMaxSeconds]) to a member at `remote` (usable). False,
  // and nothing changed, for an unusable input; a local coordinate that
  // would leave the usable range is reset to the origin instead (also
  // false).
  bool Update(const Coordinate& remote, double rtt_seconds);

  // Times the local coordinate was reset.
  size_t resets() const { return resets_; }

 private:
  void UpdatePosition(const Coordinate& remote, double rtt_seconds);
  void UpdateAdjustment(const Coordinate& remote, double rtt_seconds);
  void UpdateGravity();
  // Pushes the local coordinate by `force` seconds away from `other`.
  void ApplyForce(double force, const Coordinate& other);

  Coordinate local_;
  std::array<double, kVivaldiAdjustmentWindow> adjustment_samples_ = {};
  size_t adjustment_index_ = 0;
  size_t resets_ = 0;
  Prng rng_;  // a direction when two coordinates coincide
};

}  // namespace swim

#endif  // SWIM_VIVALDI_H_
