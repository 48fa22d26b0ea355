// The control socket: a local Unix stream socket through which an operator
// (the `swim` command, tools/swim.cc) asks a running node for its members,
// stats, metrics and keys, rotates keys, makes it leave, or watches its
// membership changes. The protocol is net/control_protocol.h.
//
// Local only: a Unix socket, never a network port, created with mode 0600
// (only the owner, or root, can connect). A stale socket file left by a
// process that died is replaced; a live one (another process serving it) or
// a file that is not a socket is an error. The file is removed on Stop.
// The server has its own threads (one accepting, one per connection, at
// most max_connections) and uses only UdpNode's thread-safe handle.
//
//   ControlServerOptions options;
//   options.path = "/run/swim/control.sock";
//   absl::StatusOr<std::unique_ptr<ControlServer>> control =
//       ControlServer::Start(*node, options);
//   if (!control.ok()) return control.status();
//   ...
//   control->reset();  // before the node goes away
#ifndef NET_CONTROL_SERVER_H_
#define NET_CONTROL_SERVER_H_

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "net/control_protocol.h"
#include "net/udp_node.h"

namespace swim::net {

struct ControlServerOptions {
  std::string path;    // the socket file
  mode_t mode = 0600;  // its permissions
  int max_connections = 8;
  // How long one read or write on a connection may wait.
  absl::Duration io_timeout = absl::Seconds(5);
  // Events a monitor may have waiting; past that it is told and closed.
  size_t monitor_backlog = 4096;
};

// The response to a request other than monitor, as sent on the socket.
std::string ControlResponseFor(UdpNode& node, const ControlRequest& request);

class ControlServer {
 public:
  // Creates the socket and starts serving `node`, which must outlive the
  // server. Errors name the path.
  static absl::StatusOr<std::unique_ptr<ControlServer>> Start(
      UdpNode& node, ControlServerOptions options);

  ~ControlServer();  // Stop()
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Closes every connection, joins the threads and removes the socket file
  // (if it is still the one created). Idempotent.
  void Stop();

  const std::string& path() const { return options_.path; }

 private:
  struct Connection {
    int fd = -1;
    std::thread thread;
    std::atomic<bool> done{false};
  };

  ControlServer(UdpNode& node, ControlServerOptions options)
      : node_(node), options_(std::move(options)) {}
  absl::Status Listen();
  void AcceptLoop();
  void Serve(Connection& connection);
  void Monitor(int fd, bool json);
  void Reap(bool all);

  UdpNode& node_;
  const ControlServerOptions options_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd that wakes the accept loop
  dev_t device_ = 0;  // the socket file's, to remove only our own
  ino_t inode_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::list<Connection> connections_;  // the accept thread's, then Stop's
  absl::Mutex stop_mu_;
  bool stopped_ ABSL_GUARDED_BY(stop_mu_) = false;
};

}  // namespace swim::net

#endif  // NET_CONTROL_SERVER_H_
