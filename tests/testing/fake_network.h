// A deterministic in-process network of swim Nodes, with time advanced by
// hand: the test bed for multi-node tests (and the seed of the simulator).
//
// Datagrams take `latency` to arrive, in send order; loss and partitions
// are decided by the network's own Prng, so a run is a pure function of
// the configs, the seeds and the script.
//
//   FakeNetwork net(absl::UnixEpoch(), /*seed=*/7);
//   ASSERT_TRUE(net.AddNode(MakeConfig("a", {})).ok());
//   ASSERT_TRUE(net.AddNode(MakeConfig("b", {"a:1"})).ok());
//   net.RunFor(absl::Seconds(10));
//   EXPECT_TRUE(net.AllSeeAllOnline());
//   net.Crash("b");
//   net.RunUntil([&] { return net.StatusAt("a", "b") == Status::kOffline; },
//                absl::Minutes(2));
#ifndef TESTS_TESTING_FAKE_NETWORK_H_
#define TESTS_TESTING_FAKE_NETWORK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/config.h"
#include "swim/node.h"
#include "swim/prng.h"

namespace swim::testing {

// A config for a test node: name `name`, address "<name>:7946", a shared
// test key, fast deterministic defaults otherwise (the LAN profile), but
// the round-robin probe order and suspicions shown at once (see the .cc).
Config TestConfig(absl::string_view name,
                  std::vector<std::string> seed_peers = {}, uint64_t seed = 0);
// The address TestConfig gives `name`.
std::string TestAddress(absl::string_view name);

class FakeNetwork {
 public:
  // An event as observed by node `node` at time `at`.
  struct RecordedEvent {
    absl::Time at;
    std::string node;
    MemberEvent event;
  };

  explicit FakeNetwork(absl::Time start, uint64_t seed = 1);

  // Starts a node at now(); its address is config.address, which must not
  // be taken by a running node.
  absl::Status AddNode(Config config);
  // Stops a node abruptly: it sends nothing more and receives nothing.
  void Crash(absl::string_view name);
  // Leaves gracefully (the node stays reachable but inert).
  void Leave(absl::string_view name);
  // nullptr if no such running node.
  Node* node(absl::string_view name);
  std::vector<std::string> node_names() const;

  // Datagrams take this long (default 1 ms).
  void set_latency(absl::Duration latency) { latency_ = latency; }
  // Each datagram is lost with probability numerator / denominator.
  void SetLoss(uint32_t numerator, uint32_t denominator);
  // Cuts every link between `side` and the other nodes (both ways).
  void Partition(const std::vector<std::string>& side);
  void Heal();

  // Puts what the nodes queued to send on the wire now (after calling a
  // node's API directly, e.g. Node::Join, which sets no timer to be due).
  void Flush() { Collect(); }

  // Delivers datagrams and runs timers until `end` (inclusive).
  void RunUntil(absl::Time end);
  void RunFor(absl::Duration duration) { RunUntil(now_ + duration); }
  // Runs until `done()` holds (checked after each step) or `limit` passes;
  // returns whether it held.
  bool RunUntil(const std::function<bool()>& done, absl::Duration limit);

  absl::Time now() const { return now_; }
  const std::vector<RecordedEvent>& events() const { return events_; }
  uint64_t datagrams_delivered() const { return delivered_; }
  uint64_t datagrams_dropped() const { return dropped_; }

  // The status node `observer` holds for `member`; kUnknown if unknown.
  Status StatusAt(absl::string_view observer, absl::string_view member);
  // Every running, not-left node sees every other such node ONLINE.
  bool AllSeeAllOnline();
  // Every running, not-left node other than `member` holds it as `status`.
  bool AllSee(absl::string_view member, Status status);

 private:
  struct InFlight {
    absl::Time at;
    uint64_t order;
    std::string from_address;
    std::string to_address;
    std::string datagram;
    bool operator>(const InFlight& o) const {
      return at != o.at ? at > o.at : order > o.order;
    }
  };

  bool Blocked(const std::string& from, const std::string& to) const;
  // Moves every node's outputs into the network; true if any.
  void Collect();
  // Performs the next step no later than `end`; false if none is due.
  bool Step(absl::Time end);

  absl::Time now_;
  Prng rng_;
  absl::Duration latency_ = absl::Milliseconds(1);
  uint32_t loss_numerator_ = 0;
  uint32_t loss_denominator_ = 1;
  std::map<std::string, std::unique_ptr<Node>, std::less<>> nodes_;
  std::map<std::string, std::string, std::less<>> name_by_address_;
  std::set<std::string> partition_side_;  // addresses
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<InFlight>>
      in_flight_;
  uint64_t next_order_ = 0;
  uint64_t delivered_ = 0;
  uint64_t dropped_ = 0;
  uint64_t steps_at_now_ = 0;  // guards against a node that never settles
  std::vector<RecordedEvent> events_;
};

}  // namespace swim::testing

#endif  // TESTS_TESTING_FAKE_NETWORK_H_
