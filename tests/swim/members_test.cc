// The member table: lookup, views by status, id reuse and counts.
#include "swim/members.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace swim {
namespace {

std::vector<std::string> Names(const std::vector<MemberView>& views) {
  std::vector<std::string> names;
  names.reserve(views.size());
  for (const MemberView& v : views) names.emplace_back(v.name);
  return names;
}

TEST(MembersTest, LocalMemberAlwaysThere) {
  Members m("me", "me:1", 3);
  EXPECT_EQ(m.size(), 1u);
  MemberView local = m.local();
  EXPECT_EQ(local.name, "me");
  EXPECT_EQ(local.address, "me:1");
  EXPECT_EQ(local.incarnation, 3u);
  EXPECT_EQ(local.status, Status::kOnline);
  EXPECT_TRUE(local.is_local);
  EXPECT_TRUE(local.metadata->empty());
  EXPECT_TRUE(m.Others().empty());
  m.Forget(Members::kLocalId);  // refused
  EXPECT_EQ(m.size(), 1u);
}

TEST(MembersTest, FindViewsAndCounts) {
  Members m("me", "me:1", 0);
  const uint32_t c = m.Add("c", "c:1", Status::kOnline, 0);
  const uint32_t a = m.Add("a", "a:1", Status::kOnline, 2);
  const uint32_t b = m.Add("b", "b:1", Status::kOnline, 0);
  m.SetStatus(b, Status::kSuspect, OfflineReason::kNone);
  m.SetStatus(c, Status::kOffline, OfflineReason::kLeft);
  EXPECT_EQ(m.Find("a")->incarnation, 2u);
  EXPECT_FALSE(m.Find("zz").has_value());
  EXPECT_EQ(m.Find("c")->offline_reason, OfflineReason::kLeft);
  EXPECT_EQ(Names(m.Others()), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Names(m.WithStatus(Status::kAvailable)),
            (std::vector<std::string>{"a", "b", "me"}));
  EXPECT_EQ(Names(m.WithStatus(Status::kUnavailable)),
            (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(m.Count(Status::kAll), 4u);
  EXPECT_EQ(m.Count(Status::kOnline), 2u);
  EXPECT_EQ(m.Count(Status::kAvailable), 3u);
  m.SetAddress(a, "a-moved:2");
  EXPECT_EQ(m.Find("a")->address, "a-moved:2");
  EXPECT_EQ(m.IdOf("a"), a);
  // A status other than offline carries no reason.
  m.SetStatus(c, Status::kOnline, OfflineReason::kLeft);
  EXPECT_EQ(m.Find("c")->offline_reason, OfflineReason::kNone);
}

TEST(MembersTest, HiddenSuspectsCountOnlineShownAndSuspectHeld) {
  Members m("me", "me:1", 0);
  const uint32_t a = m.Add("a", "a:1", Status::kOnline, 0);
  const uint32_t b = m.Add("b", "b:1", Status::kOnline, 0);
  m.SetStatus(a, Status::kSuspect, OfflineReason::kNone);
  m.SetStatus(b, Status::kSuspect, OfflineReason::kNone);
  m.SetSuspectHidden(a, true);
  m.SetSuspectHidden(b, true);
  EXPECT_EQ(m.Count(Status::kOnline), 3u);
  EXPECT_EQ(m.Count(Status::kSuspect), 0u);
  EXPECT_EQ(m.CountHeld(Status::kOnline), 1u);
  EXPECT_EQ(m.CountHeld(Status::kSuspect), 2u);
  EXPECT_EQ(m.CountHeld(Status::kAvailable), 3u);
  // Shown once confirmed; leaving SUSPECT and being forgotten unhide.
  m.SetSuspectHidden(a, false);
  EXPECT_EQ(m.Count(Status::kSuspect), 1u);
  EXPECT_EQ(m.CountHeld(Status::kSuspect), 2u);
  m.SetStatus(a, Status::kOffline, OfflineReason::kFailed);
  m.Forget(b);
  EXPECT_EQ(m.CountHeld(Status::kOnline), 1u);
  EXPECT_EQ(m.CountHeld(Status::kSuspect), 0u);
  EXPECT_EQ(m.CountHeld(Status::kAll), m.Count(Status::kAll));
}

TEST(MembersTest, ForgottenIdsAreReusedAndTheIndexStaysRight) {
  Members m("me", "me:1", 0);
  for (int i = 0; i < 5000; ++i) {
    m.Add(absl::StrCat("member-", i),
          absl::StrCat("10.0.", i / 250, ".", i % 250, ":7946"),
          Status::kOnline, static_cast<uint64_t>(i));
  }
  for (int i = 0; i < 5000; i += 2) {
    m.Forget(*m.IdOf(absl::StrCat("member-", i)));
  }
  EXPECT_EQ(m.size(), 2501u);
  for (int i = 0; i < 5000; i += 2) {
    m.Add(absl::StrCat("again-", i), "x:1", Status::kOnline, 0);
  }
  EXPECT_EQ(m.size(), 5001u);
  EXPECT_EQ(m.id_bound(), 5001u);  // every freed id reused
  for (int i = 0; i < 5000; ++i) {
    const std::string name = absl::StrCat(i % 2 == 0 ? "again-" : "member-", i);
    std::optional<MemberView> v = m.Find(name);
    ASSERT_TRUE(v.has_value()) << name;
    EXPECT_EQ(v->name, name);
    EXPECT_FALSE(
        m.Find(absl::StrCat(i % 2 == 0 ? "member-" : "again-", i)).has_value());
  }
}

TEST(MembersTest, MetadataLivesOutOfLine) {
  Members m("me", "me:1", 0);
  const uint32_t a = m.Add("a", "a:1", Status::kOnline, 0);
  EXPECT_EQ(m.MetadataOf(a), nullptr);
  Members::MetadataEntry entry;
  entry.version = 4;
  entry.map = {{"k", "v"}};
  entry.encoded = "...";
  m.SetMetadata(a, entry);
  EXPECT_EQ(m.Find("a")->metadata->at("k"), "v");
  EXPECT_EQ(m.Find("a")->metadata_version, 4u);
  m.Forget(a);
  const uint32_t b = m.Add("b", "b:1", Status::kOnline, 0);
  EXPECT_EQ(b, a);
  EXPECT_TRUE(m.Find("b")->metadata->empty());  // not inherited
  EXPECT_EQ(sizeof(Members::Record), 64u);
}

TEST(MembersTest, LongNamesAndAddressesLiveOutOfLine) {
  Members m("me", "me:1", 0);
  const std::string long_name(200, 'n');
  const std::string long_address = std::string(40, 'h') + ":7946";
  const uint32_t a = m.Add(long_name, "a:1", Status::kOnline, 0);
  const uint32_t b = m.Add("b", "b:1", Status::kOnline, 0);
  EXPECT_EQ(m.NameOf(a), long_name);
  EXPECT_EQ(m.AddressOf(a), "a:1");
  EXPECT_NE(m.record(a).long_strings, nullptr);
  EXPECT_EQ(m.record(b).long_strings, nullptr);
  // Moving between inline and out of line keeps the name found.
  m.SetAddress(b, long_address);
  EXPECT_EQ(m.Find("b")->address, long_address);
  m.SetAddress(b, "b:2");
  EXPECT_EQ(m.Find("b")->address, "b:2");
  EXPECT_EQ(m.record(b).long_strings, nullptr);
  EXPECT_EQ(m.IdOf(long_name), a);
  m.Forget(a);
  EXPECT_FALSE(m.InUse(a));
  EXPECT_FALSE(m.IdOf(long_name).has_value());
}

}  // namespace
}  // namespace swim
