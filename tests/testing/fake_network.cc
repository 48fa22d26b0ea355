#include "tests/testing/fake_network.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"

namespace swim::testing {

std::string TestAddress(absl::string_view name) {
  return absl::StrCat(name, ":7946");
}

Config TestConfig(absl::string_view name, std::vector<std::string> seed_peers,
                  uint64_t seed) {
  Config config;
  config.name = std::string(name);
  config.address = TestAddress(name);
  config.keys = {"0123456789abcdef0123456789abcdef"};
  config.cluster_name = "test";
  config.seed_peers = std::move(seed_peers);
  // The harness and these clusters play version 1 peers and count their
  // datagrams exactly; tests/swim/protocol_versions_test.cc runs version 2
  // and mixed clusters.
  config.protocol_version_max = 1;
  // Tests drive probes by hand and read suspicions as they are raised: the
  // round-robin order (a node probes every member in turn) and suspicions
  // shown at once. tests/swim/probe_ring_test.cc, node_probe_ring_test.cc
  // and suspect_shown_test.cc, the simulator and the fuzzers run the
  // defaults.
  config.probe_ring_monitors = 0;
  config.suspicion_shown_confirmations = 0;
  // Distinct per name unless given.
  if (seed == 0) {
    seed = 1469598103934665603ULL;
    for (char c : name)
      seed = (seed ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  }
  config.seed = seed;
  return config;
}

FakeNetwork::FakeNetwork(absl::Time start, uint64_t seed)
    : now_(start), rng_(seed) {}

absl::Status FakeNetwork::AddNode(Config config) {
  if (nodes_.count(config.name) != 0) {
    return absl::AlreadyExistsError(absl::StrCat(config.name, " is running"));
  }
  if (name_by_address_.count(config.address) != 0) {
    return absl::AlreadyExistsError(absl::StrCat(config.address, " is taken"));
  }
  const std::string name = config.name;
  const std::string address = config.address;
  absl::StatusOr<std::unique_ptr<Node>> node =
      Node::Create(std::move(config), now_);
  if (!node.ok()) return node.status();
  nodes_[name] = std::move(*node);
  name_by_address_[address] = name;
  Collect();
  return absl::OkStatus();
}

void FakeNetwork::Crash(absl::string_view name) {
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return;
  name_by_address_.erase(std::string(it->second->config().address));
  nodes_.erase(it);
}

void FakeNetwork::Leave(absl::string_view name) {
  if (Node* n = node(name)) {
    n->Leave(now_);
    Collect();
  }
}

Node* FakeNetwork::node(absl::string_view name) {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : it->second.get();
}

std::vector<std::string> FakeNetwork::node_names() const {
  std::vector<std::string> names;
  for (const auto& [name, node] : nodes_) names.push_back(name);
  return names;
}

void FakeNetwork::SetLoss(uint32_t numerator, uint32_t denominator) {
  loss_numerator_ = numerator;
  loss_denominator_ = denominator;
}

void FakeNetwork::Partition(const std::vector<std::string>& side) {
  partition_side_.clear();
  for (const std::string& name : side)
    partition_side_.insert(TestAddress(name));
}

void FakeNetwork::Heal() { partition_side_.clear(); }

bool FakeNetwork::Blocked(const std::string& from,
                          const std::string& to) const {
  if (partition_side_.empty()) return false;
  return partition_side_.count(from) != partition_side_.count(to);
}

void FakeNetwork::Collect() {
  for (auto& [name, node] : nodes_) {
    const std::string from(node->config().address);
    while (std::optional<Transmit> t = node->PollTransmit()) {
      const bool lost = loss_numerator_ > 0 &&
                        rng_.Bernoulli(loss_numerator_, loss_denominator_);
      if (lost || Blocked(from, t->to_address)) {
        ++dropped_;
        continue;
      }
      InFlight flight;
      flight.at = now_ + latency_;
      flight.order = next_order_++;
      flight.from_address = from;
      flight.to_address = std::move(t->to_address);
      flight.datagram = std::move(t->datagram);
      in_flight_.push(std::move(flight));
    }
    while (std::optional<MemberEvent> e = node->PollEvent()) {
      events_.push_back(RecordedEvent{now_, name, std::move(*e)});
    }
  }
}

bool FakeNetwork::Step(absl::Time end) {
  absl::Time next = absl::InfiniteFuture();
  if (!in_flight_.empty()) next = in_flight_.top().at;
  for (const auto& [name, node] : nodes_) {
    next = std::min(next, node->NextDeadline());
  }
  if (next > end) return false;
  if (next <= now_) {
    // A node whose deadline stays due after Tick would spin here forever.
    if (++steps_at_now_ > 1000000) {
      std::fprintf(stderr, "FakeNetwork: no progress at %s\n",
                   absl::FormatTime(now_).c_str());
      std::abort();
    }
  } else {
    steps_at_now_ = 0;
  }
  now_ = std::max(now_, next);
  while (!in_flight_.empty() && in_flight_.top().at <= now_) {
    InFlight flight = in_flight_.top();
    in_flight_.pop();
    auto it = name_by_address_.find(flight.to_address);
    if (it == name_by_address_.end()) {
      ++dropped_;
      continue;
    }
    ++delivered_;
    nodes_[it->second]->HandleDatagram(now_, flight.from_address,
                                       flight.datagram);
  }
  for (auto& [name, node] : nodes_) {
    if (node->NextDeadline() <= now_) node->Tick(now_);
  }
  Collect();
  return true;
}

void FakeNetwork::RunUntil(absl::Time end) {
  while (Step(end)) {
  }
  now_ = std::max(now_, end);
}

bool FakeNetwork::RunUntil(const std::function<bool()>& done,
                           absl::Duration limit) {
  const absl::Time end = now_ + limit;
  if (done()) return true;
  while (Step(end)) {
    if (done()) return true;
  }
  now_ = std::max(now_, end);
  return done();
}

Status FakeNetwork::StatusAt(absl::string_view observer,
                             absl::string_view member) {
  Node* n = node(observer);
  if (n == nullptr) return Status::kUnknown;
  std::optional<MemberView> view = n->members().Find(member);
  return view.has_value() ? view->status : Status::kUnknown;
}

bool FakeNetwork::AllSeeAllOnline() {
  for (const auto& [observer, a] : nodes_) {
    if (a->has_left()) continue;
    for (const auto& [member, b] : nodes_) {
      if (b->has_left() || observer == member) continue;
      if (StatusAt(observer, member) != Status::kOnline) return false;
    }
  }
  return true;
}

bool FakeNetwork::AllSee(absl::string_view member, Status status) {
  for (const auto& [observer, a] : nodes_) {
    if (a->has_left() || observer == member) continue;
    if (StatusAt(observer, member) != status) return false;
  }
  return true;
}

}  // namespace swim::testing
