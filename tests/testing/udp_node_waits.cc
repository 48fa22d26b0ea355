#include "tests/testing/udp_node_waits.h"

#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace swim::testing {

std::unique_ptr<net::UdpNode> StartNode(net::UdpNodeOptions options) {
  absl::StatusOr<std::unique_ptr<net::UdpNode>> node =
      net::UdpNode::Start(std::move(options));
  EXPECT_TRUE(node.ok()) << node.status();
  return node.ok() ? *std::move(node) : nullptr;
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
