// The control socket's protocol (net/control_server.h): one request line
// from the client, one response from the server, then the server closes.
// Plain text, so that `socat - UNIX-CONNECT:PATH` works too:
//
//   request   = command [" " argument] "\n"   (at most 1 KiB)
//   command   = "members" | "members json" | "stats" | "stats json"
//             | "keys list" | "keys list json" | "keys add " key-hex
//             | "keys use " key-id | "keys remove " key-id
//             | "leave" | "metrics" | "monitor" | "monitor json"
//   response  = "ok " length "\n" body        (body: exactly length bytes)
//             | "error " message "\n"
//             | "ok stream\n" *(event-line "\n")  (monitor, until closed;
//               a line "error ..." ends it if the client falls behind)
//
// key-hex is the key itself (16 to 64 bytes, hex; the client derives it
// from a secret); key-id is the 8-hex-digit id (swim::KeyIdText).
//
//   absl::StatusOr<ControlRequest> r = ParseControlRequest("keys use
//   1a2b3c4d"); std::string wire = FormatControlRequest(*r);  // "keys use
//   1a2b3c4d\n"
#ifndef NET_CONTROL_PROTOCOL_H_
#define NET_CONTROL_PROTOCOL_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace swim::net {

inline constexpr size_t kMaxControlRequestBytes = 1024;
inline constexpr absl::string_view kControlStreamHeader = "ok stream\n";

enum class ControlCommand {
  kMembers,
  kStats,
  kKeysList,
  kKeysAdd,
  kKeysUse,
  kKeysRemove,
  kLeave,
  kMetrics,
  kMonitor,
};

struct ControlRequest {
  ControlCommand command = ControlCommand::kMembers;
  // The JSON form of the answer (members, stats, keys list, monitor).
  bool json = false;
  // kKeysAdd: the key's bytes (decoded from hex); kKeysUse, kKeysRemove:
  // the key id's text, checked by ParseKeyId.
  std::string argument;
};

// One request line, without its "\n". InvalidArgument names what is wrong.
absl::StatusOr<ControlRequest> ParseControlRequest(absl::string_view line);

// The request's line, "\n" included.
std::string FormatControlRequest(const ControlRequest& request);

// "ok <length>\n<body>".
std::string ControlOkResponse(absl::string_view body);
// "error <message>\n", newlines in the message replaced by spaces.
std::string ControlErrorResponse(absl::string_view message);

// A response's first line, without its "\n".
struct ControlResponseHead {
  enum class Kind { kOk, kStream, kError };
  Kind kind = Kind::kOk;
  size_t body_bytes = 0;  // kOk
  std::string error;      // kError
};
inline constexpr size_t kMaxControlBodyBytes = size_t{64} << 20;
absl::StatusOr<ControlResponseHead> ParseControlResponseHead(
    absl::string_view line);

}  // namespace swim::net

#endif  // NET_CONTROL_PROTOCOL_H_
