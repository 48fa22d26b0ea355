// The command-line flags every swim program shares (the demo, the sync
// tool, test nodes): identity as the seed knows it (net/node_settings.h)
// plus the timing knobs, turned into UdpNodeOptions. The knobs are set
// through swim's knob table (swim/config_knobs.h), which also gives their
// help; NodeKnobFlags() says which flag sets which knob.
//
// --peer and --metadata may be repeated (as the seed's --peer); absl flags
// alone would keep only the last, so ParseNodeCommandLine collects them
// first.
//
//   int main(int argc, char** argv) {
//     absl::SetProgramUsageMessage("...");
//     std::vector<char*> args = ParseNodeCommandLine(argc, argv);
//     absl::StatusOr<UdpNodeOptions> options = NodeOptionsFromFlags();
//     if (!options.ok()) return ExitWithError(argv[0], options.status());
//     ...
//   }
#ifndef NET_NODE_FLAGS_H_
#define NET_NODE_FLAGS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "net/operator_endpoints.h"
#include "net/udp_node.h"

ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(std::string, address);
ABSL_DECLARE_FLAG(std::string, bind);
ABSL_DECLARE_FLAG(std::string, secret);
ABSL_DECLARE_FLAG(std::string, secret_file);
ABSL_DECLARE_FLAG(std::string, cluster);
ABSL_DECLARE_FLAG(absl::Duration, probe_interval);
ABSL_DECLARE_FLAG(absl::Duration, probe_timeout);
ABSL_DECLARE_FLAG(bool, leave_on_exit);

namespace swim::net {

// absl::ParseCommandLine, after taking every --peer and --metadata out of
// argv (see PeerFlags, MetadataFlags). Returns the positional arguments
// (argv[0] first). Exits on a flag error, as absl does.
std::vector<char*> ParseNodeCommandLine(int argc, char** argv);

// Every --peer / --metadata value seen by ParseNodeCommandLine, in order.
const std::vector<std::string>& PeerFlags();
const std::vector<std::string>& MetadataFlags();

// The options the flags and the environment describe. One-line errors that
// name the flag or variable.
absl::StatusOr<UdpNodeOptions> NodeOptionsFromFlags();

// --control_socket and --metrics_address (a loopback address, else a
// one-line error naming the flag).
absl::StatusOr<OperatorEndpointOptions> OperatorEndpointOptionsFromFlags();

// Starts the endpoints the flags ask for, serving `node`, and says on
// stderr where they are ("<program>: control socket PATH"). Destroy them
// before stopping the node.
absl::StatusOr<std::unique_ptr<OperatorEndpoints>>
StartOperatorEndpointsFromFlags(const char* program, UdpNode& node);

// A flag that sets a swim::Config knob (swim/config_knobs.h): named after
// the knob, except where the seed named it otherwise (--join_retry sets
// join_retry_initial).
struct NodeKnobFlag {
  absl::string_view flag;
  absl::string_view knob;
};

// Every knob flag, in --help order; NodeOptionsFromFlags sets each knob
// from its flag's value through the table.
absl::Span<const NodeKnobFlag> NodeKnobFlags();

// Prints "<program>: <message>" on stderr and returns the exit code for
// configuration errors (2).
int ExitWithError(const char* program, const absl::Status& status);

}  // namespace swim::net

#endif  // NET_NODE_FLAGS_H_
