// Blocking I/O on a connected stream socket (Unix or TCP), for the control
// socket (net/control_server.h, net/control_client.h) and the metrics
// endpoint (net/metrics_http_server.h): whole writes without SIGPIPE,
// bounded reads, and per-call timeouts so that a silent peer cannot hold a
// thread forever.
//
//   SetStreamTimeouts(fd, absl::Seconds(5));
//   absl::StatusOr<std::string> line = ReadUntil(fd, "\n", 1024);
//   absl::Status s = SendAll(fd, "ok 0\n");
#ifndef NET_STREAM_IO_H_
#define NET_STREAM_IO_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace swim::net {

// SO_RCVTIMEO and SO_SNDTIMEO: a call that waits longer fails.
void SetStreamTimeouts(int fd, absl::Duration timeout);

// Writes all of `data` (MSG_NOSIGNAL: a closed peer is an error, not a
// signal).
absl::Status SendAll(int fd, absl::string_view data);

// Reads until `delimiter` has been received and returns everything before
// it; the bytes after it that came with it go to `*rest` (dropped if
// nullptr). OutOfRange past `max_bytes`, DeadlineExceeded on a timeout,
// DataLoss if the peer closes first.
absl::StatusOr<std::string> ReadUntil(int fd, absl::string_view delimiter,
                                      size_t max_bytes,
                                      std::string* rest = nullptr);

// Reads exactly `size` bytes.
absl::StatusOr<std::string> ReadExactly(int fd, size_t size);

// True once the peer has closed its end or the socket failed (a poll
// without waiting); data waiting to be read is left there.
bool PeerClosed(int fd);

}  // namespace swim::net

#endif  // NET_STREAM_IO_H_
