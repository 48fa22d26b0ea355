// UdpNode's key handle: AddKey, UseKey, RemoveKey and KeyIds from another
// thread, their errors, and two live nodes rotating without losing sight
// of each other.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "net/member_snapshot.h"
#include "net/secret.h"
#include "net/udp_node.h"
#include "swim/drop_reason.h"
#include "swim/keyring.h"
#include "swim/status.h"
#include "tests/testing/udp_node_waits.h"

namespace swim::net {
namespace {

using ::swim::testing::FastUdpOptions;
using ::swim::testing::Sees;
using ::swim::testing::StartNode;
using ::swim::testing::WaitFor;

using ::testing::ElementsAre;

UdpNodeOptions Options(absl::string_view secret,
                       std::vector<std::string> peers = {}) {
  UdpNodeOptions options = FastUdpOptions();
  options.config.keys = {DeriveKeyFromSecret(secret)};
  options.config.cluster_name = "keys-test";
  options.config.seed_peers = std::move(peers);
  options.leave_linger = absl::Milliseconds(200);
  return options;
}

uint64_t Drops(const UdpNode& node, DropReason reason) {
  return node.Stats().node.drops[static_cast<size_t>(reason)];
}

TEST(UdpNodeKeysTest, HandleErrorsAreClearAndStoppedNodesRefuse) {
  std::unique_ptr<UdpNode> node = StartNode(Options("old secret"));
  ASSERT_NE(node, nullptr);
  const KeyId a = KeyIdOf(DeriveKeyFromSecret("old secret"));
  const KeyId b = KeyIdOf(DeriveKeyFromSecret("new secret"));
  EXPECT_THAT(node->KeyIds().value(), ElementsAre(a));

  EXPECT_EQ(node->AddKey("short").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(node->UseKey(b).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(node->RemoveKey(b).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(node->RemoveKey(a).code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<KeyId> added = node->AddKey(DeriveKeyFromSecret("new secret"));
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(*added, b);
  EXPECT_EQ(node->AddKey(DeriveKeyFromSecret("new secret")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(node->RemoveKey(a).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(node->KeyIds().value(), ElementsAre(a, b));

  node->Stop(UdpNode::StopMode::kNoLeave);
  EXPECT_EQ(node->AddKey(DeriveKeyFromSecret("third")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(node->UseKey(b).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(node->RemoveKey(a).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(node->KeyIds().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(UdpNodeKeysTest, TwoLiveNodesRotateAndShutOutTheOldKey) {
  std::unique_ptr<UdpNode> x = StartNode(Options("old secret"));
  ASSERT_NE(x, nullptr);
  std::unique_ptr<UdpNode> y = StartNode(Options("old secret", {x->address()}));
  ASSERT_NE(y, nullptr);
  ASSERT_TRUE(WaitFor([&] {
    return Sees(*x, y->name(), Status::kOnline) &&
           Sees(*y, x->name(), Status::kOnline);
  }));

  const std::string new_key = DeriveKeyFromSecret("new secret");
  const KeyId old_id = KeyIdOf(DeriveKeyFromSecret("old secret"));
  const KeyId new_id = KeyIdOf(new_key);
  for (UdpNode* n : {x.get(), y.get()}) ASSERT_TRUE(n->AddKey(new_key).ok());
  for (UdpNode* n : {x.get(), y.get()}) ASSERT_TRUE(n->UseKey(new_id).ok());
  for (UdpNode* n : {x.get(), y.get()}) {
    ASSERT_TRUE(n->RemoveKey(old_id).ok());
    EXPECT_THAT(n->KeyIds().value(), ElementsAre(new_id));
  }
  // A few probe rounds under the new key alone: nobody dropped anything.
  absl::SleepFor(absl::Seconds(1));
  for (UdpNode* n : {x.get(), y.get()}) {
    EXPECT_EQ(Drops(*n, DropReason::kUnknownKey), 0u);
    EXPECT_EQ(Drops(*n, DropReason::kAuthFailed), 0u);
  }
  EXPECT_TRUE(Sees(*x, y->name(), Status::kOnline));
  EXPECT_TRUE(Sees(*y, x->name(), Status::kOnline));

  // A node holding only the old key is dropped and never admitted.
  std::unique_ptr<UdpNode> stale =
      StartNode(Options("old secret", {x->address()}));
  ASSERT_NE(stale, nullptr);
  EXPECT_TRUE(WaitFor([&] { return Drops(*x, DropReason::kUnknownKey) > 0; }));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(x->Members()->Find(stale->name()), nullptr);
  EXPECT_EQ(stale->Members()->Find(x->name()), nullptr);
}

}  // namespace
}  // namespace swim::net
