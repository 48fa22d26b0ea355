#include "sim/coordinate_accuracy.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "sim/sim_time.h"
#include "swim/vivaldi.h"

namespace swim::sim {
namespace {

// |estimate - model| / model in thousandths, integers only past the one
// conversion of the estimate.
uint64_t ErrorPermille(double estimate_seconds, SimTime model) {
  const auto estimate = static_cast<int64_t>(estimate_seconds * 1e9);
  const int64_t gap = estimate > model ? estimate - model : model - estimate;
  if (model <= 0) return gap == 0 ? 0 : 1000000;
  return static_cast<uint64_t>(gap) * 1000 / static_cast<uint64_t>(model);
}

}  // namespace

CoordinateAccuracy MeasureCoordinateAccuracy(const Simulator& sim,
                                             uint64_t seed) {
  std::vector<uint32_t> nodes;
  std::vector<Coordinate> coordinates;
  for (int i = 0; i < sim.size(); ++i) {
    const auto node = static_cast<uint32_t>(i);
    if (!sim.IsLive(node)) continue;
    const std::optional<Coordinate> c = sim.node(node)->coordinate();
    if (!c.has_value()) continue;
    nodes.push_back(node);
    coordinates.push_back(*c);
  }
  CoordinateAccuracy accuracy;
  const uint64_t n = nodes.size();
  if (n < 2) return accuracy;
  std::vector<uint64_t> errors;
  const auto judge = [&](size_t a, size_t b) {
    const SimTime model = sim.network().ModelledRtt(nodes[a], nodes[b]);
    const uint64_t error = ErrorPermille(
        EstimateRttSeconds(coordinates[a], coordinates[b]), model);
    errors.push_back(error);
    if (error <= 250) ++accuracy.within_25pct;
  };
  if (n * (n - 1) / 2 <= kMaxCoordinatePairs) {
    for (size_t a = 0; a < n; ++a) {
      for (size_t b = a + 1; b < n; ++b) judge(a, b);
    }
  } else {
    Prng rng = Stream(seed, kPairStream, 0);
    for (uint64_t k = 0; k < kMaxCoordinatePairs; ++k) {
      const auto a = static_cast<size_t>(ScaleDraw(rng.Next(), n));
      auto b = static_cast<size_t>(ScaleDraw(rng.Next(), n - 1));
      if (b >= a) ++b;  // a pair of two distinct nodes
      judge(a, b);
    }
  }
  accuracy.pairs = errors.size();
  std::sort(errors.begin(), errors.end());
  const auto rank = [&](uint64_t percent) {
    return errors[std::min<size_t>(errors.size() - 1,
                                   (errors.size() * percent + 99) / 100 - 1)];
  };
  accuracy.p50_error_permille = rank(50);
  accuracy.p90_error_permille = rank(90);
  return accuracy;
}

}  // namespace swim::sim
