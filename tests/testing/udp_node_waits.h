// Starting real UdpNodes in tests and waiting, bounded, for what they see.
//
//   std::unique_ptr<UdpNode> a = StartNode(options);
//   ASSERT_NE(a, nullptr);
//   EXPECT_TRUE(WaitFor([&] { return a->Members()->size() == 2; }));
#ifndef TESTS_TESTING_UDP_NODE_WAITS_H_
#define TESTS_TESTING_UDP_NODE_WAITS_H_

#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "net/udp_node.h"

namespace swim::testing {

// Generous: a loaded 2-core machine running sanitizers is slow.
inline constexpr absl::Duration kUdpWait = absl::Seconds(60);

// Starts a node; nullptr (and a test failure) if it does not start.
std::unique_ptr<net::UdpNode> StartNode(net::UdpNodeOptions options);

// Polls `done` every 10 ms until it holds (true) or `timeout` passes.
bool WaitFor(const std::function<bool()>& done,
             absl::Duration timeout = kUdpWait);

}  // namespace swim::testing

#endif  // TESTS_TESTING_UDP_NODE_WAITS_H_
