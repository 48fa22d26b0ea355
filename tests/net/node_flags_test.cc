// Tests of net/node_flags.h's knob flags: each sets a knob of swim's table
// (swim/config_knobs.h), with the knob's type, default and help, and
// NodeOptionsFromFlags sets them through the table with errors that name
// the flag.
#include "net/node_flags.h"

#include <set>
#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/config.h"
#include "swim/config_knobs.h"

namespace swim::net {
namespace {

// Whether the flag's C++ type is the one the knob's kind is written as.
bool TypeFits(const absl::CommandLineFlag& flag, ConfigKnobKind kind) {
  switch (kind) {
    case ConfigKnobKind::kDuration:
      return flag.IsOfType<absl::Duration>();
    case ConfigKnobKind::kInt:
      return flag.IsOfType<int32_t>();
    case ConfigKnobKind::kBool:
      return flag.IsOfType<bool>();
    case ConfigKnobKind::kBytes:
      return flag.IsOfType<int64_t>();
  }
  return false;
}

TEST(NodeFlagsTest, EveryKnobFlagMatchesItsKnob) {
  const Config defaults;
  for (const NodeKnobFlag& f : NodeKnobFlags()) {
    const ConfigKnob* knob = FindConfigKnob(f.knob);
    ASSERT_NE(knob, nullptr) << f.knob;
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(f.flag);
    ASSERT_NE(flag, nullptr) << f.flag;
    EXPECT_TRUE(TypeFits(*flag, knob->kind)) << f.flag;
    Config config;
    ASSERT_TRUE(knob->set(config, flag->DefaultValue()).ok()) << f.flag;
    EXPECT_EQ(knob->get(config), knob->get(defaults)) << f.flag;
    if (f.flag != "encrypt") {  // which also requires encryption
      EXPECT_EQ(flag->Help(), knob->description) << f.flag;
    }
  }
}

// A flag of node_flags.cc that is neither identity nor a knob flag would
// bypass the table.
TEST(NodeFlagsTest, EveryOtherNodeFlagIsNotAKnob) {
  std::set<std::string> knob_flags;
  for (const NodeKnobFlag& f : NodeKnobFlags()) {
    knob_flags.emplace(f.flag);
  }
  const std::set<std::string> others = {"name",
                                        "address",
                                        "bind",
                                        "peer",
                                        "secret",
                                        "secret_file",
                                        "metadata",
                                        "cluster",
                                        "leave_on_exit",
                                        "leave_linger",
                                        "control_socket",
                                        "metrics_address",
                                        "socket_buffer_bytes"};
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!absl::EndsWith(flag->Filename(), "net/node_flags.cc")) continue;
    EXPECT_TRUE(knob_flags.count(std::string(name)) == 1 ||
                others.count(std::string(name)) == 1)
        << "--" << name << " is not in NodeKnobFlags()";
    if (FindConfigKnob(name) != nullptr) {
      EXPECT_EQ(knob_flags.count(std::string(name)), 1u)
          << "--" << name << " is named after a knob but not set by it";
    }
  }
}

// Sets `flag` as the command line would.
void SetFlag(absl::string_view flag, absl::string_view value) {
  std::string error;
  absl::CommandLineFlag* f = absl::FindCommandLineFlag(flag);
  ASSERT_NE(f, nullptr) << flag;
  ASSERT_TRUE(f->ParseFrom(value, &error)) << error;
}

TEST(NodeFlagsTest, KnobFlagsReachTheConfig) {
  absl::FlagSaver saver;
  SetFlag("name", "127.0.0.1:2001");
  SetFlag("secret", "s3cret");
  SetFlag("probe_interval", "2s");
  SetFlag("probe_timeout", "300ms");
  SetFlag("join_retry", "3s");
  SetFlag("gossip_fanout", "5");
  SetFlag("max_datagram_bytes", "9000");
  SetFlag("encrypt", "true");
  absl::StatusOr<UdpNodeOptions> options = NodeOptionsFromFlags();
  ASSERT_TRUE(options.ok()) << options.status();
  const Config& config = options->config;
  EXPECT_EQ(config.probe_interval, absl::Seconds(2));
  EXPECT_EQ(config.probe_timeout, absl::Milliseconds(300));
  EXPECT_EQ(config.join_retry_initial, absl::Seconds(3));
  EXPECT_EQ(config.gossip_fanout, 5);
  EXPECT_EQ(config.max_datagram_bytes, 9000u);
  EXPECT_TRUE(config.encrypt);
  EXPECT_TRUE(config.require_encryption);
  EXPECT_EQ(config.sync_interval, Config().sync_interval);
}

TEST(NodeFlagsTest, BadKnobValuesNameTheFlag) {
  struct Case {
    const char* flag;
    const char* value;
    const char* message;
  };
  const Case cases[] = {
      {"probe_interval", "-1s",
       "--probe_interval=-1s: \"-1s\" is negative or infinite"},
      {"max_datagram_bytes", "0",
       "--max_datagram_bytes=0: \"0\" is not a positive number of bytes"},
      {"max_datagram_bytes", "70000",
       "bad flags: config.max_datagram_bytes: must be in [512, 65507], is "
       "70000"},
      {"join_retry", "0s", "bad flags: --join_retry: must be positive, is 0"},
      {"probe_timeout", "5s",
       "bad flags: config.probe_timeout: must be shorter than "
       "probe_interval"},
  };
  for (const Case& c : cases) {
    absl::FlagSaver saver;
    SetFlag("name", "127.0.0.1:2001");
    SetFlag("secret", "s3cret");
    SetFlag(c.flag, c.value);
    absl::StatusOr<UdpNodeOptions> options = NodeOptionsFromFlags();
    ASSERT_FALSE(options.ok()) << c.flag;
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(options.status().message(), c.message);
  }
}

TEST(NodeFlagsTest, OperatorFlags) {
  absl::FlagSaver saver;
  SetFlag("name", "127.0.0.1:2001");
  SetFlag("secret", "s3cret");
  SetFlag("socket_buffer_bytes", "1048576");
  SetFlag("control_socket", "/run/swim.sock");
  SetFlag("metrics_address", "127.0.0.1:9464");
  absl::StatusOr<UdpNodeOptions> options = NodeOptionsFromFlags();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->socket_buffer_bytes, 1048576);
  absl::StatusOr<OperatorEndpointOptions> endpoints =
      OperatorEndpointOptionsFromFlags();
  ASSERT_TRUE(endpoints.ok()) << endpoints.status();
  EXPECT_EQ(endpoints->control_socket, "/run/swim.sock");
  EXPECT_EQ(endpoints->metrics_address, "127.0.0.1:9464");

  SetFlag("metrics_address", "0.0.0.0:9464");
  EXPECT_EQ(NodeOptionsFromFlags().status().message(),
            "--metrics_address=0.0.0.0:9464: not a loopback address; the "
            "metrics endpoint binds to 127.0.0.1 or [::1] only");
  SetFlag("metrics_address", "");
  SetFlag("socket_buffer_bytes", "-1");
  EXPECT_EQ(NodeOptionsFromFlags().status().message(),
            "--socket_buffer_bytes=-1: negative");
}

}  // namespace
}  // namespace swim::net
