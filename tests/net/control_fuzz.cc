// libFuzzer target: what the control socket and the metrics endpoint parse
// from their peers (net/control_protocol.h, net/metrics_http_server.h).
// Build and run with
//
//   bazel run --config=fuzz //tests/net:control_fuzz --
//       $PWD/tests/net/control_fuzz_corpus   (one command line)
//
// A request that parses must format back to a line that parses to the same
// request; a response head parses or fails cleanly; the HTTP answer to any
// request head is a well-formed status line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "net/control_protocol.h"
#include "net/metrics_http_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<swim::net::ControlRequest> request =
      swim::net::ParseControlRequest(input);
  if (request.ok()) {
    const std::string line = swim::net::FormatControlRequest(*request);
    if (line.empty() || line.back() != '\n') std::abort();
    absl::StatusOr<swim::net::ControlRequest> again =
        swim::net::ParseControlRequest(
            absl::string_view(line).substr(0, line.size() - 1));
    if (!again.ok() || again->command != request->command ||
        again->json != request->json || again->argument != request->argument) {
      std::abort();
    }
  }
  absl::StatusOr<swim::net::ControlResponseHead> head =
      swim::net::ParseControlResponseHead(input);
  if (head.ok() && head->body_bytes > swim::net::kMaxControlBodyBytes) {
    std::abort();
  }
  const std::string http = swim::net::MetricsHttpResponse(input, "m\n");
  if (!absl::StartsWith(http, "HTTP/1.1 ")) std::abort();
  return 0;
}
