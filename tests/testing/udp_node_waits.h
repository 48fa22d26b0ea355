// Starting real UdpNodes in tests and waiting, bounded, for what they see.
//
//   UdpNodeOptions options = FastUdpOptions();
//   options.config.keys = {DeriveKeyFromSecret("test secret")};
//   std::unique_ptr<UdpNode> a = StartNode(options);
//   ASSERT_NE(a, nullptr);
//   EXPECT_TRUE(WaitFor([&] { return Sees(*a, "b", Status::kOnline); }));
#ifndef TESTS_TESTING_UDP_NODE_WAITS_H_
#define TESTS_TESTING_UDP_NODE_WAITS_H_

#include <functional>
#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "net/member_snapshot.h"
#include "net/udp_node.h"
#include "swim/status.h"

namespace swim::testing {

// Generous: a loaded 2-core machine running sanitizers is slow.
inline constexpr absl::Duration kUdpWait = absl::Seconds(60);

// Options with the short timings the UDP tests share: bound to 127.0.0.1
// on a port of the kernel's choosing, a probe every 200 ms (100 ms
// timeout), joins retried from 100 ms up to 500 ms. Keys, cluster name,
// peers and any other timing are the test's to add.
net::UdpNodeOptions FastUdpOptions();

// Starts a node; nullptr (and a test failure) if it does not start.
std::unique_ptr<net::UdpNode> StartNode(net::UdpNodeOptions options);

// A copy of what `node` knows of `name`: a snapshot's members live only as
// long as the snapshot.
std::optional<net::MemberInfo> Lookup(const net::UdpNode& node,
                                      absl::string_view name);

// Whether `observer` knows `member` with `status`.
bool Sees(const net::UdpNode& observer, absl::string_view member,
          Status status);

// Polls `done` every 10 ms until it holds (true) or `timeout` passes.
bool WaitFor(const std::function<bool()>& done,
             absl::Duration timeout = kUdpWait);

}  // namespace swim::testing

#endif  // TESTS_TESTING_UDP_NODE_WAITS_H_
