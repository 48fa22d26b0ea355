// Getting started with swim on UDP; net/README.md shows its parts. Two nodes
// on 127.0.0.1 form a cluster, the first watches the second's metadata
// change, and both leave. Exits 0 once all of that happened (in a few
// seconds), 1 otherwise.
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
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/subscription.h"
#include "net/udp_node.h"
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

absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> StartPeer() {
  swim::net::UdpNodeOptions options;
  options.config.address = "127.0.0.1:0";
  options.config.metadata = {{"name", "two"}};
  options.config.keys = {swim::net::DeriveKeyFromSecret("my secret")};
  return swim::net::UdpNode::Start(std::move(options));
}

absl::Status Run() {
  // Another member to join through; usually another process or machine.
  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> peer = StartPeer();
  if (!peer.ok()) return peer.status();
  const std::string peer_address = (*peer)->address();

  // [START options]
  swim::net::UdpNodeOptions options;
  options.config.address = "127.0.0.1:0";  // port 0: any free port
  options.config.metadata = {{"name", "one"}};
  options.config.seed_peers = {peer_address};  // "host:port" of any member
  options.config.keys = {swim::net::DeriveKeyFromSecret("my secret")};
  // [END options]

  // [START start]
  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> node =
      swim::net::UdpNode::Start(std::move(options));
  if (!node.ok()) return node.status();
  // [END start]

  // [START subscribe]
  swim::net::Subscription subscription =
      (*node)->Subscribe([](const swim::net::MemberChange& change) {
        std::cout << "updated: " << change.member.name << " "
                  << swim::StatusName(change.member.status) << "\n";
      });
  // [END subscribe]

  absl::Status joined = WaitFor("both members available", [&] {
    return (*node)->Members()->WithStatus(swim::Status::kAvailable).size() == 2;
  });
  if (!joined.ok()) return joined;

  // [START members]
  std::shared_ptr<const swim::net::MembersSnapshot> view = (*node)->Members();
  for (const swim::net::MemberInfo& m : view->members) {
    if (!m.is_local)
      std::cout << m.name << " " << swim::StatusName(m.status) << "\n";
  }
  for (const swim::net::MemberInfo* m :
       view->WithStatus(swim::Status::kAvailable)) {
    std::cout << m->name << " " << m->metadata.size() << " keys\n";
  }
  // [END members]

  absl::Status updated =
      (*peer)->SetMetadata({{"name", "two"}, {"role", "cache"}});
  if (!updated.ok()) return updated;
  absl::Status seen = WaitFor("the peer's new metadata", [&] {
    const swim::net::MemberInfo* m = (*node)->Members()->Find(peer_address);
    return m != nullptr && m->metadata.count("role") == 1;
  });
  if (!seen.ok()) return seen;

  // [START metadata]
  absl::Status s = (*node)->SetMetadata({{"name", "one"}, {"role", "db"}});
  (*node)->Stop();  // leaves gracefully; Stop(UdpNode::StopMode::kNoLeave) does
                    // not
  // [END metadata]
  if (!s.ok()) return s;
  (*peer)->Stop();
  return absl::OkStatus();
}

}  // namespace

int main() {
  absl::Status status = Run();
  if (!status.ok()) {
    std::cerr << "getting_started: " << status << "\n";
    return 1;
  }
  std::cout << "getting_started: ok\n";
  return 0;
}
