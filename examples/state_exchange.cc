// The application's state in anti-entropy; net/README.md shows its parts.
// Two nodes on 127.0.0.1 start without seed peers, each sets its state and
// subscribes to the states merged, then the second joins through the
// first: each receives the other's state, marked as a join. Exits 0 once
// both have (in a second or so), 1 otherwise.
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/secret.h"
#include "net/state_merge_listeners.h"
#include "net/subscription.h"
#include "net/udp_node.h"
#include "swim/app_state.h"

namespace {

absl::Status Run() {
  std::vector<std::unique_ptr<swim::net::UdpNode>> nodes;
  for (int i = 0; i < 2; ++i) {
    swim::net::UdpNodeOptions options;
    options.config.address = "127.0.0.1:0";
    options.config.keys = {swim::net::DeriveKeyFromSecret("my secret")};
    absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> node =
        swim::net::UdpNode::Start(std::move(options));
    if (!node.ok()) return node.status();
    nodes.push_back(*std::move(node));
  }
  std::atomic<int> merged{0};
  std::vector<swim::net::Subscription> subscriptions;
  for (auto& node : nodes) {
    const std::string ring = absl::StrCat("ring of ", node->name());
    // [START state]
    // Offered at every state exchange from now on; set it again whenever
    // it changes (at most config.max_app_state_bytes).
    absl::Status set = node->SetLocalState(ring);
    if (!set.ok()) return set;
    swim::net::Subscription s =
        node->SubscribeStateMerges([&](const swim::StateMerge& m) {
          // Merge idempotently: a member's state arrives once per version.
          std::cout << m.from << (m.join ? " (join)" : "") << ": " << m.state
                    << "\n";
          ++merged;
        });
    // [END state]
    subscriptions.push_back(std::move(s));
  }
  absl::StatusOr<size_t> answered =
      nodes[1]->Join({nodes[0]->address()}, absl::Seconds(5));
  if (!answered.ok()) return answered.status();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (merged.load() < 2 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  subscriptions.clear();
  for (auto& node : nodes) node->Stop();
  if (merged.load() < 2) {
    return absl::DeadlineExceededError("waiting for both states");
  }
  return absl::OkStatus();
}

}  // namespace

int main() {
  absl::Status status = Run();
  if (!status.ok()) {
    std::cerr << "state_exchange: " << status << "\n";
    return 1;
  }
  std::cout << "state_exchange: ok\n";
  return 0;
}
