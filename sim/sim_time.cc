#include "sim/sim_time.h"

#include "absl/numeric/int128.h"

namespace swim::sim {

absl::Time Epoch() {
  // 2025-01-01T00:00:00Z: any fixed instant works.
  return absl::FromUnixSeconds(1735689600);
}

absl::Time TimeZeroOf(uint64_t seed) {
  Prng draws = Stream(seed, kEpochStream, 0);
  return Epoch() + absl::Nanoseconds(static_cast<int64_t>(
                       ScaleDraw(draws.Next(), Seconds(3600))));
}

absl::Time ToAbslTime(SimTime t, absl::Time epoch) {
  return epoch + absl::Nanoseconds(t);
}

SimTime FromAbslTime(absl::Time t, absl::Time epoch) {
  if (t == absl::InfiniteFuture()) return kNever;
  const absl::Duration d = t - epoch;
  // Round up: a deadline inside a nanosecond is due at its end.
  SimTime ns = absl::ToInt64Nanoseconds(d);
  if (epoch + absl::Nanoseconds(ns) < t) ++ns;
  return ns;
}

std::string FormatSimTime(SimTime t) {
  return absl::FormatDuration(absl::Nanoseconds(t));
}

Prng Stream(uint64_t seed, uint64_t purpose, uint64_t index) {
  Prng root(seed);
  Prng by_purpose = root.Split(purpose);
  return by_purpose.Split(index);
}

uint64_t ScaleDraw(uint64_t draw, uint64_t n) {
  return absl::Uint128High64(absl::uint128(draw) * n);
}

}  // namespace swim::sim
