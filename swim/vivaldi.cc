#include "swim/vivaldi.h"

#include <algorithm>
#include <cmath>

namespace swim {
namespace {

// Below this, distances and errors count as zero (Serf's zeroThreshold).
constexpr double kZero = 1.0e-6;

using Vec = std::array<double, kCoordinateDimensions>;

double Magnitude(const Vec& v) {
  double sum = 0;
  for (double x : v) sum += x * x;
  return std::sqrt(sum);
}

double RawDistance(const Coordinate& a, const Coordinate& b) {
  Vec d;
  for (size_t i = 0; i < kCoordinateDimensions; ++i) d[i] = a.vec[i] - b.vec[i];
  return Magnitude(d) + a.height + b.height;
}

bool Within(double x, double lo, double hi) {
  return std::isfinite(x) && x >= lo && x <= hi;
}

}  // namespace

bool IsUsableCoordinate(const Coordinate& c) {
  for (double x : c.vec) {
    if (!Within(x, -kCoordinateComponentMax, kCoordinateComponentMax)) {
      return false;
    }
  }
  return Within(c.height, 0, kCoordinateComponentMax) &&
         Within(c.adjustment, -kCoordinateComponentMax,
                kCoordinateComponentMax) &&
         Within(c.error, 0, kVivaldiErrorMax);
}

double EstimateRttSeconds(const Coordinate& a, const Coordinate& b) {
  const double raw = RawDistance(a, b);
  const double adjusted = raw + a.adjustment + b.adjustment;
  return adjusted > 0 ? adjusted : raw;
}

bool Vivaldi::Update(const Coordinate& remote, double rtt_seconds) {
  if (!IsUsableCoordinate(remote) || !(rtt_seconds > 0) ||
      rtt_seconds > kVivaldiRttMaxSeconds) {
    return false;
  }
  UpdatePosition(remote, rtt_seconds);
  UpdateAdjustment(remote, rtt_seconds);
  UpdateGravity();
  if (!IsUsableCoordinate(local_)) {
    // Never keep a poisoned position; start over (Serf does the same).
    local_ = Coordinate();
    adjustment_samples_ = {};
    adjustment_index_ = 0;
    ++resets_;
    return false;
  }
  return true;
}

void Vivaldi::UpdatePosition(const Coordinate& remote, double rtt_seconds) {
  const double rtt = std::max(rtt_seconds, kZero);
  const double distance = EstimateRttSeconds(local_, remote);
  const double wrongness = std::fabs(distance - rtt) / rtt;
  const double total_error = std::max(local_.error + remote.error, kZero);
  // A confident remote (small error) moves us more than a lost one.
  const double weight = local_.error / total_error;
  local_.error = kVivaldiCe * weight * wrongness +
                 local_.error * (1.0 - kVivaldiCe * weight);
  local_.error = std::min(local_.error, kVivaldiErrorMax);
  ApplyForce(kVivaldiCc * weight * (rtt - distance), remote);
}

void Vivaldi::UpdateAdjustment(const Coordinate& remote, double rtt_seconds) {
  // The mean error of the plain distance over a window absorbs what a
  // Euclidean space cannot (Serf's adjustment; half of it, since both
  // ends add theirs).
  adjustment_samples_[adjustment_index_] =
      rtt_seconds - RawDistance(local_, remote);
  adjustment_index_ = (adjustment_index_ + 1) % kVivaldiAdjustmentWindow;
  double sum = 0;
  for (double sample : adjustment_samples_) sum += sample;
  local_.adjustment = sum / (2.0 * kVivaldiAdjustmentWindow);
}

void Vivaldi::UpdateGravity() {
  // A pull towards the origin that grows with the square of the distance,
  // so that the whole cluster does not drift away.
  const Coordinate origin;
  const double ratio = EstimateRttSeconds(local_, origin) / kVivaldiGravityRho;
  ApplyForce(-(ratio * ratio), origin);
}

void Vivaldi::ApplyForce(double force, const Coordinate& other) {
  Vec unit;
  for (size_t i = 0; i < kCoordinateDimensions; ++i) {
    unit[i] = local_.vec[i] - other.vec[i];
  }
  double magnitude = Magnitude(unit);
  if (magnitude > kZero) {
    for (double& x : unit) x /= magnitude;
  } else {
    // The two coincide: push in a random direction (and leave the height).
    for (double& x : unit) {
      x = static_cast<double>(rng_.Next() >> 11) * 0x1.0p-53 - 0.5;
    }
    const double random_magnitude = Magnitude(unit);
    if (random_magnitude > kZero) {
      for (double& x : unit) x /= random_magnitude;
    } else {
      unit = {};
    }
    magnitude = 0;
  }
  for (size_t i = 0; i < kCoordinateDimensions; ++i) {
    local_.vec[i] += unit[i] * force;
  }
  if (magnitude > kZero) {
    local_.height =
        (local_.height + other.height) * force / magnitude + local_.height;
    local_.height = std::max(local_.height, kVivaldiHeightMin);
  }
}

}  // namespace swim
