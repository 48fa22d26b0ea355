#include "swim/prng.h"

#include "absl/numeric/int128.h"

namespace swim {
namespace {

constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15;

// splitmix64's output function: a bijective mix of a 64-bit word.
uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// splitmix64: advances `x` and returns its next output.
uint64_t SplitMix64(uint64_t& x) {
  x += kGoldenGamma;
  return Mix64(x);
}

constexpr uint64_t RotateLeft(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

Prng::Prng(uint64_t seed) {
  // splitmix64 is a bijection of its counter, so the four words are never
  // all zero (the one state xoshiro cannot leave).
  for (uint64_t& word : state_) word = SplitMix64(seed);
}

uint64_t Prng::Next() {
  const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = RotateLeft(state_[3], 45);
  return result;
}

uint64_t Prng::Uniform(uint64_t n) {
  if (n == 0) return 0;
  // Lemire, "Fast Random Integer Generation in an Interval" (2019): the high
  // word of x * n is in [0, n); rejecting the few low words below
  // 2^64 mod n removes the bias.
  absl::uint128 product = absl::uint128(Next()) * n;
  uint64_t low = absl::Uint128Low64(product);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      product = absl::uint128(Next()) * n;
      low = absl::Uint128Low64(product);
    }
  }
  return absl::Uint128High64(product);
}

bool Prng::Bernoulli(uint32_t numerator, uint32_t denominator) {
  if (denominator == 0) return false;
  return Uniform(denominator) < numerator;
}

Prng Prng::Split(uint64_t stream) {
  // Mixing the stream number before combining keeps nearby streams (0, 1,
  // 2...) far apart; the child constructor mixes again through splitmix64.
  return Prng(Mix64(Next() ^ Mix64(stream + kGoldenGamma)));
}

void Prng::Fill(absl::Span<uint8_t> out) {
  size_t i = 0;
  while (i < out.size()) {
    uint64_t word = Next();
    for (int b = 0; b < 8 && i < out.size(); ++b, ++i) {
      out[i] = static_cast<uint8_t>(word);
      word >>= 8;
    }
  }
}

}  // namespace swim
