// The admission check (swim/admission.h): a member the application refuses
// never enters the view, is counted, and is never passed on: the node
// sends exactly what a node that never heard of it sends.
#include "swim/admission.h"

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::Harness;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;

AdmissionCheck Refusing(absl::string_view name,
                        std::vector<std::string>* asked = nullptr) {
  return [name = std::string(name), asked](const Applicant& a) {
    if (asked != nullptr) asked->push_back(std::string(a.name));
    return a.name != name;
  };
}

bool Mentions(const std::vector<Sent>& sent, absl::string_view member) {
  for (const Sent& s : sent) {
    for (const Update& u : s.packet.updates) {
      bool found = false;
      std::visit([&](const auto& x) { found = x.member == member; }, u);
      if (found) return true;
    }
  }
  return false;
}

TEST(AdmissionTest, ARefusedMemberNeverEntersTheView) {
  Harness h;
  std::vector<std::string> asked;
  h.node().SetAdmissionCheck(Refusing("evil", &asked));
  h.Meet({"a", "evil", "b"});
  EXPECT_FALSE(h.node().members().Find("evil").has_value());
  EXPECT_EQ(h.StatusOf("a"), Status::kOnline);
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  EXPECT_EQ(h.node().counters().admissions_vetoed, 1u);
  EXPECT_EQ(asked, (std::vector<std::string>{"a", "evil", "b"}));
  for (const MemberEvent& e : h.Events()) EXPECT_NE(e.member, "evil");
  // Every announcement asks again and is counted again; its accusations
  // find nobody to accuse.
  Suspect suspect;
  suspect.member = "evil";
  suspect.accuser = "a";
  h.Deliver("evil", Gossip{}, {Harness::AliveOf("evil", 3), suspect});
  EXPECT_FALSE(h.node().members().Find("evil").has_value());
  EXPECT_EQ(h.node().counters().admissions_vetoed, 2u);
  EXPECT_TRUE(h.Events().empty());
}

TEST(AdmissionTest, TheCheckSeesTheAnnouncement) {
  Harness h;
  Applicant seen;
  Metadata seen_metadata;
  h.node().SetAdmissionCheck([&](const Applicant& a) {
    seen = a;
    if (a.metadata != nullptr) seen_metadata = *a.metadata;
    seen.name = {};  // views into the packet: not kept past the call
    seen.address = {};
    return true;
  });
  h.Deliver("a", Gossip{}, {Harness::AliveOf("a", 4, {{"role", "db"}})});
  EXPECT_EQ(seen.incarnation, 4u);
  EXPECT_EQ(seen_metadata, (Metadata{{"role", "db"}}));
  EXPECT_EQ(h.StatusOf("a"), Status::kOnline);
}

// Two nodes fed the same inputs, one of which also hears of a member its
// check refuses: they send the very same packets, so the refused member is
// in no gossip, state exchange or digest.
TEST(AdmissionTest, ARefusedMemberIsNeverPassedOn) {
  Harness vetoing;
  Harness plain;
  vetoing.node().SetAdmissionCheck(Refusing("evil"));
  vetoing.Meet({"a", "evil", "b", "c"});
  plain.Meet({"a", "b", "c"});
  ASSERT_EQ(vetoing.node().counters().admissions_vetoed, 1u);
  for (int step = 0; step < 600; ++step) {
    vetoing.Advance(absl::Milliseconds(100));
    plain.Advance(absl::Milliseconds(100));
    if (step % 50 == 0) {
      // Someone asks for our state, whole and by digest.
      Sync sync;
      sync.reply_wanted = true;
      SyncDigest digest;
      digest.buckets.assign(16, 0);
      digest.reply_wanted = true;
      for (Harness* h : {&vetoing, &plain}) {
        h->Deliver("b", sync);
        h->Deliver("c", digest);
      }
    }
    std::vector<Sent> from_vetoing = vetoing.Drain();
    std::vector<Sent> from_plain = plain.Drain();
    ASSERT_EQ(from_vetoing.size(), from_plain.size()) << "step " << step;
    for (size_t i = 0; i < from_vetoing.size(); ++i) {
      EXPECT_EQ(from_vetoing[i].to, from_plain[i].to);
      EXPECT_TRUE(from_vetoing[i].packet == from_plain[i].packet)
          << "step " << step;
    }
    EXPECT_FALSE(Mentions(from_vetoing, "evil"));
    for (const Sent& s : from_vetoing) EXPECT_NE(s.to, TestAddress("evil"));
    // Both clusters answer alike.
    for (const Sent& s : from_vetoing) {
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        vetoing.Deliver(ping->target, Ack{ping->seq});
        plain.Deliver(ping->target, Ack{ping->seq});
      }
    }
  }
  EXPECT_GT(vetoing.node().counters().syncs_sent, 0u);
  EXPECT_GT(vetoing.node().counters().digests_sent, 0u);
}

TEST(AdmissionTest, AMoveToARefusedAddressIsVetoed) {
  Harness h;
  h.Meet({"a", "b"});
  Offline offline;
  offline.member = "b";
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  h.node().SetAdmissionCheck(
      [](const Applicant& a) { return a.address != "10.6.6.6:7946"; });
  Alive moved = Harness::AliveOf("b", 1);
  moved.address = "10.6.6.6:7946";
  h.Deliver("a", Gossip{}, {moved});
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
  EXPECT_EQ(h.node().members().Find("b")->address, TestAddress("b"));
  EXPECT_EQ(h.node().counters().admissions_vetoed, 1u);
  EXPECT_EQ(h.node().counters().address_changes, 0u);
}

TEST(AdmissionTest, KnownMembersAreCheckedToo) {
  Harness h;
  h.node().SetAdmissionCheck(Refusing("evil"));
  ASSERT_TRUE(h.node()
                  .AddKnownMembers(h.now(), {Harness::AliveOf("a", 0),
                                             Harness::AliveOf("evil", 0)})
                  .ok());
  EXPECT_EQ(h.StatusOf("a"), Status::kOnline);
  EXPECT_FALSE(h.node().members().Find("evil").has_value());
  EXPECT_EQ(h.node().counters().admissions_vetoed, 1u);
}

TEST(AdmissionTest, AnEmptyCheckAdmitsEveryone) {
  Harness h;
  h.node().SetAdmissionCheck(Refusing("evil"));
  h.node().SetAdmissionCheck(nullptr);
  h.Meet({"a", "evil"});
  EXPECT_EQ(h.StatusOf("evil"), Status::kOnline);
  EXPECT_EQ(h.node().counters().admissions_vetoed, 0u);
}

}  // namespace
}  // namespace swim
