#include "net/operator_endpoints.h"

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "net/control_server.h"
#include "net/metrics_http_server.h"
#include "net/udp_node.h"

namespace swim::net {

absl::StatusOr<std::unique_ptr<OperatorEndpoints>> OperatorEndpoints::Start(
    UdpNode& node, const OperatorEndpointOptions& options) {
  auto endpoints = std::make_unique<OperatorEndpoints>();
  if (!options.control_socket.empty()) {
    ControlServerOptions control;
    control.path = options.control_socket;
    absl::StatusOr<std::unique_ptr<ControlServer>> server =
        ControlServer::Start(node, control);
    if (!server.ok()) return server.status();
    endpoints->control_ = *std::move(server);
  }
  if (!options.metrics_address.empty()) {
    absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
        MetricsHttpServer::Start(node, options.metrics_address);
    if (!server.ok()) return server.status();
    endpoints->metrics_ = *std::move(server);
  }
  return endpoints;
}

std::string OperatorEndpoints::Describe(absl::string_view program) const {
  std::string out;
  if (control_ != nullptr) {
    absl::StrAppend(&out, program, ": control socket ", control_->path(), "\n");
  }
  if (metrics_ != nullptr) {
    absl::StrAppend(&out, program, ": metrics at http://", metrics_->address(),
                    "/metrics\n");
  }
  return out;
}

}  // namespace swim::net
