// A suspicion is shown (members(), counts, events) only once confirmed:
// a lone accusation reads ONLINE until a second, independent accuser
// agrees; events and members() always agree.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/member_event.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::AnswerAllBut;
using ::swim::testing::Harness;
using ::swim::testing::SuspicionTestConfig;

Config ShownOnceConfirmed() {
  Config config = SuspicionTestConfig();
  config.suspicion_shown_confirmations = 1;  // the default
  return config;
}

// A node that met m0..m8, and the view its events build.
class SuspectShownTest : public ::testing::Test {
 protected:
  SuspectShownTest() : h_(ShownOnceConfirmed()) {
    std::vector<std::string> names;
    names.reserve(9);
    for (int i = 0; i < 9; ++i) names.push_back(absl::StrCat("m", i));
    h_.Meet(names);
    TakeEvents();
  }
  void TakeEvents() {
    for (const MemberEvent& e : h_.Events()) {
      if (e.kind != MemberEvent::Kind::kChange) continue;
      ++changes_[e.member];
      EXPECT_EQ(view_.count(e.member) == 0 ? Status::kUnknown : view_[e.member],
                e.previous)
          << e.member;
      view_[e.member] = e.current;
    }
    // Events and members() agree, member by member.
    for (const MemberView& m : h_.node().members().Others()) {
      EXPECT_EQ(view_[std::string(m.name)], m.status) << m.name;
    }
  }
  Harness h_;
  std::map<std::string, Status> view_;
  std::map<std::string, int> changes_;
};

TEST_F(SuspectShownTest, ALoneAccusationIsHiddenUntilASecondAccuserAgrees) {
  h_.Deliver("m1", Gossip{}, {Suspect{"m5", 0, "m1"}});
  TakeEvents();
  EXPECT_EQ(h_.StatusOf("m5"), Status::kOnline);
  EXPECT_EQ(h_.node().members().Count(Status::kSuspect), 0u);
  EXPECT_EQ(changes_["m5"], 1);  // only its arrival
  // The protocol still holds it suspect: it gossips the accusation on.
  EXPECT_GT(h_.node().pending_gossip(), 0u);
  h_.Deliver("m1", Gossip{}, {Suspect{"m5", 0, "m1"}});  // not independent
  TakeEvents();
  EXPECT_EQ(h_.StatusOf("m5"), Status::kOnline);
  h_.Deliver("m2", Gossip{}, {Suspect{"m5", 0, "m2"}});
  TakeEvents();
  EXPECT_EQ(h_.StatusOf("m5"), Status::kSuspect);
  EXPECT_EQ(h_.node().members().Count(Status::kSuspect), 1u);
  EXPECT_EQ(changes_["m5"], 2);
}

TEST_F(SuspectShownTest, ARefutedLoneAccusationIsNeverSeen) {
  h_.Deliver("m1", Gossip{}, {Suspect{"m5", 0, "m1"}});
  Alive alive;
  alive.member = "m5";
  alive.address = "m5:7946";
  alive.incarnation = 1;
  h_.Deliver("m5", Gossip{}, {alive});
  TakeEvents();
  EXPECT_EQ(h_.StatusOf("m5"), Status::kOnline);
  EXPECT_EQ(changes_["m5"], 1);
  EXPECT_EQ(h_.node().members().Find("m5")->incarnation, 1u);
}

TEST_F(SuspectShownTest,
       AnUnconfirmedSuspicionThatRunsOutGoesFromOnlineToOffline) {
  // m5 is dead; only our own probes find it, nobody else agrees.
  while (h_.StatusOf("m5") != Status::kOffline &&
         h_.now() < ::swim::testing::kStart + absl::Minutes(2)) {
    h_.Advance(absl::Milliseconds(100));
    AnswerAllBut(h_, "m5");
    TakeEvents();
    if (h_.node().counters().suspicion_confirmations == 0) {
      EXPECT_NE(h_.StatusOf("m5"), Status::kSuspect);
    }
  }
  EXPECT_EQ(h_.StatusOf("m5"), Status::kOffline);
  EXPECT_GE(h_.node().counters().suspicions_raised, 1u);
  // ONLINE (arrival), then OFFLINE: no SUSPECT in between.
  EXPECT_EQ(changes_["m5"], 2);
}

TEST_F(SuspectShownTest, OurOwnFailedProbeConfirmsAnotherAccuser) {
  h_.Deliver("m1", Gossip{}, {Suspect{"m5", 0, "m1"}});
  TakeEvents();
  ASSERT_EQ(h_.StatusOf("m5"), Status::kOnline);
  // m5 is dead and the relays nack: once the node's own probe of m5
  // fails, that is the second, independent accusation.
  while (h_.StatusOf("m5") == Status::kOnline &&
         h_.now() < ::swim::testing::kStart + absl::Seconds(30)) {
    const uint64_t failed = h_.node().counters().probes_failed;
    h_.Advance(absl::Milliseconds(100));
    AnswerAllBut(h_, "m5");
    TakeEvents();
    if (h_.StatusOf("m5") == Status::kSuspect) {
      EXPECT_GT(h_.node().counters().probes_failed, failed);
    }
  }
  EXPECT_EQ(h_.StatusOf("m5"), Status::kSuspect);
  EXPECT_EQ(h_.node().counters().suspicions_raised, 0u);
}

TEST(SuspectShownConfigTest, ZeroShowsEverySuspicionAtOnce) {
  Config config = SuspicionTestConfig();
  config.suspicion_shown_confirmations = 0;
  Harness h(config);
  std::vector<std::string> names;
  names.reserve(9);
  for (int i = 0; i < 9; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  h.Deliver("m1", Gossip{}, {Suspect{"m5", 0, "m1"}});
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
}

TEST(SuspectShownConfigTest, WithNobodyToConfirmASuspicionIsShownAtOnce) {
  // Three members: k = 0 (N - 2 < k), so no confirmation can come.
  Harness h(ShownOnceConfirmed());
  h.Meet({"m0", "m1"});
  h.Deliver("m0", Gossip{}, {Suspect{"m1", 0, "m0"}});
  EXPECT_EQ(h.StatusOf("m1"), Status::kSuspect);
}

}  // namespace
}  // namespace swim
