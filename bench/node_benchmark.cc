// Costs of a Node: handling one datagram, one tick, and memory per known
// member, with 10 and with 10,000 members known.
//
//   bazel run -c opt //bench:node_benchmark
//
// Memory is measured by counting live heap bytes (malloc_usable_size)
// through replaced global operator new/delete, before and after the node
// learns its members; the per-member figure excludes metadata.
#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/node.h"
#include "swim/prng.h"

namespace {

std::atomic<int64_t> live_heap_bytes{0};

}  // namespace

// GCC cannot tell that these replace the global allocation functions, and
// would flag free() on what "operator new" returned.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  live_heap_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(p)),
                            std::memory_order_relaxed);
  return p;
}
void* operator new[](size_t size) { return operator new(size); }
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  live_heap_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)),
                            std::memory_order_relaxed);
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, size_t) noexcept { operator delete(p); }
void operator delete[](void* p, size_t) noexcept { operator delete(p); }

namespace swim {
namespace {

constexpr char kKey[] = "0123456789abcdef0123456789abcdef";
const absl::Time kStart = absl::UnixEpoch() + absl::Hours(1);

std::string NameOf(int i) { return absl::StrCat("node-", i); }
std::string AddressOf(int i) {
  return absl::StrCat("10.", (i >> 16) & 255, ".", (i >> 8) & 255, ".", i & 255,
                      ":7946");
}

// A node that knows `members` others (and the datagrams that taught it).
class Fixture {
 public:
  explicit Fixture(int members)
      : keyring_(Keyring::Create("bench", {kKey}).value()), rng_(3) {
    Config config;
    config.name = "me";
    config.address = "10.255.255.255:7946";
    config.keys = {kKey};
    config.cluster_name = "bench";
    config.seed = 1;
    node_ = Node::Create(config, kStart).value();
    now_ = kStart;
    baseline_bytes_ = live_heap_bytes.load();
    // Full-state exchanges from member 0: every member, no re-gossip.
    const size_t budget = MaxEnvelopeBodyBytes(kDefaultMaxDatagramBytes);
    Sync sync;
    int next = 0;
    while (next < members) {
      PacketWriter writer =
          PacketWriter::Start(budget, NameOf(0), sync).value();
      for (; next < members; ++next) {
        Alive alive;
        alive.member = NameOf(next);
        alive.address = AddressOf(next);
        alive.metadata_version = 1;
        alive.metadata_size = 1;
        alive.metadata = Metadata();
        if (!writer.Add(alive)) break;
      }
      node_->HandleDatagram(now_, AddressOf(0),
                            Seal(std::move(writer).Finish()));
      Drain();
    }
    member_bytes_ = live_heap_bytes.load() - baseline_bytes_;
  }

  std::string Seal(const std::string& body) {
    std::string datagram;
    (void)SealDatagram(keyring_, EnvelopeOptions(), body, rng_, &datagram);
    return datagram;
  }
  size_t Drain() {
    size_t n = 0;
    while (node_->PollTransmit().has_value()) ++n;
    while (node_->PollEvent().has_value()) ++n;
    return n;
  }

  // Acks every ping the node sent, as a healthy cluster would.
  void AnswerProbes() {
    while (std::optional<Transmit> t = node_->PollTransmit()) {
      absl::StatusOr<std::string> body =
          OpenDatagram(keyring_, EnvelopeOptions(), t->datagram);
      if (!body.ok()) continue;
      absl::StatusOr<Packet> packet = DecodePacket(*body);
      if (!packet.ok()) continue;
      const Ping* ping = std::get_if<Ping>(&packet->message);
      if (ping == nullptr) continue;
      Packet ack;
      ack.sender = ping->target;
      Ack message;
      message.seq = ping->seq;
      ack.message = message;
      node_->HandleDatagram(now_, t->to_address,
                            Seal(EncodePacket(ack).value()));
    }
    Drain();
  }

  Node& node() { return *node_; }
  absl::Time& now() { return now_; }
  int64_t member_bytes() const { return member_bytes_; }
  int64_t current_member_bytes() const {
    return live_heap_bytes.load() - baseline_bytes_;
  }

 private:
  Keyring keyring_;
  Prng rng_;
  std::unique_ptr<Node> node_;
  absl::Time now_;
  int64_t baseline_bytes_ = 0;
  int64_t member_bytes_ = 0;
};

void BM_HandlePing(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  Fixture f(members);
  Packet packet;
  packet.sender = NameOf(1);
  Ping ping;
  ping.seq = 7;
  ping.target = "me";
  packet.message = ping;
  const std::string datagram = f.Seal(EncodePacket(packet).value());
  const std::string from = AddressOf(1);
  for (auto _ : state) {
    f.node().HandleDatagram(f.now(), from, datagram);
    benchmark::DoNotOptimize(f.Drain());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandlePing)->Arg(10)->Arg(10000);

// A datagram carrying a full load of gossip about known members.
void BM_HandleGossip(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  Fixture f(members);
  PacketWriter writer =
      PacketWriter::Start(MaxEnvelopeBodyBytes(kDefaultMaxDatagramBytes),
                          NameOf(1), Gossip{})
          .value();
  for (int i = 0; i < members; ++i) {
    Alive alive;
    alive.member = NameOf(i);
    alive.address = AddressOf(i);
    alive.metadata_version = 1;
    alive.metadata_size = 1;
    if (!writer.Add(alive)) break;
  }
  const std::string datagram = f.Seal(std::move(writer).Finish());
  const std::string from = AddressOf(1);
  for (auto _ : state) {
    f.node().HandleDatagram(f.now(), from, datagram);
    benchmark::DoNotOptimize(f.Drain());
  }
}
BENCHMARK(BM_HandleGossip)->Arg(10)->Arg(10000);

// One due timer tick (a probe start, timeout or end), outputs drained.
// Nobody answers, so probes fail and relays are asked: the costly case.
void BM_Tick(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  Fixture f(members);
  for (auto _ : state) {
    f.now() = f.node().NextDeadline();
    f.node().Tick(f.now());
    benchmark::DoNotOptimize(f.Drain());
  }
}
BENCHMARK(BM_Tick)->Arg(10)->Arg(10000);

// The same with every probe acked (outside the timing): the common case.
void BM_TickHealthy(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  Fixture f(members);
  for (auto _ : state) {
    f.now() = f.node().NextDeadline();
    f.node().Tick(f.now());
    state.PauseTiming();
    f.AnswerProbes();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_TickHealthy)->Arg(10)->Arg(10000);

// Live heap bytes per known member: right after learning them (while the
// gossip queue still holds them for two low-priority piggybacks) and in
// the steady state, once that queue has drained.
void BM_MemoryPerMember(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  int64_t transient = 0;
  int64_t steady = 0;
  for (auto _ : state) {
    Fixture f(members);
    transient = f.member_bytes();
    while (f.node().pending_gossip() > 0) {
      f.now() = f.node().NextDeadline();
      f.node().Tick(f.now());
      f.AnswerProbes();
    }
    steady = f.current_member_bytes();
  }
  state.counters["bytes_per_member"] =
      static_cast<double>(steady) / static_cast<double>(members);
  state.counters["bytes_per_member_transient"] =
      static_cast<double>(transient) / static_cast<double>(members);
}
BENCHMARK(BM_MemoryPerMember)->Arg(10)->Arg(10000)->Iterations(1);

}  // namespace
}  // namespace swim
