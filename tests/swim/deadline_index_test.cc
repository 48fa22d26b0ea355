// DeadlineIndex: keys found by key and in deadline order, kept in step.
#include "swim/deadline_index.h"

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace swim {
namespace {

using ::testing::ElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1000);

TEST(DeadlineIndexTest, EmptyHasNoDeadline) {
  DeadlineIndex<uint32_t> index;
  EXPECT_TRUE(index.empty());
  EXPECT_EQ(index.Earliest(), std::nullopt);
  EXPECT_EQ(index.First(), std::nullopt);
  EXPECT_TRUE(index.Due(kT0).empty());
  EXPECT_FALSE(index.Erase(7));
}

TEST(DeadlineIndexTest, DueIsEarliestFirstWithTiesByKey) {
  DeadlineIndex<uint32_t> index;
  index.Set(5, kT0 + absl::Seconds(2));
  index.Set(9, kT0 + absl::Seconds(1));
  index.Set(3, kT0 + absl::Seconds(2));
  index.Set(1, kT0 + absl::Seconds(3));
  EXPECT_EQ(index.Earliest(), kT0 + absl::Seconds(1));
  EXPECT_EQ(index.First(), 9u);
  EXPECT_THAT(index.Due(kT0 + absl::Seconds(2)), ElementsAre(9u, 3u, 5u));
  EXPECT_TRUE(index.Due(kT0).empty());
}

TEST(DeadlineIndexTest, SetMovesADeadlineWithoutLeavingTheOldOne) {
  DeadlineIndex<uint32_t> index;
  index.Set(4, kT0 + absl::Seconds(1));
  index.Set(4, kT0 + absl::Seconds(10));
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.DeadlineOf(4), kT0 + absl::Seconds(10));
  EXPECT_TRUE(index.Due(kT0 + absl::Seconds(5)).empty());
  EXPECT_THAT(index.Due(kT0 + absl::Seconds(10)), ElementsAre(4u));
}

TEST(DeadlineIndexTest, EraseRemovesBothViews) {
  DeadlineIndex<uint32_t> index;
  index.Set(2, kT0);
  index.Set(8, kT0 + absl::Seconds(1));
  EXPECT_TRUE(index.Erase(2));
  EXPECT_FALSE(index.Contains(2));
  EXPECT_EQ(index.DeadlineOf(2), std::nullopt);
  EXPECT_EQ(index.First(), 8u);
  EXPECT_THAT(index.Due(kT0 + absl::Hours(1)), ElementsAre(8u));
  index.Clear();
  EXPECT_TRUE(index.empty());
  EXPECT_EQ(index.Earliest(), std::nullopt);
}

TEST(DeadlineIndexTest, ByKeyIteratesInKeyOrder) {
  DeadlineIndex<uint32_t> index;
  index.Set(30, kT0);
  index.Set(10, kT0 + absl::Seconds(5));
  index.Set(20, kT0 - absl::Seconds(5));
  std::vector<uint32_t> keys;
  for (const auto& [key, deadline] : index.by_key()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre(10u, 20u, 30u));
}

}  // namespace
}  // namespace swim
