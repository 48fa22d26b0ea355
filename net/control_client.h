// The client side of the control socket (net/control_protocol.h), as the
// `swim` command uses it: connect, send one request, read the answer.
// Errors are one line that names the socket.
//
//   ControlRequest request;
//   request.command = ControlCommand::kMembers;
//   absl::StatusOr<std::string> table = ControlCall("/tmp/a.sock", request);
//   absl::Status s = ControlStream("/tmp/a.sock", monitor_request,
//                                  [](absl::string_view line) {
//                                    std::cout << line << "\n";
//                                    return true;  // false: stop
//                                  });
#ifndef NET_CONTROL_CLIENT_H_
#define NET_CONTROL_CLIENT_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "net/control_protocol.h"

namespace swim::net {

// The body of the answer to `request` (not monitor). The server's error
// comes back as FailedPrecondition with its message; socket trouble as
// Unavailable, "control socket PATH: ...".
absl::StatusOr<std::string> ControlCall(
    const std::string& path, const ControlRequest& request,
    absl::Duration timeout = absl::Seconds(10));

// Sends `request` (monitor) and calls `on_line` with each line (without
// "\n") until the server closes, `on_line` returns false or, with a finite
// `duration`, that much time passes. A final "error ..." line from the
// server is returned as an error.
absl::Status ControlStream(
    const std::string& path, const ControlRequest& request,
    const std::function<bool(absl::string_view line)>& on_line,
    absl::Duration duration = absl::InfiniteDuration());

}  // namespace swim::net

#endif  // NET_CONTROL_CLIENT_H_
