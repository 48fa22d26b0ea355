// The protocol's pure rules: precedence, the incarnation bound, suspicion
// arithmetic, local health, the broadcast queue's order and integer
// logarithms.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/broadcast_queue.h"
#include "swim/fixed_log.h"
#include "swim/health.h"
#include "swim/incarnation_bound.h"
#include "swim/precedence.h"
#include "swim/status.h"
#include "swim/suspicion.h"

namespace swim {
namespace {

// ---- Precedence, exhaustively. ----

enum class Known { kOnline, kSuspect, kFailed, kLeft };

// The expected outcome, spelled out case by case from the SWIM paper's
// rules (and the text), independently of precedence.cc.
bool Expected(UpdateKind kind, Known known, int relation /* -1, 0, +1 */) {
  const bool gt = relation > 0;
  const bool ge = relation >= 0;
  switch (kind) {
    case UpdateKind::kAlive:
      return gt;  // beats everything, only with a higher incarnation
    case UpdateKind::kSuspect:
      switch (known) {
        case Known::kOnline:
          return ge;
        case Known::kSuspect:
          return gt;
        case Known::kFailed:
        case Known::kLeft:
          return false;
      }
      break;
    case UpdateKind::kOffline:
      return (known == Known::kOnline || known == Known::kSuspect) && ge;
    case UpdateKind::kLeft:
      return known != Known::kLeft && ge;
  }
  return false;
}

TEST(PrecedenceTest, Exhaustive) {
  const UpdateKind kinds[] = {UpdateKind::kAlive, UpdateKind::kSuspect,
                              UpdateKind::kOffline, UpdateKind::kLeft};
  const Known knowns[] = {Known::kOnline, Known::kSuspect, Known::kFailed,
                          Known::kLeft};
  int cases = 0;
  for (UpdateKind kind : kinds) {
    for (Known known : knowns) {
      Status status = Status::kOnline;
      OfflineReason reason = OfflineReason::kNone;
      if (known == Known::kSuspect) status = Status::kSuspect;
      if (known == Known::kFailed) {
        status = Status::kOffline;
        reason = OfflineReason::kFailed;
      }
      if (known == Known::kLeft) {
        status = Status::kOffline;
        reason = OfflineReason::kLeft;
      }
      for (uint64_t known_inc : {uint64_t{0}, uint64_t{5}, ~uint64_t{0} - 1}) {
        for (int relation : {-1, 0, 1}) {
          if (known_inc == 0 && relation < 0) continue;
          const uint64_t inc = known_inc + static_cast<uint64_t>(relation);
          EXPECT_EQ(Supersedes(kind, inc, status, reason, known_inc),
                    Expected(kind, known, relation))
              << "kind " << static_cast<int>(kind) << " known "
              << static_cast<int>(known) << " inc " << inc << " vs "
              << known_inc;
          ++cases;
        }
      }
    }
  }
  EXPECT_EQ(cases, 4 * 4 * 8);
}

// ---- The incarnation bound, exhaustively. ----

using U128 = unsigned __int128;

// The rule of swim/incarnation_bound.h spelled out again in 128-bit
// arithmetic, where nothing wraps.
bool ExpectedWithin(UpdateKind kind, U128 incarnation, U128 held) {
  const U128 top = (U128{1} << 64) - 1;
  const U128 ceiling = kind == UpdateKind::kAlive ? top - 1 : U128{1} << 63;
  return incarnation <= ceiling && incarnation <= held + (U128{1} << 44);
}

// Incarnations where the rule changes its mind, and their neighbours.
std::vector<uint64_t> Landmarks() {
  const uint64_t jump = kMaxIncarnationJump;
  std::vector<uint64_t> out;
  for (uint64_t base : {uint64_t{0}, uint64_t{5}, jump, 2 * jump,
                        kMaxAccusedIncarnation - jump, kMaxAccusedIncarnation,
                        kMaxAliveIncarnation - jump, kMaxAliveIncarnation}) {
    for (uint64_t delta : {uint64_t{0}, uint64_t{1}, uint64_t{2}}) {
      out.push_back(base + delta);
      if (base >= delta) out.push_back(base - delta);
    }
  }
  out.push_back(~uint64_t{0});
  return out;
}

TEST(IncarnationBoundTest, Exhaustive) {
  const std::vector<uint64_t> marks = Landmarks();
  int cases = 0;
  for (UpdateKind kind : {UpdateKind::kAlive, UpdateKind::kSuspect,
                          UpdateKind::kOffline, UpdateKind::kLeft}) {
    for (uint64_t held : marks) {
      // Every landmark, and every landmark's offset from `held`.
      std::vector<uint64_t> candidates = marks;
      for (uint64_t d : {uint64_t{1}, kMaxIncarnationJump - 1,
                         kMaxIncarnationJump, kMaxIncarnationJump + 1}) {
        if (held <= ~uint64_t{0} - d) candidates.push_back(held + d);
      }
      for (uint64_t inc : candidates) {
        EXPECT_EQ(WithinIncarnationBound(kind, inc, held),
                  ExpectedWithin(kind, inc, held))
            << "kind " << static_cast<int>(kind) << " inc " << inc << " held "
            << held;
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 4 * 40 * 40);
}

TEST(IncarnationBoundTest, NoSingleUpdateWrapsPinsOrEvicts) {
  const uint64_t top = ~uint64_t{0};
  for (uint64_t held : Landmarks()) {
    // The datagrams of issue #13: nothing at 2^64 - 1 is ever accepted.
    for (UpdateKind kind : {UpdateKind::kAlive, UpdateKind::kSuspect,
                            UpdateKind::kOffline, UpdateKind::kLeft}) {
      EXPECT_FALSE(WithinIncarnationBound(kind, top, held)) << held;
    }
    // Every accusation accepted against the local member's `held` can be
    // refuted: the refutation is above it and is itself accepted by a
    // receiver that took the accusation.
    for (uint64_t accused : Landmarks()) {
      if (!WithinIncarnationBound(UpdateKind::kSuspect, accused, held)) {
        continue;
      }
      if (accused < held) continue;  // stale: re-spread, not refuted
      const uint64_t refutation = NextIncarnation(held, accused);
      EXPECT_GT(refutation, accused) << held;
      EXPECT_TRUE(
          WithinIncarnationBound(UpdateKind::kAlive, refutation, accused))
          << held << " " << accused;
      EXPECT_TRUE(
          WithinMetadataBound(SaturatingIncrement(refutation), refutation));
    }
  }
}

TEST(IncarnationBoundTest, AlivesBeyondTheJumpAreTakenAtTheJump) {
  // Every Alive within the ceiling moves the record min(r - held, jump):
  // never further than one jump (what an insider gains), and always
  // toward r, so a member at r is reached from any record below it, one
  // jump per announcement (found by the cluster fuzzer: refused, a member
  // pushed a jump past a record stayed unknown there for good).
  int cases = 0;
  for (uint64_t held : Landmarks()) {
    for (uint64_t r : Landmarks()) {
      if (r > kMaxAliveIncarnation || r <= held) continue;
      const uint64_t taken = AliveIncarnationTaken(r, held);
      EXPECT_EQ(taken - held, std::min(r - held, kMaxIncarnationJump))
          << r << " " << held;
      EXPECT_TRUE(WithinIncarnationBound(UpdateKind::kAlive, taken, held));
      EXPECT_TRUE(WithinIncarnationBound(UpdateKind::kAlive, r, taken) ||
                  taken - held == kMaxIncarnationJump);
      ++cases;
    }
  }
  EXPECT_GT(cases, 200);
  EXPECT_EQ(AliveIncarnationTaken(5, 9), 5u);  // stale: as announced
  EXPECT_EQ(AliveIncarnationTaken(kMaxIncarnationJump + 1, 0),
            kMaxIncarnationJump);
}

TEST(IncarnationBoundTest, RestartsAtUnixTimeAreAccepted) {
  const uint64_t unix_seconds = 1'800'000'000;           // 2027
  const uint64_t unix_millis = 1'800'000'000'000;        // 2027
  const uint64_t unix_millis_2500 = 16'725'225'600'000;  // year 2500
  for (uint64_t start : {unix_seconds, unix_millis, unix_millis_2500}) {
    EXPECT_TRUE(WithinIncarnationBound(UpdateKind::kAlive, start, 0));
    EXPECT_TRUE(WithinIncarnationBound(UpdateKind::kSuspect, start, 0));
  }
  EXPECT_FALSE(
      WithinIncarnationBound(UpdateKind::kAlive, kMaxIncarnationJump + 1, 0));
}

TEST(IncarnationBoundTest, MetadataVersionsStayWithinIncarnationPlusOne) {
  EXPECT_TRUE(WithinMetadataBound(0, 0));
  EXPECT_TRUE(WithinMetadataBound(1, 0));
  EXPECT_FALSE(WithinMetadataBound(2, 0));
  EXPECT_TRUE(WithinMetadataBound(8, 7));
  EXPECT_FALSE(WithinMetadataBound(9, 7));
  EXPECT_FALSE(WithinMetadataBound(~uint64_t{0}, kMaxAliveIncarnation - 1));
  EXPECT_TRUE(WithinMetadataBound(~uint64_t{0}, kMaxAliveIncarnation));
}

TEST(IncarnationBoundTest, ArithmeticSaturates) {
  EXPECT_EQ(NextIncarnation(3, 7), 8u);
  EXPECT_EQ(NextIncarnation(9, 7), 10u);
  EXPECT_EQ(NextIncarnation(kMaxAliveIncarnation - 1, 0), kMaxAliveIncarnation);
  EXPECT_EQ(NextIncarnation(kMaxAliveIncarnation, 0), kMaxAliveIncarnation);
  EXPECT_EQ(NextIncarnation(0, ~uint64_t{0}), kMaxAliveIncarnation);
  EXPECT_EQ(SaturatingIncrement(41), 42u);
  EXPECT_EQ(SaturatingIncrement(~uint64_t{0}), ~uint64_t{0});
}

// ---- Integer logarithms. ----

TEST(FixedLogTest, Log2IsExactOnPowersOfTwoAndMonotonic) {
  for (int p = 0; p < 64; ++p) {
    EXPECT_EQ(Log2Fixed(uint64_t{1} << p), int64_t{p} << kLog2FractionBits);
  }
  int64_t previous = -1;
  for (uint64_t x = 1; x < 5000; ++x) {
    const int64_t now = Log2Fixed(x);
    EXPECT_GT(now, previous) << x;
    previous = now;
  }
  // log2(3) = 1.5849625 → 103872.3 in Q16.
  EXPECT_EQ(Log2Fixed(3), 103872);
}

TEST(FixedLogTest, DecimalDigitsIsCeilLog10OfNPlusOne) {
  EXPECT_EQ(DecimalDigits(0), 0);
  EXPECT_EQ(DecimalDigits(1), 1);
  EXPECT_EQ(DecimalDigits(9), 1);
  EXPECT_EQ(DecimalDigits(10), 2);
  EXPECT_EQ(DecimalDigits(99), 2);
  EXPECT_EQ(DecimalDigits(100), 3);
  EXPECT_EQ(DecimalDigits(1000), 4);
}

// ---- Suspicion timeouts. ----

TEST(SuspicionTest, TimeoutsFollowLifeguardWithAFixedMinimum) {
  // min = 8 × 1 s, max = 6 × min, k = 2; N does not scale the minimum.
  SuspicionTimeouts t =
      ComputeSuspicionTimeouts(8, 6, 2, 100, absl::Seconds(1));
  EXPECT_EQ(t.min, absl::Seconds(8));
  EXPECT_EQ(t.max, absl::Seconds(48));
  EXPECT_EQ(t.confirmations_wanted, 2);
  EXPECT_EQ(SuspicionTimeout(t, 0), absl::Seconds(48));
  // 48 - 40 × log(2)/log(3) = 48 - 40 × 0.630 = 22.8 s.
  EXPECT_EQ(SuspicionTimeout(t, 1), absl::Milliseconds(22800));
  EXPECT_EQ(SuspicionTimeout(t, 2), absl::Seconds(8));
  EXPECT_EQ(SuspicionTimeout(t, 5), absl::Seconds(8));
  EXPECT_EQ(ComputeSuspicionTimeouts(8, 6, 2, 100000, absl::Seconds(1)).min,
            absl::Seconds(8));

  // Small clusters: k = 0 below N = 4 (not enough members to confirm).
  t = ComputeSuspicionTimeouts(4, 6, 2, 3, absl::Seconds(1));
  EXPECT_EQ(t.min, absl::Seconds(4));
  EXPECT_EQ(t.confirmations_wanted, 0);
  EXPECT_EQ(SuspicionTimeout(t, 0), absl::Seconds(4));

  // The LAN profile: 2 intervals, 9×, k = 2 at N = 1000.
  t = ComputeSuspicionTimeouts(2, 9, 2, 1000, absl::Seconds(1));
  EXPECT_EQ(t.min, absl::Seconds(2));
  EXPECT_EQ(t.max, absl::Seconds(18));
  // A 200 ms interval, 15 intervals, 6×, k = 3:
  // 18 - 15 × log 2 / log 4 = 10.5 s exactly.
  t = ComputeSuspicionTimeouts(15, 6, 3, 1000, absl::Milliseconds(200));
  EXPECT_EQ(t.min, absl::Seconds(3));
  EXPECT_EQ(t.max, absl::Seconds(18));
  EXPECT_EQ(t.confirmations_wanted, 3);
  EXPECT_EQ(SuspicionTimeout(t, 1), absl::Milliseconds(10500));
}

TEST(SuspicionTest, OnlyIndependentConfirmationsShortenIt) {
  const absl::Time start = absl::UnixEpoch();
  Suspicion s(start, ComputeSuspicionTimeouts(8, 6, 2, 100, absl::Seconds(1)),
              "a");
  EXPECT_EQ(s.deadline(), start + absl::Seconds(48));
  EXPECT_FALSE(s.Confirm("a"));  // the first accuser does not count twice
  EXPECT_TRUE(s.Confirm("b"));
  EXPECT_EQ(s.deadline(), start + absl::Milliseconds(22800));
  EXPECT_EQ(s.latest_accuser(), "b");
  EXPECT_FALSE(s.Confirm("b"));
  EXPECT_TRUE(s.Confirm("c"));
  EXPECT_EQ(s.deadline(), start + absl::Seconds(8));
  EXPECT_FALSE(s.Confirm("d"));  // k reached
  EXPECT_EQ(s.confirmations(), 2);
}

// ---- Local health. ----

TEST(LocalHealthTest, RisesFallsClampsAndScales) {
  LocalHealth health(8);
  EXPECT_EQ(health.score(), 0);
  health.Apply(-1);
  EXPECT_EQ(health.score(), 0);
  health.Apply(+3);
  EXPECT_EQ(health.score(), 3);
  EXPECT_EQ(health.Scale(absl::Milliseconds(500)), absl::Seconds(2));
  health.Apply(+100);
  EXPECT_EQ(health.score(), 7);
  EXPECT_EQ(health.Scale(absl::Seconds(1)), absl::Seconds(8));
  health.Apply(-1);
  EXPECT_EQ(health.score(), 6);
}

// ---- The broadcast queue. ----

TEST(BroadcastQueueTest, FewestSentFirstThenNewest) {
  BroadcastQueue q;
  q.Enqueue(1);
  q.Enqueue(2);
  q.Enqueue(3);
  EXPECT_EQ(q.InSendOrder(10), (std::vector<uint32_t>{3, 2, 1}));
  q.MarkSent(3, 5);
  q.MarkSent(2, 5);
  EXPECT_EQ(q.InSendOrder(10), (std::vector<uint32_t>{1, 3, 2}));
  // A newer update about a member replaces the older entry, unsent.
  q.Enqueue(3);
  EXPECT_EQ(q.InSendOrder(10), (std::vector<uint32_t>{3, 1, 2}));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.TransmitsOf(3), 0);
}

TEST(BroadcastQueueTest, DropsAnEntryAfterItsLimit) {
  BroadcastQueue q;
  q.Enqueue(7);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(q.Contains(7));
    q.MarkSent(7, 3);
  }
  EXPECT_FALSE(q.Contains(7));
  EXPECT_TRUE(q.empty());
  q.MarkSent(7, 3);  // harmless
  q.Remove(7);
}

TEST(BroadcastQueueTest, BacklogGoesRoundTwiceInOrder) {
  BroadcastQueue q;
  q.AddToBacklog(4);
  q.AddToBacklog(5);
  EXPECT_EQ(q.size(), 2u);
  std::vector<uint32_t> sent;
  while (std::optional<uint32_t> id = q.BacklogFront()) {
    sent.push_back(*id);
    q.PopBacklog(/*sent=*/*id != 5 || sent.size() > 2);
  }
  // 5 was not sent the first time it came up (no room), so it is dropped
  // rather than retried forever; 4 went round twice.
  EXPECT_EQ(sent, (std::vector<uint32_t>{4, 5, 4}));
  EXPECT_TRUE(q.empty());
}

TEST(StatusTest, FlagsAndAggregates) {
  EXPECT_TRUE(Matches(Status::kOnline, Status::kAvailable));
  EXPECT_TRUE(Matches(Status::kSuspect, Status::kAvailable));
  EXPECT_FALSE(Matches(Status::kOffline, Status::kAvailable));
  EXPECT_TRUE(Matches(Status::kOffline, Status::kUnavailable));
  EXPECT_TRUE(Matches(Status::kSuspect, Status::kUnavailable));
  EXPECT_FALSE(Matches(Status::kOnline, Status::kUnavailable));
  for (Status s : {Status::kOnline, Status::kOffline, Status::kSuspect}) {
    EXPECT_TRUE(Matches(s, Status::kAll));
  }
  EXPECT_EQ(static_cast<int>(Status::kOnline), 1);
  EXPECT_EQ(static_cast<int>(Status::kOffline), 2);
  EXPECT_EQ(static_cast<int>(Status::kSuspect), 4);
  EXPECT_EQ(StatusName(Status::kAvailable), "available");
  EXPECT_EQ(OfflineReasonName(OfflineReason::kLeft), "left");
}

}  // namespace
}  // namespace swim
