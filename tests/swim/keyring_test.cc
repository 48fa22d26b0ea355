#include "swim/keyring.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace swim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kKey1 = "k1-0123456789abcdef";
const std::string kKey2 = "k2-0123456789abcdef";
const std::string kKey3 = "k3-0123456789abcdef";
// Golden: first 4 bytes of SHA-256("swim key id" || key), from Python's
// hashlib.
constexpr KeyId kKey1Id = 0x4b1f9572;
constexpr KeyId kKey2Id = 0x98898518;

TEST(KeyringTest, KeyIdIsTruncatedSha256OfTheKey) {
  EXPECT_EQ(KeyIdOf(kKey1), kKey1Id);
  EXPECT_EQ(KeyIdOf(kKey2), kKey2Id);
}

TEST(KeyringTest, CreateMakesTheFirstKeyPrimary) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1, kKey2});
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->size(), 2u);
  EXPECT_EQ(ring->primary_key_id(), kKey1Id);
  EXPECT_THAT(ring->key_ids(), ElementsAre(kKey1Id, kKey2Id));
  EXPECT_EQ(ring->cluster_name(), "prod");
  EXPECT_NE(ring->primary_aead(), nullptr);
  EXPECT_EQ(ring->FindAead(kKey1Id), ring->primary_aead());
  EXPECT_NE(ring->FindAead(kKey2Id), nullptr);
  EXPECT_EQ(ring->FindAead(KeyIdOf(kKey3)), nullptr);
}

TEST(KeyringTest, KeyIdDoesNotDependOnTheCluster) {
  absl::StatusOr<Keyring> a = Keyring::Create("a", {kKey1});
  absl::StatusOr<Keyring> b = Keyring::Create("b", {kKey1});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->primary_key_id(), b->primary_key_id());
}

TEST(KeyringTest, ClusterNameLimits) {
  EXPECT_TRUE(Keyring::Create("", {kKey1}).ok());  // the default cluster
  EXPECT_TRUE(Keyring::Create(std::string(255, 'c'), {kKey1}).ok());
  absl::StatusOr<Keyring> ring =
      Keyring::Create(std::string(256, 'c'), {kKey1});
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ring.status().message(), HasSubstr("cluster name"));
}

TEST(KeyringTest, EmptyKeyringIsAnError) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {});
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ring.status().message(), HasSubstr("at least one key"));
}

TEST(KeyringTest, ShortKeyIsAnError) {
  EXPECT_TRUE(Keyring::Create("prod", {std::string(16, 'x')}).ok());
  absl::StatusOr<Keyring> ring =
      Keyring::Create("prod", {kKey1, std::string(15, 'x')});
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ring.status().message(), HasSubstr("keys[1]"));
  EXPECT_THAT(ring.status().message(), HasSubstr("at least 16"));
  // The message must never echo key material.
  EXPECT_THAT(ring.status().message(),
              ::testing::Not(HasSubstr(std::string(15, 'x'))));
}

TEST(KeyringTest, DuplicateKeyIsAnError) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1, kKey2, kKey1});
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ring.status().message(), HasSubstr("keys[2]"));
  EXPECT_THAT(ring.status().message(), HasSubstr("duplicate"));
}

TEST(KeyringTest, AddRejectsDuplicatesAndShortKeys) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1});
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->Add(kKey1).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ring->Add("short").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ring->Add(kKey2).ok());
  EXPECT_EQ(ring->size(), 2u);
  EXPECT_EQ(ring->primary_key_id(), kKey1Id);  // Add keeps the primary
}

TEST(KeyringTest, SetPrimaryMovesOnlyThePrimary) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1, kKey2, kKey3});
  ASSERT_TRUE(ring.ok());
  ASSERT_TRUE(ring->SetPrimary(kKey3).ok());
  EXPECT_THAT(ring->key_ids(), ElementsAre(KeyIdOf(kKey3), kKey1Id, kKey2Id));
  ASSERT_TRUE(ring->SetPrimary(kKey3).ok());  // already primary: no change
  EXPECT_EQ(ring->primary_key_id(), KeyIdOf(kKey3));
}

TEST(KeyringTest, SetPrimaryOnUnknownKeyIsAnError) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1});
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->SetPrimary(kKey2).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ring->primary_key_id(), kKey1Id);
}

TEST(KeyringTest, RemovingThePrimaryIsAnError) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1, kKey2});
  ASSERT_TRUE(ring.ok());
  absl::Status status = ring->Remove(kKey1);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("primary"));
  EXPECT_EQ(ring->size(), 2u);
}

TEST(KeyringTest, RemoveForgetsTheKey) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1, kKey2});
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->Remove(kKey3).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(ring->Remove(kKey2).ok());
  EXPECT_THAT(ring->key_ids(), ElementsAre(kKey1Id));
  EXPECT_EQ(ring->FindAead(kKey2Id), nullptr);
  EXPECT_EQ(ring->Remove(kKey2).code(), absl::StatusCode::kNotFound);
}

TEST(KeyringTest, ByIdMethodsNameKeysByTheirIds) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1, kKey2});
  ASSERT_TRUE(ring.ok());
  ASSERT_TRUE(ring->SetPrimaryById(kKey2Id).ok());
  EXPECT_THAT(ring->key_ids(), ElementsAre(kKey2Id, kKey1Id));
  EXPECT_EQ(ring->SetPrimaryById(KeyIdOf(kKey3)).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ring->RemoveById(KeyIdOf(kKey3)).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ring->RemoveById(kKey2Id).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(ring->RemoveById(kKey1Id).ok());
  EXPECT_THAT(ring->key_ids(), ElementsAre(kKey2Id));
  absl::Status last = ring->RemoveById(kKey2Id);
  EXPECT_EQ(last.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(last.message(), HasSubstr("last key"));
  EXPECT_EQ(ring->size(), 1u);
}

TEST(KeyringTest, KeyIdTextRoundTrips) {
  EXPECT_EQ(KeyIdText(kKey1Id), "4b1f9572");
  EXPECT_EQ(KeyIdText(0x1f), "0000001f");
  EXPECT_EQ(ParseKeyId("4b1f9572").value(), kKey1Id);
  EXPECT_EQ(ParseKeyId("4B1F9572").value(), kKey1Id);
  EXPECT_EQ(ParseKeyId("1f").value(), 0x1fu);
  for (const char* bad : {"", "123456789", "0x12", "-1", " 12", "xyz"}) {
    EXPECT_EQ(ParseKeyId(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(KeyringTest, IsMovable) {
  absl::StatusOr<Keyring> ring = Keyring::Create("prod", {kKey1, kKey2});
  ASSERT_TRUE(ring.ok());
  const EVP_AEAD_CTX* aead = ring->primary_aead();
  Keyring moved = *std::move(ring);
  EXPECT_EQ(moved.primary_aead(), aead);  // contexts are not re-created
  EXPECT_EQ(moved.size(), 2u);
  Keyring assigned = *Keyring::Create("other", {kKey3});
  assigned = std::move(moved);
  EXPECT_EQ(assigned.primary_key_id(), kKey1Id);
  EXPECT_EQ(assigned.cluster_name(), "prod");
}

}  // namespace
}  // namespace swim
