#include "net/node_warnings.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "net/member_snapshot.h"
#include "net/socket_address.h"
#include "net/udp_node.h"
#include "swim/config.h"

namespace swim::net {

void PrintWarning(const char* program, absl::string_view message) {
  absl::string_view name = program;
  if (size_t slash = name.rfind('/'); slash != absl::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(name.size()),
               name.data(), static_cast<int>(message.size()), message.data());
}

bool IsUnspecifiedAddress(absl::string_view host_port) {
  std::string host;
  uint16_t port = 0;
  if (!SplitHostPort(host_port, &host, &port).ok()) return false;
  uint8_t bytes[16] = {};
  const int family = host.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (inet_pton(family, host.c_str(), bytes) != 1) return false;
  const size_t size = family == AF_INET ? 4 : 16;
  return std::all_of(bytes, bytes + size, [](uint8_t b) { return b == 0; });
}

std::vector<std::string> StartupWarnings(const UdpNodeOptions& options) {
  const Config& config = options.config;
  std::vector<std::string> warnings;
  if (IsUnspecifiedAddress(config.name)) {
    warnings.push_back(absl::StrCat(
        "warning: --name=", config.name,
        " is an unspecified address: members are named by where to reach "
        "them; give a host others can send to"));
  }
  if (config.address != config.name && IsUnspecifiedAddress(config.address)) {
    warnings.push_back(absl::StrCat(
        "warning: --address=", config.address,
        " is an unspecified address: other members cannot send to it; give "
        "a host they can reach"));
  }
  if (IsUnspecifiedAddress(options.bind_address)) {
    warnings.push_back(absl::StrCat(
        "warning: --bind=", options.bind_address,
        " is an unspecified address: the node listens on every interface"));
  }
  return warnings;
}

void PrintStartupWarnings(const char* program, const UdpNodeOptions& options) {
  for (const std::string& warning : StartupWarnings(options)) {
    PrintWarning(program, warning);
  }
}

JoinWatch::JoinWatch(const Config& config, absl::Time start) {
  if (config.seed_peers.empty()) {
    deadline_ = absl::InfiniteFuture();
    return;
  }
  // The first contact and each retry wait as anti-entropy's join backoff.
  absl::Duration backoff = config.join_retry_initial;
  for (int i = 0; i <= kJoinRetriesBeforeWarning; ++i) {
    waited_ += backoff;
    backoff = std::min(backoff * 2, config.join_retry_max);
  }
  deadline_ = start + waited_;
}

std::optional<std::string> JoinWatch::Check(const MembersSnapshot& view,
                                            absl::Time now) {
  if (done_ || now < deadline_) return std::nullopt;
  done_ = true;
  if (view.members.size() > 1) return std::nullopt;
  return absl::StrCat(
      "warning: no seed peer answered within ", kJoinRetriesBeforeWarning,
      " join retries (", absl::FormatDuration(waited_),
      "); check --peer, the secret and --cluster (still trying)");
}

void JoinWatch::Print(const char* program, const MembersSnapshot& view,
                      absl::Time now) {
  if (std::optional<std::string> warning = Check(view, now)) {
    PrintWarning(program, *warning);
  }
}

}  // namespace swim::net
