// libFuzzer target: a small cluster of honest swim::Nodes (3 to 5) on an
// in-process network, with an insider who holds the key (see
// tests/swim/cluster_fuzz_insider.h). Build and run with
//
//   bazel run --config=fuzz //tests/swim:cluster_fuzz -- -max_total_time=60
//       /tmp/scratch_corpus $PWD/tests/swim/cluster_fuzz_corpus
//
// (one command line; new inputs go to the scratch directory, the first).
// The input is a script: each step has the insider send a sealed hostile
// packet (or a random valid one, or raw sealed bytes) to a node, advances
// time (every node ticks when it asks), or delivers, drops, duplicates or
// reorders the datagrams the nodes queued for each other. After every step
// the checks of tests/swim/cluster_fuzz_checks.h run: no deadline in the
// past after a Tick, everything sent opens and fits, every table within
// its bound, no incarnation past the ceiling. At the end the insider stops
// and the network turns reliable: after kSettleMin, and within kSettleTime,
// of clean running, every honest node must see every other ONLINE (no
// member pinned).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/config.h"
#include "swim/keyring.h"
#include "swim/node.h"
#include "swim/state_sizes.h"
#include "tests/swim/cluster_fuzz_checks.h"
#include "tests/swim/cluster_fuzz_insider.h"
#include "tests/testing/fuzz_script.h"

namespace {

using ::swim::testing::AddressOf;
using ::swim::testing::FuzzScript;
using ::swim::testing::Insider;

constexpr char kKey[] = "cluster-fuzz-key-cluster-fuzz-k!";
constexpr char kCluster[] = "fuzz";
// Small enough that the insider's fake members can fill a table.
constexpr int kMaxMembers = 16;
// Datagrams waiting on the network, at most (older ones are lost).
constexpr size_t kMaxQueued = 512;
// How long the cluster runs clean at the end, at most: enough for fake
// members to be suspected, declared, forgotten (kOfflineRetention) and for
// the honest ones to take their places and exchange state.
constexpr absl::Duration kSettleTime = absl::Minutes(4);
// And at least this long, so that whatever the insider left in flight or
// in the gossip queues (a suspicion it planted, say) has had its effect:
// several suspicion timeouts at this size.
constexpr absl::Duration kSettleMin = absl::Minutes(1);
constexpr absl::Duration kOfflineRetention = absl::Seconds(30);
constexpr absl::Duration kLatency = absl::Milliseconds(1);
// Steps (ticks, deliveries) at one simulated instant before the cluster
// counts as never settling (a livelock).
constexpr int kMaxStepsAtInstant = 100000;

// Aborts (a finding) with the invariant's message.
void Require(const absl::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "cluster_fuzz: %s\n",
               std::string(status.message()).c_str());
  std::abort();
}

swim::Keyring MakeKeyring() {
  absl::StatusOr<swim::Keyring> keyring =
      swim::Keyring::Create(kCluster, {kKey});
  Require(keyring.status());
  return std::move(*keyring);
}

struct Datagram {
  std::string from;
  std::string to;
  std::string bytes;
  absl::Time arrival;  // in the clean phase only
};

class Cluster {
 public:
  Cluster(int size, uint8_t seed, absl::Time start)
      : now_(start), insider_(MakeKeyring()) {
    for (int i = 0; i < size; ++i) {
      swim::Config config;
      config.name = swim::testing::HonestName(i);
      config.address = AddressOf(config.name);
      config.cluster_name = kCluster;
      config.keys = {kKey};
      if (i > 0) config.seed_peers = {AddressOf(swim::testing::HonestName(0))};
      config.seed = uint64_t{seed} * 8 + static_cast<uint64_t>(i);
      config.max_members = kMaxMembers;
      config.offline_retention = kOfflineRetention;
      absl::StatusOr<std::unique_ptr<swim::Node>> node =
          swim::Node::Create(config, now_);
      Require(node.status());
      nodes_.push_back(std::move(*node));
    }
    for (auto& node : nodes_) Collect(*node);
  }

  // One scripted step, then the checks of every node.
  void Step(FuzzScript& s) {
    const uint8_t op = s.Byte() % 16;
    swim::Node& node = *nodes_[s.Byte() % nodes_.size()];
    std::string from;
    std::string datagram;
    if (op < 5) {
      datagram = insider_.Hostile(s, node, &from);
    } else if (op == 5) {
      datagram = insider_.Random(s, &from);
    } else if (op == 6) {
      datagram = insider_.Raw(s, &from);
    } else if (op < 9) {
      for (uint32_t n = 1 + s.Small() % 8; n > 0 && !queued_.empty(); --n) {
        DeliverFront();
      }
    } else if (op == 9) {
      if (!queued_.empty()) queued_.pop_front();  // lost
    } else if (op == 10) {
      if (!queued_.empty()) Deliver(queued_.front());  // duplicated
    } else if (op == 11) {
      if (!queued_.empty()) {  // reordered: one overtakes the rest
        const auto at = static_cast<std::ptrdiff_t>(s.Byte() % queued_.size());
        std::rotate(queued_.begin(), queued_.begin() + at,
                    queued_.begin() + at + 1);
      }
    } else if (op < 14) {
      AdvanceTo(now_ + absl::Milliseconds(1 + s.Byte() * 20));
    } else if (op == 14) {
      for (size_t n = queued_.size(); n > 0 && !queued_.empty(); --n) {
        DeliverFront();
      }
    } else if (s.Byte() % 4 == 0) {
      // Sometimes several datagrams' worth, to be fetched in chunks.
      (void)node.SetLocalState(now_, s.Bytes(size_t{s.Small()} * 400));
      while (node.PollStateMerge().has_value()) {
      }
      Collect(node);
    } else {
      (void)node.SetMetadata(now_, {{"k", s.Bytes(s.Small())}});
      Collect(node);
    }
    if (!datagram.empty()) {
      node.HandleDatagram(now_, from, datagram);
      Collect(node);
    }
    CheckAll();
  }

  // The insider stops, the network delivers everything after kLatency:
  // every honest node must come to see every other ONLINE.
  void Settle() {
    for (Datagram& d : queued_) d.arrival = now_ + kLatency;
    const absl::Time end = now_ + kSettleTime;
    absl::Time next_check = now_ + kSettleMin;
    absl::Time last = now_;
    for (int at_instant = 0;; ++at_instant) {
      if (now_ >= next_check) {
        CheckAll();
        if (swim::testing::CheckAllSeeAllOnline(Honest()).ok()) return;
        next_check = now_ + absl::Seconds(1);
      }
      const absl::Time arrival =
          queued_.empty() ? absl::InfiniteFuture() : queued_.front().arrival;
      const absl::Time tick_at = EarliestDeadline();
      const absl::Time next = std::min({arrival, tick_at, next_check});
      if (next > end) break;
      now_ = std::max(now_, next);
      if (now_ != last) {
        last = now_;
        at_instant = 0;
      }
      RequireSettles(at_instant);
      if (arrival <= now_) {
        DeliverFront();
      } else if (tick_at <= now_) {
        TickEarliest();
      }
    }
    Require(swim::testing::CheckAllSeeAllOnline(Honest()));
  }

 private:
  std::vector<const swim::Node*> Honest() const {
    std::vector<const swim::Node*> honest;
    for (const auto& node : nodes_) honest.push_back(node.get());
    return honest;
  }

  swim::Node* NodeAt(absl::string_view address) {
    for (auto& node : nodes_) {
      if (node->config().address == address) return node.get();
    }
    return nullptr;
  }

  // Checks and queues what `node` sent; the insider sees it all.
  void Collect(swim::Node& node) {
    while (std::optional<swim::Transmit> t = node.PollTransmit()) {
      Require(swim::testing::CheckDatagram(insider_.keyring(), t->datagram,
                                           node.config().max_datagram_bytes));
      insider_.Sniff(t->datagram);
      if (NodeAt(t->to_address) == nullptr)
        continue;  // the insider's, or nobody's
      if (queued_.size() >= kMaxQueued) queued_.pop_front();
      queued_.push_back(Datagram{node.config().address, t->to_address,
                                 std::move(t->datagram), now_ + kLatency});
    }
    while (node.PollEvent().has_value()) {
    }
  }

  void Deliver(const Datagram& d) {
    swim::Node* node = NodeAt(d.to);
    if (node == nullptr) return;
    node->HandleDatagram(now_, d.from, d.bytes);
    Collect(*node);
  }

  void DeliverFront() {
    const Datagram d = std::move(queued_.front());
    queued_.pop_front();
    Deliver(d);
  }

  swim::Node& Earliest() {
    swim::Node* next = nodes_.front().get();
    for (auto& node : nodes_) {
      if (node->NextDeadline() < next->NextDeadline()) next = node.get();
    }
    return *next;
  }

  absl::Time EarliestDeadline() { return Earliest().NextDeadline(); }

  // Ticks the node whose deadline comes first (now, if it is past).
  void TickEarliest() {
    swim::Node& node = Earliest();
    const absl::Time t = std::max(now_, node.NextDeadline());
    now_ = t;
    node.Tick(t);
    Require(swim::testing::CheckDeadlineAfterTick(node.config().name,
                                                  node.NextDeadline(), t));
    Collect(node);
  }

  // A cluster that keeps acting at one instant never lets time pass.
  void RequireSettles(int steps_at_instant) const {
    if (steps_at_instant < kMaxStepsAtInstant) return;
    Require(absl::InternalError(
        absl::StrCat("the cluster never settles: ", steps_at_instant,
                     " steps at ", absl::FormatTime(now_))));
  }

  // Ticks every node whenever it asks, up to `end`.
  void AdvanceTo(absl::Time end) {
    absl::Time last = now_;
    for (int at_instant = 0; EarliestDeadline() <= end; ++at_instant) {
      if (now_ != last) {
        last = now_;
        at_instant = 0;
      }
      RequireSettles(at_instant);
      TickEarliest();
    }
    now_ = std::max(now_, end);
  }

  void CheckAll() const {
    for (const auto& node : nodes_) {
      Require(swim::testing::CheckStateBounds(
          node->config().name, node->state_sizes(),
          swim::StateBounds(node->config())));
      Require(swim::testing::CheckIncarnations(*node));
    }
  }

  absl::Time now_;
  Insider insider_;
  std::vector<std::unique_ptr<swim::Node>> nodes_;
  std::deque<Datagram> queued_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzScript s(data, size);
  const int nodes = 3 + s.Byte() % 3;
  Cluster cluster(nodes, s.Byte(), absl::UnixEpoch() + absl::Hours(1));
  // Bounded work per input: long inputs are cut at 2,000 steps.
  for (int steps = 0; !s.done() && steps < 2000; ++steps) cluster.Step(s);
  cluster.Settle();
  return 0;
}
