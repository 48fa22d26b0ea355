// Warnings a node program prints for its operator, one line each, about
// settings that start fine but rarely do what was meant: a node named or
// bound with an unspecified address (0.0.0.0, ::), and seed peers none of
// which answered within a few join retries (a wrong --peer, secret or
// cluster name looks just like that).
//
//   PrintStartupWarnings(argv[0], *options);
//   JoinWatch watch(options->config, absl::Now());
//   for (;;) {  // the program's own loop
//     watch.Print(argv[0], *node->Members(), absl::Now());
//   }
#ifndef NET_NODE_WARNINGS_H_
#define NET_NODE_WARNINGS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "net/member_snapshot.h"
#include "net/udp_node.h"
#include "swim/config.h"

namespace swim::net {

// Prints "<program's base name>: <message>" on stderr.
void PrintWarning(const char* program, absl::string_view message);

// Whether `host_port`'s host is the unspecified IPv4 or IPv6 address.
bool IsUnspecifiedAddress(absl::string_view host_port);

// A warning per unspecified address among the node's name, address and
// bind address (each named by its flag).
std::vector<std::string> StartupWarnings(const UdpNodeOptions& options);
// Prints each with PrintWarning.
void PrintStartupWarnings(const char* program, const UdpNodeOptions& options);

// How many unanswered join retries make JoinWatch warn.
inline constexpr int kJoinRetriesBeforeWarning = 3;

// Watches a starting node for an answer from its seed peers.
class JoinWatch {
 public:
  // `config` as the node was started with it, at `start`.
  JoinWatch(const Config& config, absl::Time start);

  // The warning, once, if `view` still holds no member but the local one
  // when the first contact and kJoinRetriesBeforeWarning retries have each
  // had their wait (join_retry_initial, doubling up to join_retry_max);
  // nullopt otherwise, and always without seed peers.
  std::optional<std::string> Check(const MembersSnapshot& view, absl::Time now);
  // Check, and PrintWarning the warning if there is one.
  void Print(const char* program, const MembersSnapshot& view, absl::Time now);

  // When Check starts to warn; absl::InfiniteFuture() without seed peers.
  absl::Time deadline() const { return deadline_; }

 private:
  absl::Time deadline_;
  absl::Duration waited_;
  bool done_ = false;
};

}  // namespace swim::net

#endif  // NET_NODE_WARNINGS_H_
