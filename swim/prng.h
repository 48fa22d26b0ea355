// A small deterministic pseudo-random generator for simulations and tests.
//
// Prng is xoshiro256** (Blackman and Vigna) seeded through splitmix64, so the
// same seed yields the same sequence on every platform and compiler. It is
// fast and statistically good, but NOT cryptographically secure: use
// CryptoRandom (swim/crypto_random.h) for nonces in real deployments.
// All derived draws (Uniform, Bernoulli, Shuffle) use integers only, so
// results never depend on floating-point behaviour.
//
//   Prng root(42);
//   Prng node_rng = root.Split(node_index);  // one stream per node
//   Prng loss_rng = root.Split(kLossStream);  // one stream per purpose
//   if (loss_rng.Bernoulli(1, 100)) { /* drop this datagram */ }
//   size_t target = node_rng.Uniform(members.size());
//   node_rng.Shuffle(members);
#ifndef SWIM_PRNG_H_
#define SWIM_PRNG_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "swim/random.h"

namespace swim {

class Prng final : public RandomSource {
 public:
  explicit Prng(uint64_t seed);

  Prng(const Prng&) = default;
  Prng& operator=(const Prng&) = default;

  // The next 64 raw bits.
  uint64_t Next();

  // An unbiased integer in [0, n). Returns 0 when n == 0.
  uint64_t Uniform(uint64_t n);

  // True with probability numerator / denominator (true if numerator >=
  // denominator, false if denominator == 0). Consumes the same draws whatever
  // the numerator, so changing a rate does not shift the rest of the stream.
  bool Bernoulli(uint32_t numerator, uint32_t denominator);

  // Fisher-Yates: every permutation of `items` is equally likely.
  template <class T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<size_t>(Uniform(i));
      using std::swap;
      swap(items[i - 1], items[j]);
    }
  }

  // An independent generator for `stream`, derived from this one (which
  // advances by one draw). Deterministic: the same parent state and stream
  // always give the same child.
  Prng Split(uint64_t stream);

  // Fills `out` from successive Next() values, least significant byte first.
  void Fill(absl::Span<uint8_t> out) override;

 private:
  std::array<uint64_t, 4> state_;
};

}  // namespace swim

#endif  // SWIM_PRNG_H_
