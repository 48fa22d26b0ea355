// The source of random bytes that swim's library code draws from.
//
// swim never reaches for ambient randomness: every nonce and random choice
// comes from a RandomSource the caller supplies, so a simulator can replay a
// run exactly (swim/prng.h) while a real deployment uses the operating
// system's generator (swim/crypto_random.h):
//
//   CryptoRandom random;
//   std::array<uint8_t, 12> nonce;
//   random.Fill(absl::MakeSpan(nonce));
#ifndef SWIM_RANDOM_H_
#define SWIM_RANDOM_H_

#include <cstdint>

#include "absl/types/span.h"

namespace swim {

class RandomSource {
 public:
  virtual ~RandomSource() = default;

  // Overwrites every byte of `out`. Cannot fail.
  virtual void Fill(absl::Span<uint8_t> out) = 0;
};

}  // namespace swim

#endif  // SWIM_RANDOM_H_
