#include "swim/crypto_random.h"

#include <cstdlib>

#include "openssl/rand.h"

namespace swim {

void CryptoRandom::Fill(absl::Span<uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), out.size()) != 1) std::abort();
}

}  // namespace swim
