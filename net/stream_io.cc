#include "net/stream_io.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace swim::net {
namespace {

absl::Status RecvError(int error) {
  if (error == EAGAIN || error == EWOULDBLOCK) {
    return absl::DeadlineExceededError("timed out");
  }
  return absl::UnavailableError(std::strerror(error));
}

}  // namespace

void SetStreamTimeouts(int fd, absl::Duration timeout) {
  const timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

absl::Status SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return RecvError(errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadUntil(int fd, absl::string_view delimiter,
                                      size_t max_bytes, std::string* rest) {
  std::string got;
  char buffer[512];
  for (;;) {
    const size_t end = absl::string_view(got).find(delimiter);
    if (end != std::string::npos) {
      if (rest != nullptr) *rest = got.substr(end + delimiter.size());
      got.resize(end);
      return got;
    }
    if (got.size() > max_bytes) {
      return absl::OutOfRangeError(
          absl::StrCat("more than ", max_bytes, " bytes without an end"));
    }
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return RecvError(errno);
    }
    if (n == 0) return absl::DataLossError("closed before the end");
    got.append(buffer, static_cast<size_t>(n));
  }
}

absl::StatusOr<std::string> ReadExactly(int fd, size_t size) {
  std::string got(size, '\0');
  size_t have = 0;
  while (have < size) {
    const ssize_t n = recv(fd, got.data() + have, size - have, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return RecvError(errno);
    }
    if (n == 0) return absl::DataLossError("closed before the end");
    have += static_cast<size_t>(n);
  }
  return got;
}

bool PeerClosed(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace swim::net
