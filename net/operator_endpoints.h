// What a long-running swim program offers its operator besides the node:
// the control socket (net/control_server.h) and the metrics endpoint
// (net/metrics_http_server.h), each when asked for. The tools take them
// from --control_socket and --metrics_address (net/node_flags.h).
//
//   absl::StatusOr<std::unique_ptr<OperatorEndpoints>> endpoints =
//       OperatorEndpoints::Start(*node, *OperatorEndpointOptionsFromFlags());
//   if (!endpoints.ok()) return ExitWithError(argv[0], endpoints.status());
//   ...
//   endpoints->reset();  // before the node is stopped and destroyed
#ifndef NET_OPERATOR_ENDPOINTS_H_
#define NET_OPERATOR_ENDPOINTS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "net/control_server.h"
#include "net/metrics_http_server.h"
#include "net/udp_node.h"

namespace swim::net {

struct OperatorEndpointOptions {
  std::string control_socket;   // empty: no control socket
  std::string metrics_address;  // empty: no metrics endpoint
};

class OperatorEndpoints {
 public:
  // Starts what `options` asks for, serving `node` (which must outlive the
  // endpoints).
  static absl::StatusOr<std::unique_ptr<OperatorEndpoints>> Start(
      UdpNode& node, const OperatorEndpointOptions& options);

  // nullptr when not asked for.
  ControlServer* control() const { return control_.get(); }
  MetricsHttpServer* metrics() const { return metrics_.get(); }

  // One line per endpoint for the program's stderr, e.g.
  // "swim_demo: control socket /tmp/a.sock" and
  // "swim_demo: metrics at http://127.0.0.1:9464/metrics".
  std::string Describe(absl::string_view program) const;

 private:
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<MetricsHttpServer> metrics_;
};

}  // namespace swim::net

#endif  // NET_OPERATOR_ENDPOINTS_H_
