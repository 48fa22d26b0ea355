// Application messages on top of membership; README.md and net/README.md
// show its parts. Three nodes on 127.0.0.1 start without seed peers,
// subscribe, join through the first, then one broadcasts to all and sends
// one member a direct message. Exits 0 once everyone received what was
// meant for them (in a few seconds), 1 otherwise.
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/delivery_listeners.h"
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/subscription.h"
#include "net/udp_node.h"
#include "swim/delivery.h"
#include "swim/status.h"

namespace {

// Waits up to 10 seconds for `done` to hold.
template <typename Condition>
absl::Status WaitFor(absl::string_view what, Condition done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!done()) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("waiting for ", what));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> StartAlone() {
  // [START start_alone]
  swim::net::UdpNodeOptions options;
  options.config.address = "127.0.0.1:0";
  options.config.keys = {swim::net::DeriveKeyFromSecret("my secret")};
  // No seed_peers: the node contacts nobody until Join.
  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> node =
      swim::net::UdpNode::Start(std::move(options));
  // [END start_alone]
  return node;
}

absl::Status Run() {
  std::vector<std::unique_ptr<swim::net::UdpNode>> nodes;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> node = StartAlone();
    if (!node.ok()) return node.status();
    nodes.push_back(*std::move(node));
  }
  swim::net::UdpNode* node = nodes[1].get();
  const std::string first = nodes[0]->address();

  std::atomic<int> broadcasts{0};
  std::atomic<int> direct{0};
  std::vector<swim::net::Subscription> subscriptions;
  for (auto& n : nodes) {
    // [START deliveries]
    swim::net::Subscription s =
        n->SubscribeDeliveries([&](const swim::Delivery& d) {
          if (d.kind == swim::Delivery::Kind::kBroadcast) {
            std::cout << d.from << " broadcast " << d.key << ": " << d.payload
                      << "\n";
            ++broadcasts;
          } else {
            std::cout << d.from << " says: " << d.payload << "\n";
            ++direct;
          }
        });
    // [END deliveries]
    subscriptions.push_back(std::move(s));
  }

  // [START join]
  // Blocks until the peers answered (or 5 s passed): how many did.
  absl::StatusOr<size_t> answered = node->Join({first}, absl::Seconds(5));
  if (!answered.ok()) return answered.status();  // names the peers
  std::cout << "joined through " << *answered << " peer(s)\n";
  // [END join]
  absl::StatusOr<size_t> third = nodes[2]->Join({first}, absl::Seconds(5));
  if (!third.ok()) return third.status();
  absl::Status formed = WaitFor("three members", [&] {
    for (auto& n : nodes) {
      if (n->Members()->Count(swim::Status::kOnline) != 3) return false;
    }
    return true;
  });
  if (!formed.ok()) return formed;

  // [START broadcast]
  // To every member, once each; a later broadcast of the same key replaces
  // this one where it is still spreading.
  absl::Status sent = node->Broadcast("silence/42", "created");
  if (!sent.ok()) return sent;  // InvalidArgument: empty key, too large
  // One datagram to one member, best effort.
  absl::Status told = node->SendTo(first, "hello");
  if (!told.ok()) return told;  // NotFound: no such member
  // [END broadcast]

  absl::Status received = WaitFor("the broadcast and the message", [&] {
    return broadcasts.load() == 2 && direct.load() == 1;
  });
  subscriptions.clear();
  for (auto& n : nodes) n->Stop();
  return received;
}

}  // namespace

int main() {
  absl::Status status = Run();
  if (!status.ok()) {
    std::cerr << "broadcasts: " << status << "\n";
    return 1;
  }
  std::cout << "broadcasts: ok\n";
  return 0;
}
