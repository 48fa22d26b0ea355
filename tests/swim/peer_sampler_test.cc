// PeerSampler: distinct members of the asked status, never the local one
// or the excluded one, reproducible from the PRNG's seed.
#include "swim/peer_sampler.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "swim/members.h"
#include "swim/prng.h"
#include "swim/status.h"

namespace swim {
namespace {

// A table of `count` other members; every third one SUSPECT.
void AddMembers(Members& members, int count) {
  for (int i = 1; i <= count; ++i) {
    const std::string name = absl::StrCat("m", i);
    members.Add(name, absl::StrCat("127.0.0.1:", 1000 + i),
                i % 3 == 0 ? Status::kSuspect : Status::kOnline, 0);
  }
}

void ExpectValidSample(const Members& members, const std::vector<uint32_t>& ids,
                       size_t count, Status query,
                       std::optional<uint32_t> exclude) {
  EXPECT_LE(ids.size(), count);
  EXPECT_EQ(std::set<uint32_t>(ids.begin(), ids.end()).size(), ids.size())
      << "a member drawn twice";
  for (uint32_t id : ids) {
    EXPECT_NE(id, Members::kLocalId);
    if (exclude.has_value()) {
      EXPECT_NE(id, *exclude);
    }
    EXPECT_TRUE(members.InUse(id));
    EXPECT_TRUE(Matches(members.record(id).status, query));
  }
}

TEST(PeerSamplerTest, DrawsDistinctMatchingMembersInSmallAndLargeTables) {
  for (int size : {5, 40, 500}) {
    Members members("local", "127.0.0.1:999", 0);
    AddMembers(members, size);
    Prng rng(7);
    PeerSampler sampler(members, rng);
    const uint32_t excluded = 2;
    for (int round = 0; round < 50; ++round) {
      for (size_t count : {size_t{1}, size_t{3}, size_t{10}}) {
        const std::vector<uint32_t> online =
            sampler.Draw(count, Status::kOnline, excluded);
        ExpectValidSample(members, online, count, Status::kOnline, excluded);
        // Enough online members exist for every count asked here.
        EXPECT_EQ(online.size(), std::min<size_t>(count, size - size / 3 - 1))
            << "size " << size;
        ExpectValidSample(members,
                          sampler.Draw(count, Status::kSuspect, std::nullopt),
                          count, Status::kSuspect, std::nullopt);
      }
    }
  }
}

TEST(PeerSamplerTest, TooFewCandidatesGivesAllOfThem) {
  Members members("local", "127.0.0.1:999", 0);
  AddMembers(members, 100);  // 33 suspects among 100 ids: sampling falls back
  Prng rng(3);
  PeerSampler sampler(members, rng);
  const std::vector<uint32_t> suspects =
      sampler.Draw(1000, Status::kSuspect, std::nullopt);
  EXPECT_EQ(suspects.size(), 33u);
  ExpectValidSample(members, suspects, 1000, Status::kSuspect, std::nullopt);
  EXPECT_TRUE(sampler.Draw(0, Status::kOnline, std::nullopt).empty());
}

TEST(PeerSamplerTest, SameSeedSameDraws) {
  Members members("local", "127.0.0.1:999", 0);
  AddMembers(members, 200);
  Prng rng_a(11);
  Prng rng_b(11);
  PeerSampler a(members, rng_a);
  PeerSampler b(members, rng_b);
  for (int round = 0; round < 20; ++round) {
    EXPECT_EQ(a.Draw(4, Status::kAvailable, std::nullopt),
              b.Draw(4, Status::kAvailable, std::nullopt));
  }
}

}  // namespace
}  // namespace swim
