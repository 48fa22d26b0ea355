// A node configured from the command line and the environment, as swim's
// tools are (the flags and variables are listed in net/README.md). It
// starts, prints its address and stops at once:
//   node_from_flags --name=127.0.0.1:0 --secret=my-secret
#include <iostream>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "net/node_flags.h"
#include "net/udp_node.h"

int main(int argc, char** argv) {
  swim::net::ParseNodeCommandLine(argc, argv);
  absl::StatusOr<swim::net::UdpNodeOptions> options =
      swim::net::NodeOptionsFromFlags();
  if (!options.ok()) return swim::net::ExitWithError(argv[0], options.status());

  absl::StatusOr<std::unique_ptr<swim::net::UdpNode>> node =
      swim::net::UdpNode::Start(*std::move(options));
  if (!node.ok()) return swim::net::ExitWithError(argv[0], node.status());
  std::cout << (*node)->name() << " is up\n";
  (*node)->Stop(swim::net::UdpNode::StopMode::kNoLeave);
  return 0;
}
