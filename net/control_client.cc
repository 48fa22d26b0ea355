#include "net/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/control_protocol.h"
#include "net/stream_io.h"

namespace swim::net {
namespace {

absl::Status SocketError(const std::string& path, absl::string_view what) {
  return absl::UnavailableError(
      absl::StrCat("control socket ", path, ": ", what));
}

// A connected socket; closes on destruction.
class Connection {
 public:
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  absl::Status Open(const std::string& path, absl::Duration timeout) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(address.sun_path)) {
      return SocketError(path, "path too long or empty");
    }
    std::memcpy(address.sun_path, path.data(), path.size());
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return SocketError(path, std::strerror(errno));
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&address),
                sizeof(address)) != 0) {
      return SocketError(path, std::strerror(errno));
    }
    SetStreamTimeouts(fd_, timeout);
    return absl::OkStatus();
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

absl::Status Failed(const std::string& path, const absl::Status& status) {
  return SocketError(path, status.message());
}

}  // namespace

absl::StatusOr<std::string> ControlCall(const std::string& path,
                                        const ControlRequest& request,
                                        absl::Duration timeout) {
  Connection c;
  if (absl::Status s = c.Open(path, timeout); !s.ok()) return s;
  if (absl::Status s = SendAll(c.fd(), FormatControlRequest(request));
      !s.ok()) {
    return Failed(path, s);
  }
  std::string body;
  absl::StatusOr<std::string> line =
      ReadUntil(c.fd(), "\n", kMaxControlRequestBytes * 4, &body);
  if (!line.ok()) return Failed(path, line.status());
  absl::StatusOr<ControlResponseHead> head = ParseControlResponseHead(*line);
  if (!head.ok()) return Failed(path, head.status());
  switch (head->kind) {
    case ControlResponseHead::Kind::kError:
      return absl::FailedPreconditionError(head->error);
    case ControlResponseHead::Kind::kStream:
      return Failed(path, absl::DataLossError("unexpected stream"));
    case ControlResponseHead::Kind::kOk:
      break;
  }
  if (body.size() > head->body_bytes) {
    return Failed(path, absl::DataLossError("longer than announced"));
  }
  absl::StatusOr<std::string> more =
      ReadExactly(c.fd(), head->body_bytes - body.size());
  if (!more.ok()) return Failed(path, more.status());
  return body + *more;
}

absl::Status ControlStream(
    const std::string& path, const ControlRequest& request,
    const std::function<bool(absl::string_view line)>& on_line,
    absl::Duration duration) {
  Connection c;
  if (absl::Status s = c.Open(path, absl::Seconds(10)); !s.ok()) return s;
  if (absl::Status s = SendAll(c.fd(), FormatControlRequest(request));
      !s.ok()) {
    return Failed(path, s);
  }
  std::string buffered;
  absl::StatusOr<std::string> line =
      ReadUntil(c.fd(), "\n", kMaxControlRequestBytes * 4, &buffered);
  if (!line.ok()) return Failed(path, line.status());
  absl::StatusOr<ControlResponseHead> head = ParseControlResponseHead(*line);
  if (!head.ok()) return Failed(path, head.status());
  if (head->kind == ControlResponseHead::Kind::kError) {
    return absl::FailedPreconditionError(head->error);
  }
  if (head->kind != ControlResponseHead::Kind::kStream) {
    return Failed(path, absl::DataLossError("not a stream"));
  }
  const absl::Time end = absl::Now() + duration;
  for (;;) {
    for (size_t nl; (nl = buffered.find('\n')) != std::string::npos;) {
      const std::string one = buffered.substr(0, nl);
      buffered.erase(0, nl + 1);
      absl::string_view error = one;
      if (absl::ConsumePrefix(&error, "error ")) {
        return absl::FailedPreconditionError(error);
      }
      if (!on_line(one)) return absl::OkStatus();
    }
    if (buffered.size() > kMaxControlBodyBytes) {
      return Failed(path, absl::DataLossError("line too long"));
    }
    const absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::OkStatus();
    pollfd p{c.fd(), POLLIN, 0};
    const int wait_ms = static_cast<int>(
        absl::ToInt64Milliseconds(std::min(left, absl::Milliseconds(500))));
    if (poll(&p, 1, std::max(wait_ms, 1)) <= 0) continue;
    char chunk[4096];
    const ssize_t n = recv(c.fd(), chunk, sizeof(chunk), 0);
    if (n == 0) return absl::OkStatus();  // the server closed (it stopped)
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return SocketError(path, std::strerror(errno));
    }
    buffered.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace swim::net
