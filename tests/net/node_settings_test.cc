// Tests of net/node_settings.h: the seed's flags and environment variables,
// their precedence, discovery through DNS, and one-line errors.
#include "net/node_settings.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "net/secret.h"
#include "swim/config.h"

namespace swim::net {
namespace {

using Environment = std::map<std::string, std::string>;

EnvironmentLookup Env(const Environment& env) {
  return [env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

NodeIdentityInputs Given(std::string name = "127.0.0.1:2001") {
  NodeIdentityInputs given;
  given.name = std::move(name);
  given.secret = "s3cret";
  return given;
}

std::string TempFile(const std::string& contents) {
  std::string path = absl::StrCat(
      testing::TempDir(), "/secret-", getpid(), "-",
      testing::UnitTest::GetInstance()->random_seed(), "-", contents.size());
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(contents.data(), 1, contents.size(), f);
  std::fclose(f);
  return path;
}

TEST(NodeSettingsTest, NameIsTheAddressByDefault) {
  Config config;
  ASSERT_TRUE(ApplyNodeIdentity(Given(), Env({}), &config).ok());
  EXPECT_EQ(config.name, "127.0.0.1:2001");
  EXPECT_EQ(config.address, "127.0.0.1:2001");
  EXPECT_EQ(config.keys,
            std::vector<std::string>{DeriveKeyFromSecret("s3cret")});
}

TEST(NodeSettingsTest, AddressMayDifferFromName) {
  NodeIdentityInputs given = Given("node-a");
  given.address = "[::1]:7946";
  Config config;
  ASSERT_TRUE(ApplyNodeIdentity(given, Env({}), &config).ok());
  EXPECT_EQ(config.name, "node-a");
  EXPECT_EQ(config.address, "[::1]:7946");
}

TEST(NodeSettingsTest, CommandLineWinsOverEnvironment) {
  NodeIdentityInputs given = Given("127.0.0.1:2001");
  given.peers = {"127.0.0.1:2002"};
  Config config;
  ASSERT_TRUE(ApplyNodeIdentity(given,
                                Env({{"SWIM_NAME", "127.0.0.1:3001"},
                                     {"SWIM_PEERS", "127.0.0.1:3002"},
                                     {"SWIM_SECRET", "other"}}),
                                &config)
                  .ok());
  EXPECT_EQ(config.name, "127.0.0.1:2001");
  EXPECT_EQ(config.seed_peers, std::vector<std::string>{"127.0.0.1:2002"});
  EXPECT_EQ(config.keys[0], DeriveKeyFromSecret("s3cret"));
}

TEST(NodeSettingsTest, EnvironmentFillsTheGaps) {
  Config config;
  ASSERT_TRUE(
      ApplyNodeIdentity(NodeIdentityInputs(),
                        Env({{"SWIM_NAME", "127.0.0.1:3001"},
                             {"SWIM_PEERS", "127.0.0.1:3002, 127.0.0.1:3003,,"},
                             {"SWIM_SECRET", "from env"}}),
                        &config)
          .ok());
  EXPECT_EQ(config.name, "127.0.0.1:3001");
  EXPECT_EQ(config.seed_peers,
            (std::vector<std::string>{"127.0.0.1:3002", "127.0.0.1:3003"}));
  EXPECT_EQ(config.keys[0], DeriveKeyFromSecret("from env"));
}

TEST(NodeSettingsTest, SecretPrecedenceAndTrailingNewline) {
  std::string file = TempFile("from file\n");
  std::string flag_file = TempFile("from flag file\r\n");
  NodeIdentityInputs given = Given();
  given.secret.clear();
  Environment env = {{"SWIM_SECRET_FILE", file}, {"SWIM_SECRET", "plain"}};
  Config config;
  ASSERT_TRUE(ApplyNodeIdentity(given, Env(env), &config).ok());
  EXPECT_EQ(config.keys[0], DeriveKeyFromSecret("from file"));
  given.secret_file = flag_file;
  ASSERT_TRUE(ApplyNodeIdentity(given, Env(env), &config).ok());
  EXPECT_EQ(config.keys[0], DeriveKeyFromSecret("from flag file"));
  given.secret = "flag";
  ASSERT_TRUE(ApplyNodeIdentity(given, Env(env), &config).ok());
  EXPECT_EQ(config.keys[0], DeriveKeyFromSecret("flag"));
  given = Given();
  given.secret.clear();
  ASSERT_TRUE(
      ApplyNodeIdentity(given, Env({{"SWIM_SECRET", "plain"}}), &config).ok());
  EXPECT_EQ(config.keys[0], DeriveKeyFromSecret("plain"));
}

TEST(NodeSettingsTest, ASecretIsRequired) {
  NodeIdentityInputs given = Given();
  given.secret.clear();
  Config config;
  absl::Status s = ApplyNodeIdentity(given, Env({}), &config);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "SWIM_SECRET")) << s;
}

TEST(NodeSettingsTest, UnreadableSecretFileIsNamed) {
  NodeIdentityInputs given = Given();
  given.secret.clear();
  Config config;
  absl::Status s = ApplyNodeIdentity(
      given, Env({{"SWIM_SECRET_FILE", "/nonexistent/secret"}}), &config);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(
      absl::StrContains(s.message(), "SWIM_SECRET_FILE=/nonexistent/secret"))
      << s;
  given.secret_file = "/nonexistent/flag";
  s = ApplyNodeIdentity(given, Env({}), &config);
  EXPECT_TRUE(absl::StrContains(s.message(), "--secret_file=/nonexistent/flag"))
      << s;
}

TEST(NodeSettingsTest, ErrorsNameTheFlag) {
  struct Case {
    NodeIdentityInputs given;
    std::string want;
  };
  std::vector<Case> cases;
  cases.push_back({Given("127.0.0.1:99999"), "--name=127.0.0.1:99999"});
  cases.push_back({Given("no-port"), "--name=no-port"});
  cases.push_back({Given("has space:1"), "--name=has space:1"});
  NodeIdentityInputs bad_address = Given("n");
  bad_address.address = "::1:2001";
  cases.push_back({bad_address, "--address=::1:2001"});
  NodeIdentityInputs bad_peer = Given();
  bad_peer.peers = {"127.0.0.1:2002", "127.0.0.1:http"};
  cases.push_back({bad_peer, "--peer=127.0.0.1:http"});
  NodeIdentityInputs unknown_host = Given();
  unknown_host.peers = {"no-such-host.invalid:2002"};
  cases.push_back({unknown_host, "--peer=no-such-host.invalid:2002"});
  NodeIdentityInputs bad_metadata = Given();
  bad_metadata.metadata = {"novalue"};
  cases.push_back({bad_metadata, "--metadata=novalue"});
  for (const Case& c : cases) {
    Config config;
    absl::Status s = ApplyNodeIdentity(c.given, Env({}), &config);
    EXPECT_FALSE(s.ok()) << c.want;
    EXPECT_TRUE(absl::StrContains(s.message(), c.want)) << s;
    EXPECT_FALSE(absl::StrContains(s.message(), "\n")) << s;
  }
  Config config;
  absl::Status s = ApplyNodeIdentity(NodeIdentityInputs(),
                                     Env({{"SWIM_PEERS", "x"},
                                          {"SWIM_SECRET", "s"},
                                          {"SWIM_NAME", "127.0.0.1:1"}}),
                                     &config);
  EXPECT_TRUE(absl::StrContains(s.message(), "SWIM_PEERS=x")) << s;
}

TEST(NodeSettingsTest, MetadataFromFlags) {
  NodeIdentityInputs given = Given();
  given.metadata = {"name=one", "empty=", "eq=a=b"};
  Config config;
  ASSERT_TRUE(ApplyNodeIdentity(given, Env({}), &config).ok());
  EXPECT_EQ(config.metadata,
            (Metadata{{"name", "one"}, {"empty", ""}, {"eq", "a=b"}}));
}

TEST(NodeSettingsTest, PeersDropDuplicatesAndSelf) {
  absl::StatusOr<std::vector<std::string>> peers =
      ResolvePeers({"127.0.0.1:2001", "127.0.0.1:2002", "127.0.0.1:2002"},
                   "--peer", "127.0.0.1:2001");
  ASSERT_TRUE(peers.ok());
  EXPECT_EQ(*peers, std::vector<std::string>{"127.0.0.1:2002"});
}

TEST(NodeSettingsTest, ADnsNameContributesAllItsAddresses) {
  // localhost resolves through /etc/hosts, never the network.
  absl::StatusOr<std::vector<std::string>> peers =
      ResolvePeers({"localhost:2002"}, "--peer", "");
  ASSERT_TRUE(peers.ok()) << peers.status();
  EXPECT_NE(std::find(peers->begin(), peers->end(), "127.0.0.1:2002"),
            peers->end());
  for (const std::string& p : *peers) {
    EXPECT_TRUE(p == "127.0.0.1:2002" || p == "[::1]:2002") << p;
  }
}

}  // namespace
}  // namespace swim::net
