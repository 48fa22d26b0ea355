#include "net/control_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/control_protocol.h"
#include "net/control_views.h"
#include "net/node_metrics.h"
#include "net/prometheus_text.h"
#include "net/stream_io.h"
#include "net/subscription.h"
#include "net/tsan_mutex_lock.h"
#include "net/udp_node.h"
#include "swim/keyring.h"

namespace swim::net {
namespace {

absl::Status PathError(const std::string& path, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("control socket ", path, ": ", what));
}

absl::Status PathErrno(const std::string& path, absl::string_view call) {
  return PathError(path, absl::StrCat(call, ": ", std::strerror(errno)));
}

absl::StatusOr<sockaddr_un> UnixAddress(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("control socket '", path, "': the path must have 1 to ",
                     sizeof(address.sun_path) - 1, " bytes"));
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  return address;
}

// Removes a socket file no process serves any more (one that died), so that
// a restart does not need a manual rm; refuses a live one or another file.
absl::Status ClearStale(const std::string& path, const sockaddr_un& address) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? absl::OkStatus() : PathErrno(path, "lstat");
  }
  if (!S_ISSOCK(st.st_mode)) return PathError(path, "exists, not a socket");
  const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return PathErrno(path, "socket");
  const int rc = connect(probe, reinterpret_cast<const sockaddr*>(&address),
                         sizeof(address));
  const int error = errno;
  close(probe);
  if (rc == 0) return PathError(path, "in use by a running process");
  if (error != ECONNREFUSED) {
    errno = error;
    return PathErrno(path, "connect");
  }
  if (unlink(path.c_str()) != 0) return PathErrno(path, "unlink stale socket");
  return absl::OkStatus();
}

std::string KeyResponse(absl::string_view what, absl::string_view id_text,
                        const absl::Status& status) {
  if (!status.ok()) {
    return ControlErrorResponse(
        absl::StrCat("keys ", what, " ", id_text, ": ", status.message()));
  }
  return ControlOkResponse(absl::StrCat(what == "use" ? "using" : "removed",
                                        " key ", id_text, "\n"));
}

// The events of one `monitor` connection, from the node's loop thread to
// the connection's.
struct MonitorQueue {
  absl::Mutex mu;
  absl::CondVar changed;
  std::deque<std::string> lines ABSL_GUARDED_BY(mu);
  bool overflowed ABSL_GUARDED_BY(mu) = false;
};

}  // namespace

std::string ControlResponseFor(UdpNode& node, const ControlRequest& request) {
  switch (request.command) {
    case ControlCommand::kMembers: {
      std::shared_ptr<const MembersSnapshot> members = node.Members();
      absl::StatusOr<std::vector<MemberRoundTrip>> rtts = node.RoundTrips();
      const absl::Span<const MemberRoundTrip> round_trips =
          rtts.ok() ? absl::MakeConstSpan(*rtts)
                    : absl::Span<const MemberRoundTrip>();
      return ControlOkResponse(request.json
                                   ? MembersJson(*members, round_trips)
                                   : MembersTable(*members, round_trips));
    }
    case ControlCommand::kStats:
    case ControlCommand::kMetrics: {
      absl::StatusOr<std::vector<KeyId>> ids = node.KeyIds();
      const std::vector<MetricSample> samples = NodeMetrics(
          node.Stats(), *node.Members(), ids.ok() ? ids->size() : 0);
      if (request.command == ControlCommand::kMetrics) {
        return ControlOkResponse(FormatPrometheusText(samples));
      }
      return ControlOkResponse(request.json ? StatsJson(node.name(), samples)
                                            : StatsText(node.name(), samples));
    }
    case ControlCommand::kKeysList: {
      absl::StatusOr<std::vector<KeyId>> ids = node.KeyIds();
      if (!ids.ok()) {
        return ControlErrorResponse(
            absl::StrCat("keys list: ", ids.status().message()));
      }
      return ControlOkResponse(request.json ? KeysJson(*ids) : KeysText(*ids));
    }
    case ControlCommand::kKeysAdd: {
      absl::StatusOr<KeyId> id = node.AddKey(request.argument);
      if (!id.ok()) {
        return ControlErrorResponse(
            absl::StrCat("keys add: ", id.status().message()));
      }
      return ControlOkResponse(
          absl::StrCat("added key ", KeyIdText(*id), "\n"));
    }
    case ControlCommand::kKeysUse:
    case ControlCommand::kKeysRemove: {
      absl::StatusOr<KeyId> id = ParseKeyId(request.argument);
      const bool use = request.command == ControlCommand::kKeysUse;
      if (!id.ok()) {
        return KeyResponse(use ? "use" : "remove", request.argument,
                           id.status());
      }
      return KeyResponse(use ? "use" : "remove", KeyIdText(*id),
                         use ? node.UseKey(*id) : node.RemoveKey(*id));
    }
    case ControlCommand::kLeave:
      if (node.stopped()) return ControlErrorResponse("leave: node stopped");
      node.Leave();
      return ControlOkResponse(
          absl::StrCat(node.name(), " left the cluster\n"));
    case ControlCommand::kMonitor:
      break;
  }
  return ControlErrorResponse("monitor: streams, has no single response");
}

absl::StatusOr<std::unique_ptr<ControlServer>> ControlServer::Start(
    UdpNode& node, ControlServerOptions options) {
  std::unique_ptr<ControlServer> server(
      new ControlServer(node, std::move(options)));
  if (absl::Status s = server->Listen(); !s.ok()) return s;
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

absl::Status ControlServer::Listen() {
  const std::string& path = options_.path;
  absl::StatusOr<sockaddr_un> address = UnixAddress(path);
  if (!address.ok()) return address.status();
  if (absl::Status s = ClearStale(path, *address); !s.ok()) return s;
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return PathErrno(path, "socket");
  if (bind(listen_fd_, reinterpret_cast<const sockaddr*>(&*address),
           sizeof(*address)) != 0) {
    return PathErrno(path, "bind");
  }
  // Before listen(): until then connecting is refused, so nobody gets in
  // under the umask's permissions.
  struct stat st {};
  if (chmod(path.c_str(), options_.mode) != 0 ||
      lstat(path.c_str(), &st) != 0) {
    absl::Status s = PathErrno(path, "chmod");
    unlink(path.c_str());
    return s;
  }
  device_ = st.st_dev;
  inode_ = st.st_ino;
  if (listen(listen_fd_, 16) != 0) {
    absl::Status s = PathErrno(path, "listen");
    unlink(path.c_str());
    return s;
  }
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    absl::Status s = PathErrno(path, "eventfd");
    unlink(path.c_str());
    return s;
  }
  return absl::OkStatus();
}

ControlServer::~ControlServer() {
  Stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
}

void ControlServer::Stop() {
  {
    absl::MutexLock lock(&stop_mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_ = true;
  if (stop_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!write(stop_fd_, &one, sizeof(one));
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  for (Connection& c : connections_) shutdown(c.fd, SHUT_RDWR);
  Reap(/*all=*/true);
  struct stat st {};
  if (listen_fd_ >= 0 && lstat(options_.path.c_str(), &st) == 0 &&
      st.st_dev == device_ && st.st_ino == inode_) {
    unlink(options_.path.c_str());
  }
}

void ControlServer::Reap(bool all) {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (!all && !it->done) {
      ++it;
      continue;
    }
    it->thread.join();
    close(it->fd);
    it = connections_.erase(it);
  }
}

void ControlServer::AcceptLoop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    // Wakes now and then to reap finished connections.
    if (poll(fds, 2, 1000) < 0 && errno != EINTR) break;
    Reap(/*all=*/false);
    if (stopping_ || (fds[0].revents & POLLIN) == 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    SetStreamTimeouts(fd, options_.io_timeout);
    if (static_cast<int>(connections_.size()) >= options_.max_connections) {
      SendAll(fd, ControlErrorResponse("busy: too many control connections"))
          .IgnoreError();
      close(fd);
      continue;
    }
    Connection& c = connections_.emplace_back();
    c.fd = fd;
    c.thread = std::thread([this, &c] {
      Serve(c);
      c.done = true;
    });
  }
}

void ControlServer::Serve(Connection& connection) {
  const int fd = connection.fd;
  absl::StatusOr<std::string> line =
      ReadUntil(fd, "\n", kMaxControlRequestBytes);
  if (!line.ok()) {
    SendAll(fd, ControlErrorResponse(
                    absl::StrCat("bad request: ", line.status().message())))
        .IgnoreError();
    return;
  }
  absl::StatusOr<ControlRequest> request = ParseControlRequest(*line);
  if (!request.ok()) {
    SendAll(fd, ControlErrorResponse(request.status().message())).IgnoreError();
    return;
  }
  if (request->command == ControlCommand::kMonitor) {
    Monitor(fd, request->json);
    return;
  }
  SendAll(fd, ControlResponseFor(node_, *request)).IgnoreError();
}

void ControlServer::Monitor(int fd, bool json) {
  auto queue = std::make_shared<MonitorQueue>();
  const size_t backlog = options_.monitor_backlog;
  // Runs on the node's loop thread: format, queue and never block.
  Subscription subscription =
      node_.Subscribe([queue, json, backlog](const MemberChange& change) {
        std::string line = EventLine(change, absl::Now(), json) + "\n";
        TsanMutexLock lock(&queue->mu);
        if (queue->lines.size() >= backlog) {
          queue->overflowed = true;
        } else {
          queue->lines.push_back(std::move(line));
        }
        queue->changed.Signal();
      });
  if (!SendAll(fd, kControlStreamHeader).ok()) return;
  while (!stopping_ && !PeerClosed(fd)) {
    std::deque<std::string> lines;
    bool overflowed = false;
    {
      TsanMutexLock lock(&queue->mu);
      if (queue->lines.empty() && !queue->overflowed) {
        // Bounded, so that stopping and a closed peer are noticed.
        lock.WaitWithTimeout(&queue->changed, absl::Milliseconds(200));
      }
      lines.swap(queue->lines);
      overflowed = queue->overflowed;
    }
    std::string out;
    for (const std::string& line : lines) out += line;
    if (!SendAll(fd, out).ok()) return;
    if (overflowed) {
      SendAll(fd, ControlErrorResponse(
                      absl::StrCat("monitor fell behind by more than ", backlog,
                                   " events; closed")))
          .IgnoreError();
      return;
    }
  }
}

}  // namespace swim::net
