// Benchmarks of the UDP adapter (net/udp_node.h) on loopback.
//
//   BM_PingThroughput: datagrams one node handles per second. A client
//     keeps a window of sealed Pings in flight to one UdpNode and counts
//     its Acks; items_per_second is pings answered per second (each one a
//     datagram in and a datagram out, both sealed and authenticated).
//   BM_SteadyStateCpu: 50 UdpNodes (LAN profile: one probe per second) in
//     this process, converged; cpu_ms_per_node_s is the process's CPU time
//     (user + system) per node per second of wall time. memberlist was
//     measured at 0.25-0.7 ms per node-second.
//
//   bazel run //bench:udp_node_benchmark
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/socket_address.h"
#include "net/udp_node.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/prng.h"
#include "swim/status.h"

namespace swim::net {
namespace {

constexpr absl::string_view kSecret = "benchmark secret";

UdpNodeOptions Options(std::vector<std::string> peers = {}) {
  UdpNodeOptions options;
  options.config.address = "127.0.0.1:0";
  options.config.keys = {DeriveKeyFromSecret(kSecret)};
  options.config.seed_peers = std::move(peers);
  options.leave_on_stop = false;
  return options;
}

void BM_PingThroughput(benchmark::State& state) {
  const int window = static_cast<int>(state.range(0));
  absl::StatusOr<std::unique_ptr<UdpNode>> node = UdpNode::Start(Options());
  if (!node.ok()) {
    state.SkipWithError("start failed");
    return;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  absl::StatusOr<SocketAddress> any = ParseSocketAddress("127.0.0.1:0");
  if (bind(fd, any->addr(), any->size) != 0) {
    state.SkipWithError("bind failed");
    close(fd);
    return;
  }
  absl::StatusOr<SocketAddress> to = ParseSocketAddress((*node)->address());
  absl::StatusOr<Keyring> keyring =
      Keyring::Create("", {DeriveKeyFromSecret(kSecret)});
  Prng random(1);
  // A few distinct sealed pings, sent round robin.
  std::vector<std::string> pings;
  for (uint32_t seq = 1; seq <= 16; ++seq) {
    Packet packet;
    packet.sender = "bench-client";
    packet.message = Ping{seq, (*node)->name()};
    absl::StatusOr<std::string> body = EncodePacket(packet);
    std::string datagram;
    if (!body.ok() ||
        !SealDatagram(*keyring, EnvelopeOptions(), *body, random, &datagram)
             .ok()) {
      state.SkipWithError("sealing failed");
      return;
    }
    pings.push_back(std::move(datagram));
  }
  char buffer[2048];
  uint64_t sent = 0;
  uint64_t answered = 0;
  uint64_t lost = 0;
  for (auto _ : state) {
    // Fill the window, then send one ping per ack.
    while (sent - answered - lost < static_cast<uint64_t>(window)) {
      const std::string& p = pings[sent % pings.size()];
      sendto(fd, p.data(), p.size(), 0, to->addr(), to->size);
      ++sent;
    }
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, 100) <= 0) {
      lost = sent - answered;  // the window was dropped; start again
      continue;
    }
    while (recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT) > 0) ++answered;
  }
  state.SetItemsProcessed(static_cast<int64_t>(answered));
  UdpNodeStats stats = (*node)->Stats();
  state.counters["lost"] = static_cast<double>(lost);
  state.counters["recv_calls_per_datagram"] =
      stats.socket.datagrams_received == 0
          ? 0
          : static_cast<double>(stats.socket.receive_calls) /
                static_cast<double>(stats.socket.datagrams_received);
  close(fd);
}
BENCHMARK(BM_PingThroughput)->Arg(1)->Arg(64)->UseRealTime()->MinTime(3);

double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return absl::ToDoubleSeconds(absl::DurationFromTimeval(usage.ru_utime) +
                               absl::DurationFromTimeval(usage.ru_stime));
}

void BM_SteadyStateCpu(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  const absl::Duration measure = absl::Seconds(state.range(1));
  std::vector<std::unique_ptr<UdpNode>> nodes;
  absl::StatusOr<std::unique_ptr<UdpNode>> first = UdpNode::Start(Options());
  if (!first.ok()) {
    state.SkipWithError("start failed");
    return;
  }
  nodes.push_back(*std::move(first));
  for (size_t i = 1; i < size; ++i) {
    absl::StatusOr<std::unique_ptr<UdpNode>> node =
        UdpNode::Start(Options({nodes[0]->address()}));
    if (!node.ok()) {
      state.SkipWithError("start failed");
      return;
    }
    nodes.push_back(*std::move(node));
  }
  // Converge, then let the join traffic die down.
  absl::Time give_up = absl::Now() + absl::Seconds(120);
  for (;;) {
    bool all = true;
    for (const auto& n : nodes) {
      all = all && n->Members()->Count(Status::kOnline) == size;
    }
    if (all) break;
    if (absl::Now() > give_up) {
      state.SkipWithError("no convergence");
      return;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  absl::SleepFor(absl::Seconds(5));
  double cpu = 0;
  absl::Duration wall;
  for (auto _ : state) {
    double cpu_start = CpuSeconds();
    absl::Time start = absl::Now();
    absl::SleepFor(measure);
    wall = absl::Now() - start;
    cpu = CpuSeconds() - cpu_start;
  }
  uint64_t datagrams = 0;
  for (const auto& n : nodes) datagrams += n->Stats().socket.datagrams_sent;
  const double node_seconds =
      static_cast<double>(size) * absl::ToDoubleSeconds(wall);
  state.counters["cpu_ms_per_node_s"] = cpu * 1000 / node_seconds;
  state.counters["nodes"] = static_cast<double>(size);
  state.counters["all_online_at_end"] = 1;
  for (const auto& n : nodes) {
    if (n->Members()->Count(Status::kOnline) != size) {
      state.counters["all_online_at_end"] = 0;
    }
  }
  state.counters["datagrams_sent_total"] = static_cast<double>(datagrams);
}
BENCHMARK(BM_SteadyStateCpu)
    ->Args({50, 20})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace swim::net
