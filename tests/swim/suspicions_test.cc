// Suspicions: confirmations, verification, declaration at the deadline.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::AnswerAllBut;
using ::swim::testing::Harness;
using ::swim::testing::kStart;
using ::swim::testing::RunWhileStatus;
using ::swim::testing::SuspicionTestConfig;

TEST(NodeTest, HeardSuspicionTimesOutSoonerWithConfirmationsThenIsVerified) {
  Harness h(SuspicionTestConfig());
  std::vector<std::string> names;
  names.reserve(9);
  for (int i = 0; i < 9; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  Suspect suspect;
  suspect.member = "m5";
  suspect.incarnation = 0;
  suspect.accuser = "m1";
  h.Deliver("m1", Gossip{}, {suspect});
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  const absl::Time suspected = h.now();
  suspect.accuser = "m2";
  h.Deliver("m2", Gossip{}, {suspect});
  h.Deliver("m2", Gossip{}, {suspect});  // not independent
  EXPECT_EQ(h.node().counters().suspicion_confirmations, 1u);
  // 24 - 20 × log 2 / log 3 = 11.38 s. Until then m5 answers our pings
  // but does not refute.
  while (h.now() < suspected + absl::Seconds(11)) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  EXPECT_EQ(h.node().counters().suspicions_verified, 0u);
  // Expired: having no evidence of its own, the node waits an interval
  // (for the accusers' OFFLINE), then probes m5 rather than condemn it on
  // others' word.
  h.AdvanceTo(suspected + absl::Milliseconds(11400));
  EXPECT_EQ(h.node().counters().suspicions_verified, 0u);
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  AnswerAllBut(h, "");
  h.AdvanceTo(suspected + absl::Milliseconds(12400));
  EXPECT_EQ(h.node().counters().suspicions_verified, 1u);
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  // m5 answers again: not condemned; it is looked at again a minimum
  // timeout (4 s) later.
  for (int i = 0; i < 20; ++i) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  // Now m5 is dead: by the postponed deadline our own probes have found
  // it so (or the next verification does), and it is condemned.
  const absl::Duration took =
      RunWhileStatus(h, "m5", Status::kSuspect, "m5", absl::Seconds(30));
  EXPECT_EQ(h.StatusOf("m5"), Status::kOffline);
  // At worst: the rest of the postponement (4 s), a wait for a probe slot
  // and the probe (an interval each).
  EXPECT_LE(took, absl::Seconds(6));
  EXPECT_EQ(h.node().members().Find("m5")->offline_reason,
            OfflineReason::kFailed);
  EXPECT_EQ(h.node().counters().members_declared_offline, 1u);
}

TEST(NodeTest, AVerificationCondemnsOnlyAfterTwoFailedProbesInARow) {
  Harness h(SuspicionTestConfig());
  std::vector<std::string> names;
  names.reserve(9);
  for (int i = 0; i < 9; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  h.Deliver("m1", Gossip{}, {Suspect{"m5", 0, "m1"}});
  // m5 answers (without refuting) until the node starts verifying it.
  while (h.node().counters().suspicions_verified == 0 &&
         h.now() < kStart + absl::Minutes(1)) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
  ASSERT_EQ(h.node().counters().suspicions_verified, 1u);
  // Then it is silent; relays nack. The first failed probe is not enough.
  int failed_probes = 0;
  while (h.StatusOf("m5") == Status::kSuspect &&
         h.now() < kStart + absl::Minutes(2)) {
    const uint64_t before = h.node().counters().probes_failed;
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "m5");
    if (h.node().counters().probes_failed > before) ++failed_probes;
  }
  EXPECT_EQ(h.StatusOf("m5"), Status::kOffline);
  EXPECT_EQ(failed_probes, 2);
}

TEST(NodeTest, AnAccuserDeclaresOfflineAtTheDeadlineWithoutVerifying) {
  Harness h(SuspicionTestConfig());
  std::vector<std::string> names;
  names.reserve(9);
  for (int i = 0; i < 9; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  h.Drain();
  // m5 is dead; our own probe finds it (relays nack).
  absl::Time suspected;
  while (h.StatusOf("m5") == Status::kOnline) {
    suspected = h.now();  // nacks answered now are judged at once
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "m5");
  }
  ASSERT_EQ(h.StatusOf("m5"), Status::kSuspect);
  EXPECT_EQ(h.node().counters().suspicions_raised, 1u);
  // Nobody confirms: the maximum timeout, 24 s.
  while (h.now() < suspected + absl::Milliseconds(23900)) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "m5");
  }
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  h.Advance(absl::Milliseconds(200));
  EXPECT_EQ(h.StatusOf("m5"), Status::kOffline);
  EXPECT_EQ(h.node().counters().suspicions_verified, 0u);
  EXPECT_EQ(h.node().counters().members_declared_offline, 1u);
}

}  // namespace
}  // namespace swim
