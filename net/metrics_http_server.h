// A minimal HTTP endpoint for Prometheus: GET /metrics answers the node's
// counters and gauges in the text exposition format (net/prometheus_text.h).
//
// Bound to a loopback address only (127.0.0.0/8 or ::1): the metrics tell
// who is in the cluster, so exposing them is a decision for a proxy, not a
// default. One thread serves one request at a time, each bounded by
// io_timeout; anything but GET /metrics gets 404 or 405.
//
//   absl::StatusOr<std::unique_ptr<MetricsHttpServer>> metrics =
//       MetricsHttpServer::Start(*node, "127.0.0.1:9464");
//   // curl http://127.0.0.1:9464/metrics
#ifndef NET_METRICS_HTTP_SERVER_H_
#define NET_METRICS_HTTP_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "net/udp_node.h"

namespace swim::net {

// OK if `address` is a numeric loopback "host:port" (port 0: any free
// port); InvalidArgument naming it otherwise.
absl::Status CheckLoopbackAddress(absl::string_view address);

// The HTTP response to `request` (its head, up to the blank line), given
// the metrics text.
std::string MetricsHttpResponse(absl::string_view request,
                                absl::string_view metrics_text);

class MetricsHttpServer {
 public:
  // Binds `address` (a loopback address, see CheckLoopbackAddress) and
  // starts serving `node`, which must outlive the server.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      UdpNode& node, absl::string_view address,
      absl::Duration io_timeout = absl::Seconds(2));

  ~MetricsHttpServer();  // Stop()
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  void Stop();
  // Where it listens, with the bound port: "127.0.0.1:9464".
  const std::string& address() const { return address_; }

 private:
  MetricsHttpServer(UdpNode& node, absl::Duration io_timeout)
      : node_(node), io_timeout_(io_timeout) {}
  absl::Status Listen(absl::string_view address);
  void Loop();

  UdpNode& node_;
  const absl::Duration io_timeout_;
  std::string address_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace swim::net

#endif  // NET_METRICS_HTTP_SERVER_H_
