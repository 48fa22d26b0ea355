// What a subscription is told; net/README.md ("What changed") shows its
// callback. Two nodes on 127.0.0.1: the first watches the second change
// its metadata, then leave, and tells the two kinds of change apart. Exits
// 0 once it saw both (in a few seconds), 1 otherwise.
#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/secret.h"
#include "net/subscription.h"
#include "net/udp_node.h"
#include "swim/member_event.h"
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

absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> StartNode(
    std::string peer) {
  swim::net::UdpNodeOptions options;
  options.config.address = "127.0.0.1:0";
  options.config.keys = {swim::net::DeriveKeyFromSecret("my secret")};
  if (!peer.empty()) options.config.seed_peers = {std::move(peer)};
  return swim::net::UdpNode::Start(std::move(options));
}

absl::Status Run() {
  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> node = StartNode("");
  if (!node.ok()) return node.status();
  std::atomic<int> metadata_changes{0};
  std::atomic<int> departures{0};

  // [START changes]
  swim::net::Subscription subscription =
      (*node)->Subscribe([&](const swim::net::MemberChange& change) {
        const swim::net::MemberInfo& m = change.member;  // as of the change
        if (change.event.kind == swim::MemberEvent::Kind::kNameConflict) {
          std::cout << change.event.claimant_address << " claims " << m.name
                    << ", held at " << m.address << "\n";
          return;
        }
        if (change.status_changed) {
          std::cout << m.name << " is " << swim::StatusName(m.status) << "\n";
          if (m.status == swim::Status::kOffline) ++departures;
        }
        if (change.metadata_changed) {
          std::cout << m.name << " has new metadata: role="
                    << (m.metadata.count("role") ? m.metadata.at("role") : "")
                    << "\n";
          ++metadata_changes;
        }
        if (change.address_changed) {
          std::cout << m.name << " moved from " << change.event.previous_address
                    << " to " << m.address << "\n";
        }
      });
  // [END changes]

  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> peer =
      StartNode((*node)->address());
  if (!peer.ok()) return peer.status();
  absl::Status joined = WaitFor("both members available", [&] {
    return (*node)->Members()->WithStatus(swim::Status::kAvailable).size() == 2;
  });
  if (!joined.ok()) return joined;
  const int before = metadata_changes.load();
  absl::Status s = (*peer)->SetMetadata({{"role", "cache"}});
  if (!s.ok()) return s;
  s = WaitFor("a metadata change", [&] { return metadata_changes > before; });
  if (!s.ok()) return s;
  if (departures.load() != 0) {
    return absl::InternalError("a metadata change passed for a status change");
  }
  (*peer)->Stop();  // leaves gracefully: a status change
  s = WaitFor("a status change", [&] { return departures.load() == 1; });
  if (!s.ok()) return s;
  subscription.Cancel();
  (*node)->Stop();
  return absl::OkStatus();
}

}  // namespace

int main() {
  absl::Status status = Run();
  if (!status.ok()) {
    std::cerr << "member_changes: " << status << "\n";
    return 1;
  }
  std::cout << "member_changes: ok\n";
  return 0;
}
