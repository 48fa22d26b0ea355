// Randomness from BoringSSL's CSPRNG, for real (non-simulated) nodes.
//
// Envelope nonces must be unpredictable in a deployment; CryptoRandom draws
// them from RAND_bytes, which is seeded by the operating system. It holds no
// state, is cheap to construct and is safe to use from several threads.
//
//   CryptoRandom random;
//   absl::Status status =
//       SealDatagram(keyring, options, body, random, &datagram);
#ifndef SWIM_CRYPTO_RANDOM_H_
#define SWIM_CRYPTO_RANDOM_H_

#include <cstdint>

#include "absl/types/span.h"
#include "swim/random.h"

namespace swim {

class CryptoRandom final : public RandomSource {
 public:
  // Aborts the process if the system generator fails (as RAND_bytes does):
  // continuing with predictable nonces would be worse.
  void Fill(absl::Span<uint8_t> out) override;
};

}  // namespace swim

#endif  // SWIM_CRYPTO_RANDOM_H_
