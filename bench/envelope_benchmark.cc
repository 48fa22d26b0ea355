// Cost of sealing and opening one full-size datagram (1400 bytes on the
// wire), encrypted and authenticated-only. Nonces come from CryptoRandom, as
// in a real deployment, so sealing includes one RAND_bytes call.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "swim/crypto_random.h"
#include "swim/envelope.h"
#include "swim/keyring.h"

namespace swim {
namespace {

constexpr size_t kBodyBytes = MaxEnvelopeBodyBytes(kDefaultMaxDatagramBytes);

Keyring BenchKeyring() {
  absl::StatusOr<Keyring> ring =
      Keyring::Create("bench", {"k1-0123456789abcdef", "k2-0123456789abcdef"});
  if (!ring.ok()) std::abort();
  return *std::move(ring);
}

EnvelopeOptions Options(bool encrypt) {
  EnvelopeOptions options;
  options.encrypt = encrypt;
  return options;
}

void BM_SealDatagram(benchmark::State& state) {
  const Keyring ring = BenchKeyring();
  const EnvelopeOptions options = Options(state.range(0) != 0);
  const std::string body(kBodyBytes, 'b');
  CryptoRandom random;
  std::string datagram;
  datagram.reserve(kDefaultMaxDatagramBytes);
  for (auto _ : state) {
    absl::Status status = SealDatagram(ring, options, body, random, &datagram);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(datagram.data());
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(kDefaultMaxDatagramBytes));
  state.SetLabel(options.encrypt ? "encrypted" : "authenticated");
}
BENCHMARK(BM_SealDatagram)->Arg(1)->Arg(0);

void BM_OpenDatagram(benchmark::State& state) {
  const Keyring ring = BenchKeyring();
  const EnvelopeOptions options = Options(state.range(0) != 0);
  const std::string body(kBodyBytes, 'b');
  CryptoRandom random;
  std::string datagram;
  if (!SealDatagram(ring, options, body, random, &datagram).ok()) std::abort();
  std::string opened;
  opened.reserve(kDefaultMaxDatagramBytes);
  for (auto _ : state) {
    absl::Status status = OpenDatagram(ring, options, datagram, &opened);
    if (!status.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(opened.data());
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(kDefaultMaxDatagramBytes));
  state.SetLabel(options.encrypt ? "encrypted" : "authenticated");
}
BENCHMARK(BM_OpenDatagram)->Arg(1)->Arg(0);

}  // namespace
}  // namespace swim
