// swim_inspect's relay mode: sits in a path between swim nodes, so that an
// operator sees what crosses it. Every datagram received on `listen` is
// forwarded to `relay_to`, and what `relay_to` answers goes back to the
// original sender; each one is printed on its own line, with its direction,
// decoded or with the reason a node would drop it (capture mode's lines,
// tools/capture.h). Datagrams are forwarded whatever they hold.
//
// Each sender gets a flow: a socket of its own toward `relay_to`, so that
// replies find their way back. Flows are bounded (max_flows; the least
// recently used makes room) and forgotten after flow_idle.
//
//   RelayOptions options;
//   options.capture.listen = "127.0.0.1:7000";  // where nodes send
//   options.relay_to = "127.0.0.1:7946";        // the node behind it
//   absl::Status s = Relay(keyring, options, std::cout, std::cerr);
//   // 127.0.0.1:2001 -> 127.0.0.1:7946 157B key=2cde12fc sync ...
//   // 127.0.0.1:7946 -> 127.0.0.1:2001 312B key=2cde12fc sync ...
#ifndef TOOLS_RELAY_H_
#define TOOLS_RELAY_H_

#include <cstddef>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "swim/keyring.h"
#include "tools/capture.h"

namespace swim::tools {

struct RelayOptions {
  // listen, count (lines printed, both directions), duration, json and
  // envelope, as for a capture.
  CaptureOptions capture;
  // host:port every received datagram goes to (a name is resolved once,
  // at the start).
  std::string relay_to;
  size_t max_flows = 256;
  absl::Duration flow_idle = absl::Minutes(2);
};

// Binds capture.listen, says "listening on <address>, relaying to
// <address>" on `log`, and relays until a limit is reached; then a summary
// line on `log`. Errors name the flag and address.
absl::Status Relay(const Keyring& keyring, const RelayOptions& options,
                   std::ostream& out, std::ostream& log);

}  // namespace swim::tools

#endif  // TOOLS_RELAY_H_
