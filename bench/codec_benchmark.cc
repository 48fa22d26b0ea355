// The full path of one datagram: build and seal a full-size packet (what a
// sender does), and open and decode it into a view (what a receiver does),
// with and without encryption.
//
//   bazel run //bench:codec_benchmark
#include <string>

#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"
#include "tests/testing/packet_generator.h"

namespace swim {
namespace {

Keyring BenchKeyring() {
  absl::StatusOr<Keyring> keyring =
      Keyring::Create("bench", {std::string(32, 'k')});
  if (!keyring.ok()) std::abort();
  return std::move(*keyring);
}

// A datagram of exactly kDefaultMaxDatagramBytes if the updates allow, and
// the packet it carries.
struct FullDatagram {
  std::string body;
  Packet packet;
};

// Typical updates (kTypical) look like a real cluster's gossip; random ones
// (kRandom) have long binary names and more metadata, the costlier case.
enum Content { kTypical = 0, kRandom = 1 };

FullDatagram MakeFull(int64_t content) {
  Prng prng(1400);
  FullDatagram full;
  full.body =
      testing::FullBody(prng, MaxEnvelopeBodyBytes(kDefaultMaxDatagramBytes),
                        content == kTypical);
  full.packet = *DecodePacket(full.body);
  return full;
}

void BM_EncodeAndSeal(benchmark::State& state) {
  const Keyring keyring = BenchKeyring();
  const FullDatagram full = MakeFull(state.range(1));
  EnvelopeOptions options;
  options.encrypt = state.range(0) != 0;
  const size_t budget = MaxEnvelopeBodyBytes(options.max_datagram_bytes);
  Prng nonces(1);
  std::string datagram;
  for (auto _ : state) {
    absl::StatusOr<PacketWriter> writer =
        PacketWriter::Start(budget, full.packet.sender, full.packet.message);
    for (const Update& update : full.packet.updates) writer->Add(update);
    const std::string body = std::move(*writer).Finish();
    if (!SealDatagram(keyring, options, body, nonces, &datagram).ok()) {
      state.SkipWithError("seal failed");
    }
    benchmark::DoNotOptimize(datagram.data());
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(datagram.size()));
  state.counters["datagram_bytes"] = static_cast<double>(datagram.size());
  state.counters["updates"] = static_cast<double>(full.packet.updates.size());
}
BENCHMARK(BM_EncodeAndSeal)
    ->ArgNames({"encrypt", "random"})
    ->ArgsProduct({{0, 1}, {kTypical, kRandom}});

void BM_OpenAndDecode(benchmark::State& state) {
  const Keyring keyring = BenchKeyring();
  const FullDatagram full = MakeFull(state.range(1));
  EnvelopeOptions options;
  options.encrypt = state.range(0) != 0;
  Prng nonces(1);
  std::string datagram;
  if (!SealDatagram(keyring, options, full.body, nonces, &datagram).ok()) {
    state.SkipWithError("seal failed");
    return;
  }
  std::string body;
  PacketView packet;
  for (auto _ : state) {
    if (!OpenDatagram(keyring, options, datagram, &body).ok()) {
      state.SkipWithError("open failed");
    }
    if (!DecodePacketView(body, &packet).ok()) {
      state.SkipWithError("decode failed");
    }
    benchmark::DoNotOptimize(packet);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(datagram.size()));
  state.counters["datagram_bytes"] = static_cast<double>(datagram.size());
  state.counters["updates"] = static_cast<double>(full.packet.updates.size());
}
BENCHMARK(BM_OpenAndDecode)
    ->ArgNames({"encrypt", "random"})
    ->ArgsProduct({{0, 1}, {kTypical, kRandom}});

// Decoding alone, without the envelope: into a reused zero-copy view (what
// a node does with each datagram) and into an owning Packet.
void BM_DecodeView(benchmark::State& state) {
  const FullDatagram full = MakeFull(state.range(0));
  PacketView packet;
  for (auto _ : state) {
    if (!DecodePacketView(full.body, &packet).ok()) {
      state.SkipWithError("decode failed");
    }
    benchmark::DoNotOptimize(packet);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(full.body.size()));
}
BENCHMARK(BM_DecodeView)->ArgName("random")->Arg(kTypical)->Arg(kRandom);

void BM_DecodeOwned(benchmark::State& state) {
  const FullDatagram full = MakeFull(state.range(0));
  for (auto _ : state) {
    absl::StatusOr<Packet> packet = DecodePacket(full.body);
    benchmark::DoNotOptimize(packet);
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(full.body.size()));
}
BENCHMARK(BM_DecodeOwned)->ArgName("random")->Arg(kTypical)->Arg(kRandom);

}  // namespace
}  // namespace swim
