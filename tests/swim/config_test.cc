// Config validation: every error names the offending field.
#include "swim/config.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/node.h"

namespace swim {
namespace {

Config Valid() {
  Config config;
  config.name = "node-a";
  config.address = "10.0.0.1:7946";
  config.keys = {std::string(32, 'k')};
  return config;
}

void ExpectBad(const Config& config, const std::string& field) {
  absl::Status status = config.Validate();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_TRUE(absl::StrContains(status.message(), "config." + field))
      << status.message() << " should name " << field;
  // Node::Create validates too.
  absl::StatusOr<std::unique_ptr<Node>> node =
      Node::Create(config, absl::UnixEpoch());
  EXPECT_FALSE(node.ok()) << field;
}

TEST(ConfigTest, LanProfileIsValid) {
  Config config = Valid();
  EXPECT_TRUE(config.Validate().ok()) << config.Validate();
  EXPECT_EQ(config.probe_interval, absl::Seconds(1));
  EXPECT_EQ(config.probe_timeout, absl::Milliseconds(500));
  EXPECT_EQ(config.indirect_checks, 3);
  EXPECT_EQ(config.suspicion_min_intervals, 2);
  EXPECT_EQ(config.suspicion_max_mult, 9);
  EXPECT_EQ(config.suspicion_confirmations, 2);
  EXPECT_EQ(config.gossip_interval, absl::Milliseconds(200));
  EXPECT_EQ(config.gossip_fanout, 3);
  EXPECT_EQ(config.max_datagram_bytes, 1400u);
  EXPECT_GE(config.max_metadata_bytes, 64u * 1024 + 64);
}

TEST(ConfigTest, BadNames) {
  Config c = Valid();
  c.name = "";
  ExpectBad(c, "name");
  c.name = "has space";
  ExpectBad(c, "name");
  c.name = std::string(256, 'x');
  ExpectBad(c, "name");
  c.name = std::string("ctl\x01", 4);
  ExpectBad(c, "name");
}

TEST(ConfigTest, BadAddresses) {
  for (const char* address :
       {"", "nohost", ":7946", "host:", "host:0", "host:65536", "host:12a",
        "::1:7946", "[::1]:", "a b:1"}) {
    Config c = Valid();
    c.address = address;
    ExpectBad(c, "address");
  }
  Config c = Valid();
  c.address = "[::1]:7946";
  EXPECT_TRUE(c.Validate().ok());
  c.seed_peers = {"10.0.0.2:1", "bad"};
  ExpectBad(c, "seed_peers[1]");
}

TEST(ConfigTest, Keyring) {
  Config c = Valid();
  c.keys.clear();
  ExpectBad(c, "keys");
  c.keys = {"short"};
  ExpectBad(c, "keys[0]");
  c.keys = {std::string(32, 'k'), std::string(32, 'k')};  // duplicate
  EXPECT_TRUE(c.Validate().ok());
  EXPECT_FALSE(Node::Create(c, absl::UnixEpoch()).ok());
}

TEST(ConfigTest, Intervals) {
  Config c = Valid();
  c.probe_interval = absl::ZeroDuration();
  ExpectBad(c, "probe_interval");
  c = Valid();
  c.probe_timeout = -absl::Seconds(1);
  ExpectBad(c, "probe_timeout");
  c = Valid();
  c.probe_timeout = c.probe_interval;  // not shorter
  ExpectBad(c, "probe_timeout");
  c = Valid();
  c.sync_interval = absl::ZeroDuration();
  ExpectBad(c, "sync_interval");
  c = Valid();
  c.join_retry_initial = absl::ZeroDuration();
  ExpectBad(c, "join_retry_initial");
  c = Valid();
  c.join_retry_max = absl::Milliseconds(10);
  ExpectBad(c, "join_retry_max");
  c = Valid();
  c.offline_retention = absl::ZeroDuration();
  ExpectBad(c, "offline_retention");
  c = Valid();
  c.offline_probe_interval = absl::ZeroDuration();
  ExpectBad(c, "offline_probe_interval");
  c = Valid();
  c.metadata_fetch_timeout = absl::ZeroDuration();
  ExpectBad(c, "metadata_fetch_timeout");
}

TEST(ConfigTest, Counts) {
  Config c = Valid();
  c.indirect_checks = -1;
  ExpectBad(c, "indirect_checks");
  c = Valid();
  c.suspicion_min_intervals = 0;
  ExpectBad(c, "suspicion_min_intervals");
  c = Valid();
  c.suspicion_max_mult = 0;
  ExpectBad(c, "suspicion_max_mult");
  c = Valid();
  c.suspicion_confirmations = -1;
  ExpectBad(c, "suspicion_confirmations");
  c = Valid();
  c.gossip_interval = absl::ZeroDuration();
  ExpectBad(c, "gossip_interval");
  c = Valid();
  c.gossip_fanout = -1;
  ExpectBad(c, "gossip_fanout");
  c = Valid();
  c.retransmit_mult = 0;
  ExpectBad(c, "retransmit_mult");
  c = Valid();
  c.health_max = 0;
  ExpectBad(c, "health_max");
  c = Valid();
  c.leave_fanout = -2;
  ExpectBad(c, "leave_fanout");
  c = Valid();
  c.metadata_chunks_per_request = 0;
  ExpectBad(c, "metadata_chunks_per_request");
  c = Valid();
  c.max_datagram_bytes = 100;
  ExpectBad(c, "max_datagram_bytes");
  c = Valid();
  c.max_datagram_bytes = 70000;
  ExpectBad(c, "max_datagram_bytes");
}

TEST(ConfigTest, MetadataLimits) {
  Config c = Valid();
  c.metadata = {{"blob", std::string(size_t{200} * 1024, 'x')}};
  ExpectBad(c, "metadata");
  c = Valid();
  c.metadata = {{std::string(300, 'k'), "v"}};
  ExpectBad(c, "metadata");
  c = Valid();
  c.max_metadata_bytes = (1 << 20) + 1;
  ExpectBad(c, "max_metadata_bytes");
  c = Valid();
  c.metadata = {{"blob", std::string(size_t{64} * 1024, 'x')}};
  EXPECT_TRUE(c.Validate().ok()) << c.Validate();
}

}  // namespace
}  // namespace swim
