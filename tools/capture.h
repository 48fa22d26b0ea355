// swim_inspect's capture mode: receive datagrams on a UDP address and print
// each one on its own line, decoded with a cluster's keyring or with the
// reason a node would drop it, as text or as JSON (one object a line).
//
//   CaptureOptions options;
//   options.listen = "127.0.0.1:7946";
//   options.count = 10;
//   absl::Status s = Capture(keyring, options, std::cout, std::cerr);
//   // 127.0.0.1:2001 157B key=2cde12fc ping seq=42 ... from "127.0.0.1:2001"
//   // 127.0.0.1:2009 157B dropped unknown_key: key id 5a5a5a5a is not ...
#ifndef TOOLS_CAPTURE_H_
#define TOOLS_CAPTURE_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/envelope.h"
#include "swim/keyring.h"

namespace swim::tools {

struct CaptureOptions {
  // host:port to bind (port 0: any free port, reported on `log`).
  std::string listen;
  // Stop after this many datagrams (0: no limit) or this long
  // (absl::InfiniteDuration(): no limit), whichever comes first.
  int64_t count = 0;
  absl::Duration duration = absl::InfiniteDuration();
  bool json = false;
  EnvelopeOptions envelope;
};

// The line (without newline) that describes `datagram` from `from`.
std::string DatagramLine(const Keyring& keyring, const CaptureOptions& options,
                         absl::string_view from, absl::string_view datagram);

// Binds options.listen, says "listening on <address>" on `log`, and prints
// a DatagramLine per datagram on `out` until a limit is reached. Errors
// name the address.
absl::Status Capture(const Keyring& keyring, const CaptureOptions& options,
                     std::ostream& out, std::ostream& log);

}  // namespace swim::tools

#endif  // TOOLS_CAPTURE_H_
