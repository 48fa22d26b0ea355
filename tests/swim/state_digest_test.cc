#include "swim/state_digest.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "swim/members.h"
#include "swim/status.h"

namespace swim {
namespace {

// Every node must compute the same hashes, so they are pinned to values
// computed by an independent implementation of wire_format.md's recipe.
TEST(StateDigestTest, HashesAreStable) {
  EXPECT_EQ(StableHash(""), 0xf52a15e9a9b5e89bULL);
  EXPECT_EQ(StableHash("node-a"), 0x82995e46723a0e5fULL);
  EXPECT_EQ(DigestBucketOf("node-a", 16), 15u);
  EXPECT_EQ(
      MemberStateHash("node-a", 3, Status::kOnline, OfflineReason::kNone, 2),
      0xbada6cc72b85d3a2ULL);
  EXPECT_EQ(
      MemberStateHash("node-a", 3, Status::kOffline, OfflineReason::kLeft, 2),
      0x3524ee89669c567cULL);
}

TEST(StateDigestTest, EveryFieldOfTheStateCounts) {
  const uint64_t base =
      MemberStateHash("m", 1, Status::kOnline, OfflineReason::kNone, 1);
  EXPECT_NE(base,
            MemberStateHash("n", 1, Status::kOnline, OfflineReason::kNone, 1));
  EXPECT_NE(base,
            MemberStateHash("m", 2, Status::kOnline, OfflineReason::kNone, 1));
  EXPECT_NE(base,
            MemberStateHash("m", 1, Status::kSuspect, OfflineReason::kNone, 1));
  EXPECT_NE(
      MemberStateHash("m", 1, Status::kOffline, OfflineReason::kFailed, 1),
      MemberStateHash("m", 1, Status::kOffline, OfflineReason::kLeft, 1));
  EXPECT_NE(base,
            MemberStateHash("m", 1, Status::kOnline, OfflineReason::kNone, 2));
}

TEST(StateDigestTest, NamesSpreadOverBuckets) {
  std::vector<int> counts(16, 0);
  for (int i = 0; i < 1600; ++i) {
    ++counts[DigestBucketOf(
        absl::StrCat("10.0.", i / 256, ".", i % 256, ":7946"), 16)];
  }
  for (int count : counts) {
    EXPECT_GT(count, 50);
    EXPECT_LT(count, 150);
  }
}

TEST(StateDigestTest, SameViewsSameDigestsAndADifferenceStaysInItsBucket) {
  Members a("node-a", "a:1", 1);
  Members b("node-b", "b:1", 1);
  a.Add("node-b", "b:1", Status::kOnline, 1);
  b.Add("node-a", "a:1", Status::kOnline, 1);
  for (int i = 0; i < 40; ++i) {
    const std::string name = absl::StrCat("member-", i);
    a.Add(name, name, Status::kOnline, static_cast<uint64_t>(i));
    b.Add(name, name, Status::kOnline, static_cast<uint64_t>(i));
  }
  EXPECT_EQ(ComputeDigest(a, 16), ComputeDigest(b, 16));
  EXPECT_EQ(ComputeDigest(a, 1), ComputeDigest(b, 1));

  b.mutable_record(*b.IdOf("member-7")).incarnation = 8;
  const std::vector<uint64_t> da = ComputeDigest(a, 16);
  const std::vector<uint64_t> db = ComputeDigest(b, 16);
  for (size_t bucket = 0; bucket < 16; ++bucket) {
    EXPECT_EQ(da[bucket] != db[bucket],
              bucket == DigestBucketOf("member-7", 16))
        << bucket;
  }
}

}  // namespace
}  // namespace swim
