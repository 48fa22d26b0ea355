#include "tests/testing/udp_node_waits.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace swim::testing {

net::UdpNodeOptions FastUdpOptions() {
  net::UdpNodeOptions options;
  options.config.address = "127.0.0.1:0";
  options.config.probe_interval = absl::Milliseconds(200);
  options.config.probe_timeout = absl::Milliseconds(100);
  options.config.join_retry_initial = absl::Milliseconds(100);
  options.config.join_retry_max = absl::Milliseconds(500);
  return options;
}

std::unique_ptr<net::UdpNode> StartNode(net::UdpNodeOptions options) {
  absl::StatusOr<std::unique_ptr<net::UdpNode>> node =
      net::UdpNode::Start(std::move(options));
  EXPECT_TRUE(node.ok()) << node.status();
  return node.ok() ? *std::move(node) : nullptr;
}

std::optional<net::MemberInfo> Lookup(const net::UdpNode& node,
                                      absl::string_view name) {
  std::shared_ptr<const net::MembersSnapshot> view = node.Members();
  const net::MemberInfo* m = view->Find(name);
  if (m == nullptr) return std::nullopt;
  return *m;
}

bool Sees(const net::UdpNode& observer, absl::string_view member,
          Status status) {
  std::shared_ptr<const net::MembersSnapshot> view = observer.Members();
  const net::MemberInfo* m = view->Find(member);
  return m != nullptr && m->status == status;
}

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

}  // namespace swim::testing
