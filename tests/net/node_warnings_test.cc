// net/node_warnings.h: which addresses are unspecified, the startup
// warnings, and when JoinWatch warns.
#include "net/node_warnings.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "net/member_snapshot.h"
#include "net/udp_node.h"
#include "swim/config.h"

namespace swim::net {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(NodeWarningsTest, UnspecifiedAddresses) {
  for (const char* a : {"0.0.0.0:2001", "[::]:2001", "[::0]:1", "[0:0::0]:0"}) {
    EXPECT_TRUE(IsUnspecifiedAddress(a)) << a;
  }
  for (const char* a : {"127.0.0.1:2001", "[::1]:2001", "10.0.0.0:1",
                        "localhost:2001", "0.0.0.0", "", "nonsense"}) {
    EXPECT_FALSE(IsUnspecifiedAddress(a)) << a;
  }
}

TEST(NodeWarningsTest, StartupWarningsNameTheFlag) {
  UdpNodeOptions options;
  options.config.name = "127.0.0.1:2001";
  options.config.address = "127.0.0.1:2001";
  EXPECT_THAT(StartupWarnings(options), IsEmpty());

  options.bind_address = "[::]:2001";
  std::vector<std::string> warnings = StartupWarnings(options);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("--bind=[::]:2001"));

  options.bind_address.clear();
  options.config.name = "0.0.0.0:2001";
  options.config.address = "0.0.0.0:2001";
  warnings = StartupWarnings(options);
  ASSERT_EQ(warnings.size(), 1u);  // the address is the name: said once
  EXPECT_THAT(warnings[0], HasSubstr("--name=0.0.0.0:2001"));

  options.config.name = "db-1";
  warnings = StartupWarnings(options);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("--address=0.0.0.0:2001"));
  for (const std::string& w : warnings) {
    EXPECT_EQ(w.find('\n'), std::string::npos);
  }
}

MembersSnapshot ViewOf(const std::vector<std::string>& names) {
  MembersSnapshot view;
  for (const std::string& name : names) {
    MemberInfo m;
    m.name = name;
    view.members.push_back(m);
  }
  return view;
}

TEST(NodeWarningsTest, JoinWatchWarnsOnceAfterThreeUnansweredRetries) {
  Config config;
  config.seed_peers = {"127.0.0.1:2002"};
  config.join_retry_initial = absl::Seconds(1);
  config.join_retry_max = absl::Seconds(3);
  const absl::Time start = absl::UnixEpoch();
  JoinWatch watch(config, start);
  // The first contact and three retries: 1 + 2 + 3 + 3 seconds.
  EXPECT_EQ(watch.deadline(), start + absl::Seconds(9));
  const MembersSnapshot alone = ViewOf({"me"});
  EXPECT_EQ(watch.Check(alone, start + absl::Seconds(8)), std::nullopt);
  std::optional<std::string> warning =
      watch.Check(alone, start + absl::Seconds(9));
  ASSERT_TRUE(warning.has_value());
  EXPECT_THAT(*warning, HasSubstr("no seed peer answered within 3 join"));
  EXPECT_EQ(watch.Check(alone, start + absl::Seconds(20)), std::nullopt);
}

TEST(NodeWarningsTest, JoinWatchIsQuietWhenAPeerAnsweredOrThereAreNone) {
  Config config;
  config.seed_peers = {"127.0.0.1:2002"};
  JoinWatch answered(config, absl::UnixEpoch());
  EXPECT_EQ(answered.Check(ViewOf({"me", "127.0.0.1:2002"}),
                           absl::UnixEpoch() + absl::Hours(1)),
            std::nullopt);
  config.seed_peers.clear();
  JoinWatch first(config, absl::UnixEpoch());
  EXPECT_EQ(first.deadline(), absl::InfiniteFuture());
  EXPECT_EQ(first.Check(ViewOf({"me"}), absl::UnixEpoch() + absl::Hours(1)),
            std::nullopt);
}

}  // namespace
}  // namespace swim::net
