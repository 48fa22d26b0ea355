#include "swim/crypto_random.h"

#include <array>
#include <cstdint>

#include "absl/types/span.h"
#include "gtest/gtest.h"

namespace swim {
namespace {

TEST(CryptoRandomTest, FillsWithFreshBytes) {
  CryptoRandom random;
  std::array<uint8_t, 32> a{};
  std::array<uint8_t, 32> b{};
  random.Fill(absl::MakeSpan(a));
  random.Fill(absl::MakeSpan(b));
  // Each holds with probability 1 - 2^-256.
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<uint8_t, 32>{}));
  random.Fill(absl::Span<uint8_t>());  // empty is fine
}

}  // namespace
}  // namespace swim
