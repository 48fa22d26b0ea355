// g++ 12 with -fsanitize=thread warns (-Wtsan) about the fence in Abseil's
// sequence-locked flag storage, which absl::Duration flags use: the fence is
// correct, ThreadSanitizer merely cannot model it.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wtsan"
#endif

#include "net/node_flags.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "net/metrics_http_server.h"
#include "net/node_settings.h"
#include "net/operator_endpoints.h"
#include "net/secret_flags.h"
#include "net/udp_node.h"
#include "swim/config.h"
#include "swim/config_knobs.h"

namespace {
// The defaults of the flags below: the library's LAN profile.
const swim::Config& Defaults() {
  static const swim::Config* const kDefaults = new swim::Config();
  return *kDefaults;
}
// The help of a knob's flag: the knob's description.
absl::string_view KnobHelp(absl::string_view knob) {
  return swim::FindConfigKnob(knob)->description;
}
}  // namespace

ABSL_FLAG(std::string, name, "",
          "This member's name, host:port (then also its address, as in the "
          "seed). Default: $SWIM_NAME.");
ABSL_FLAG(std::string, address, "",
          "Where other members send to, host:port or [v6]:port, if not the "
          "name. Port 0: any free port.");
ABSL_FLAG(std::string, bind, "",
          "The local address to bind, e.g. 0.0.0.0:2001 or [::]:2001. "
          "Default: the address.");
ABSL_FLAG(std::vector<std::string>, peer, {},
          "A member to join through, host:port; repeat for several. A DNS "
          "name stands for all its addresses. Default: $SWIM_PEERS "
          "(comma-separated).");
ABSL_FLAG(std::vector<std::string>, metadata, {},
          "key=value metadata of this member at start; repeat for several.");
// The timing knobs: Config fields, described, parsed and set by the knob
// table (swim/config_knobs.h); NodeKnobFlags() lists them.
ABSL_FLAG(bool, encrypt, false, "Encrypt datagrams (and require encryption).");
ABSL_FLAG(absl::Duration, probe_interval, Defaults().probe_interval,
          KnobHelp("probe_interval"));
ABSL_FLAG(absl::Duration, probe_timeout, Defaults().probe_timeout,
          KnobHelp("probe_timeout"));
ABSL_FLAG(int32_t, indirect_checks, Defaults().indirect_checks,
          KnobHelp("indirect_checks"));
ABSL_FLAG(int32_t, probe_ring_monitors, Defaults().probe_ring_monitors,
          KnobHelp("probe_ring_monitors"));
ABSL_FLAG(int32_t, suspicion_min_intervals, Defaults().suspicion_min_intervals,
          KnobHelp("suspicion_min_intervals"));
ABSL_FLAG(int32_t, suspicion_max_mult, Defaults().suspicion_max_mult,
          KnobHelp("suspicion_max_mult"));
ABSL_FLAG(int32_t, suspicion_confirmations, Defaults().suspicion_confirmations,
          KnobHelp("suspicion_confirmations"));
ABSL_FLAG(int32_t, suspicion_shown_confirmations,
          Defaults().suspicion_shown_confirmations,
          KnobHelp("suspicion_shown_confirmations"));
ABSL_FLAG(int32_t, retransmit_mult, Defaults().retransmit_mult,
          KnobHelp("retransmit_mult"));
ABSL_FLAG(int32_t, offline_retransmit_mult, Defaults().offline_retransmit_mult,
          KnobHelp("offline_retransmit_mult"));
ABSL_FLAG(absl::Duration, gossip_interval, Defaults().gossip_interval,
          KnobHelp("gossip_interval"));
ABSL_FLAG(int32_t, gossip_fanout, Defaults().gossip_fanout,
          KnobHelp("gossip_fanout"));
ABSL_FLAG(absl::Duration, sync_interval, Defaults().sync_interval,
          KnobHelp("sync_interval"));
ABSL_FLAG(absl::Duration, join_retry, Defaults().join_retry_initial,
          KnobHelp("join_retry_initial"));
ABSL_FLAG(absl::Duration, join_retry_max, Defaults().join_retry_max,
          KnobHelp("join_retry_max"));
ABSL_FLAG(absl::Duration, offline_retention, Defaults().offline_retention,
          KnobHelp("offline_retention"));
ABSL_FLAG(absl::Duration, offline_probe_interval,
          Defaults().offline_probe_interval,
          KnobHelp("offline_probe_interval"));
ABSL_FLAG(int, max_members, Defaults().max_members, KnobHelp("max_members"));
ABSL_FLAG(int, protocol_version_min, Defaults().protocol_version_min,
          KnobHelp("protocol_version_min"));
ABSL_FLAG(int, protocol_version_max, Defaults().protocol_version_max,
          KnobHelp("protocol_version_max"));
ABSL_FLAG(int64_t, max_datagram_bytes,
          static_cast<int64_t>(Defaults().max_datagram_bytes),
          KnobHelp("max_datagram_bytes"));
ABSL_FLAG(bool, leave_on_exit, true,
          "Leave the cluster gracefully when stopped (Ctrl-C, SIGTERM).");
ABSL_FLAG(absl::Duration, leave_linger, absl::ZeroDuration(),
          "How long to keep answering after leaving; 0: two probe "
          "intervals.");
ABSL_FLAG(int32_t, socket_buffer_bytes, 0,
          "Kernel receive and send buffer size to ask for (SO_RCVBUF, "
          "SO_SNDBUF); 0: the system default.");
ABSL_FLAG(std::string, control_socket, "",
          "Serve the control socket (for the `swim` command) at this path, "
          "a Unix socket with mode 0600. Default: none.");
ABSL_FLAG(std::string, metrics_address, "",
          "Serve Prometheus metrics over HTTP (GET /metrics) at this "
          "loopback host:port, e.g. 127.0.0.1:9464. Default: none.");

namespace swim::net {
namespace {

std::vector<std::string>& MutablePeers() {
  static auto* const kPeers = new std::vector<std::string>();
  return *kPeers;
}
std::vector<std::string>& MutableMetadata() {
  static auto* const kMetadata = new std::vector<std::string>();
  return *kMetadata;
}

absl::string_view BaseName(absl::string_view program) {
  const size_t slash = program.rfind('/');
  if (slash != absl::string_view::npos) program.remove_prefix(slash + 1);
  return program;
}

// Sets `knob_flag`'s knob from its flag's value, through the knob table.
absl::Status SetKnobFromFlag(const NodeKnobFlag& knob_flag, Config& config) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(knob_flag.flag);
  const ConfigKnob* knob = FindConfigKnob(knob_flag.knob);
  if (flag == nullptr || knob == nullptr) {
    return absl::InternalError(
        absl::StrCat("--", knob_flag.flag, ": no such flag or knob"));
  }
  const std::string value = flag->CurrentValue();
  if (absl::Status s = knob->set(config, value); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", knob_flag.flag, "=", value, ": ", s.message()));
  }
  return absl::OkStatus();
}

// Config::Validate's "config.join_retry_initial: ..." as "--join_retry: ...".
std::string NameFlagsIn(absl::string_view message) {
  for (const NodeKnobFlag& knob_flag : NodeKnobFlags()) {
    if (knob_flag.flag == knob_flag.knob) continue;
    const std::string field = absl::StrCat("config.", knob_flag.knob, ":");
    if (absl::ConsumePrefix(&message, field)) {
      return absl::StrCat("--", knob_flag.flag, ":", message);
    }
  }
  return std::string(message);
}

// If argv[*i] is --<flag>=v, -<flag>=v, or --<flag> v: appends v to `out`,
// advances *i past it and returns true.
bool TakeRepeated(absl::string_view flag, int argc, char** argv, int* i,
                  std::vector<std::string>* out) {
  absl::string_view arg = argv[*i];
  if (absl::StartsWith(arg, "--")) {
    arg.remove_prefix(2);
  } else if (absl::StartsWith(arg, "-")) {
    arg.remove_prefix(1);
  } else {
    return false;
  }
  if (!absl::StartsWith(arg, flag)) return false;
  arg.remove_prefix(flag.size());
  if (absl::StartsWith(arg, "=")) {
    out->emplace_back(arg.substr(1));
    return true;
  }
  if (arg.empty() && *i + 1 < argc) {
    out->emplace_back(argv[++*i]);
    return true;
  }
  return false;
}

}  // namespace

std::vector<char*> ParseNodeCommandLine(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strcmp(argv[i], "--") == 0) {
      for (; i < argc; ++i) rest.push_back(argv[i]);
      break;
    }
    if (i > 0 &&
        (TakeRepeated("peer", argc, argv, &i, &MutablePeers()) ||
         TakeRepeated("metadata", argc, argv, &i, &MutableMetadata()))) {
      continue;
    }
    rest.push_back(argv[i]);
  }
  return absl::ParseCommandLine(static_cast<int>(rest.size()), rest.data());
}

absl::Span<const NodeKnobFlag> NodeKnobFlags() {
  static constexpr NodeKnobFlag kKnobFlags[] = {
      {"encrypt", "encrypt"},
      {"probe_interval", "probe_interval"},
      {"probe_timeout", "probe_timeout"},
      {"indirect_checks", "indirect_checks"},
      {"probe_ring_monitors", "probe_ring_monitors"},
      {"suspicion_min_intervals", "suspicion_min_intervals"},
      {"suspicion_max_mult", "suspicion_max_mult"},
      {"suspicion_confirmations", "suspicion_confirmations"},
      {"suspicion_shown_confirmations", "suspicion_shown_confirmations"},
      {"retransmit_mult", "retransmit_mult"},
      {"offline_retransmit_mult", "offline_retransmit_mult"},
      {"gossip_interval", "gossip_interval"},
      {"gossip_fanout", "gossip_fanout"},
      {"sync_interval", "sync_interval"},
      {"join_retry", "join_retry_initial"},  // the seed's name
      {"join_retry_max", "join_retry_max"},
      {"offline_retention", "offline_retention"},
      {"offline_probe_interval", "offline_probe_interval"},
      {"max_datagram_bytes", "max_datagram_bytes"},
      {"max_members", "max_members"},
      {"protocol_version_min", "protocol_version_min"},
      {"protocol_version_max", "protocol_version_max"},
  };
  return kKnobFlags;
}

const std::vector<std::string>& PeerFlags() { return MutablePeers(); }
const std::vector<std::string>& MetadataFlags() { return MutableMetadata(); }

absl::StatusOr<UdpNodeOptions> NodeOptionsFromFlags() {
  UdpNodeOptions options;
  Config& config = options.config;
  NodeIdentityInputs given;
  given.name = absl::GetFlag(FLAGS_name);
  given.address = absl::GetFlag(FLAGS_address);
  given.peers = PeerFlags();
  given.secret = absl::GetFlag(FLAGS_secret);
  given.secret_file = absl::GetFlag(FLAGS_secret_file);
  given.metadata = MetadataFlags();
  if (absl::Status s = ApplyNodeIdentity(given, ProcessEnvironment, &config);
      !s.ok()) {
    return s;
  }
  options.bind_address = absl::GetFlag(FLAGS_bind);
  config.cluster_name = absl::GetFlag(FLAGS_cluster);
  for (const NodeKnobFlag& knob_flag : NodeKnobFlags()) {
    if (absl::Status s = SetKnobFromFlag(knob_flag, config); !s.ok()) return s;
  }
  config.require_encryption = config.encrypt;
  options.leave_on_stop = absl::GetFlag(FLAGS_leave_on_exit);
  absl::Duration linger = absl::GetFlag(FLAGS_leave_linger);
  if (linger < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--leave_linger=", absl::FormatDuration(linger), ": negative"));
  }
  if (linger > absl::ZeroDuration()) options.leave_linger = linger;
  const int32_t buffer_bytes = absl::GetFlag(FLAGS_socket_buffer_bytes);
  if (buffer_bytes < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--socket_buffer_bytes=", buffer_bytes, ": negative"));
  }
  options.socket_buffer_bytes = buffer_bytes;
  // Checked here too, so that a bad flag stops the program before it joins.
  if (absl::StatusOr<OperatorEndpointOptions> endpoints =
          OperatorEndpointOptionsFromFlags();
      !endpoints.ok()) {
    return endpoints.status();
  }

  // The node checks the rest; its messages name the field, which is the
  // flag's name too, but for the flags the seed named otherwise.
  Config check = config;
  if (absl::EndsWith(check.address, ":0")) {
    check.address = "127.0.0.1:1";  // port 0 is resolved when binding
  }
  if (absl::Status s = check.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad flags: ", NameFlagsIn(s.message())));
  }
  return options;
}

absl::StatusOr<OperatorEndpointOptions> OperatorEndpointOptionsFromFlags() {
  OperatorEndpointOptions options;
  options.control_socket = absl::GetFlag(FLAGS_control_socket);
  options.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  if (!options.metrics_address.empty()) {
    if (absl::Status s = CheckLoopbackAddress(options.metrics_address);
        !s.ok()) {
      return s;
    }
  }
  return options;
}

absl::StatusOr<std::unique_ptr<OperatorEndpoints>>
StartOperatorEndpointsFromFlags(const char* program, UdpNode& node) {
  absl::StatusOr<OperatorEndpointOptions> options =
      OperatorEndpointOptionsFromFlags();
  if (!options.ok()) return options.status();
  absl::StatusOr<std::unique_ptr<OperatorEndpoints>> endpoints =
      OperatorEndpoints::Start(node, *options);
  if (!endpoints.ok()) return endpoints.status();
  const std::string described = (*endpoints)->Describe(BaseName(program));
  std::fwrite(described.data(), 1, described.size(), stderr);
  return endpoints;
}

int ExitWithError(const char* program, const absl::Status& status) {
  const absl::string_view name = BaseName(program);
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(name.size()),
               name.data(), static_cast<int>(status.message().size()),
               status.message().data());
  return 2;
}

}  // namespace swim::net
