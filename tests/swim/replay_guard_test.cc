// Request stamps and the replay guard; the address validation table.
#include "swim/replay_guard.h"

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/address_validation.h"
#include "swim/counters.h"

namespace swim {
namespace {

using Verdict = ReplayGuard::Verdict;

const absl::Time kNow = absl::FromUnixSeconds(1'760'000'000);

uint64_t At(absl::Time t) {
  return static_cast<uint64_t>(absl::ToUnixMicros(t));
}

TEST(RequestStampTest, StrictlyIncreasingEvenWhenTheClockStandsOrGoesBack) {
  uint64_t last = 0;
  const uint64_t a = NextRequestStamp(last, kNow);
  const uint64_t b = NextRequestStamp(last, kNow);
  const uint64_t c = NextRequestStamp(last, kNow - absl::Seconds(5));
  EXPECT_EQ(a, At(kNow));
  EXPECT_EQ(b, a + 1);
  EXPECT_EQ(c, b + 1);
  last = UINT64_MAX;
  EXPECT_EQ(NextRequestStamp(last, kNow), UINT64_MAX);  // saturates
}

TEST(ReplayGuardTest, EachStampIsAcceptedOnceAndReorderingIsTolerated) {
  Counters counters;
  ReplayGuard guard(16, counters);
  const uint64_t t = At(kNow);
  EXPECT_EQ(guard.Check(kNow, "a", t), Verdict::kFresh);
  EXPECT_EQ(guard.Check(kNow, "a", t), Verdict::kReplayed);
  EXPECT_EQ(guard.Check(kNow, "a", t + 1000), Verdict::kFresh);
  // Late by a millisecond (reordered): accepted once.
  EXPECT_EQ(guard.Check(kNow, "a", t + 500), Verdict::kFresh);
  EXPECT_EQ(guard.Check(kNow, "a", t + 500), Verdict::kReplayed);
  // Older than the reorder window behind the highest: refused.
  const uint64_t later = t + 10'000'000;
  EXPECT_EQ(guard.Check(kNow, "a", later), Verdict::kFresh);
  EXPECT_EQ(guard.Check(kNow, "a", t + 2000), Verdict::kReplayed);
  // Another sender's stamps are its own.
  EXPECT_EQ(guard.Check(kNow, "b", t), Verdict::kFresh);
}

TEST(ReplayGuardTest, EvictedStampsStayRefused) {
  Counters counters;
  ReplayGuard guard(4, counters);
  const uint64_t t = At(kNow);
  for (uint64_t i = 0; i < 3 * kStampsKept; ++i) {
    EXPECT_EQ(guard.Check(kNow, "a", t + 10 * i), Verdict::kFresh);
  }
  for (uint64_t i = 0; i < 3 * kStampsKept; ++i) {
    EXPECT_EQ(guard.Check(kNow, "a", t + 10 * i), Verdict::kReplayed) << i;
  }
}

TEST(ReplayGuardTest, DriftingClocksAreAcceptedWithinTheTolerance) {
  Counters counters;
  ReplayGuard guard(16, counters);
  // The sender's clock runs 10% slow: after an hour it is 6 minutes
  // behind; its stamps still rise, so every one is fresh.
  uint64_t last = 0;
  for (int s = 0; s <= 3600; s += 10) {
    const absl::Time receiver = kNow + absl::Seconds(s);
    const absl::Time sender = kNow + absl::Seconds(s) * 9 / 10;
    EXPECT_EQ(guard.Check(receiver, "a", NextRequestStamp(last, sender)),
              Verdict::kFresh)
        << s;
  }
  // Stamps are never compared with the receiver's clock: a first contact
  // hours off either way (another host's monotonic clock) is fresh.
  EXPECT_EQ(guard.Check(kNow, "b", At(kNow + absl::Hours(30))),
            Verdict::kFresh);
  EXPECT_EQ(guard.Check(kNow, "c", At(kNow - absl::Hours(30))),
            Verdict::kFresh);
  EXPECT_EQ(guard.Check(kNow, "e", 0), Verdict::kStale);
}

TEST(ReplayGuardTest, ASenderWhoseClockWentBackIsHeardAfterASilence) {
  Counters counters;
  ReplayGuard guard(16, counters);
  const uint64_t before_reboot = At(kNow);
  EXPECT_EQ(guard.Check(kNow, "a", before_reboot), Verdict::kFresh);
  // Rebooted: its clock starts again near zero.
  uint64_t last = 0;
  const absl::Time boot = absl::UnixEpoch() + absl::Seconds(5);
  absl::Time t = kNow;
  for (; t < kNow + kRestartSilence; t += absl::Seconds(10)) {
    EXPECT_EQ(guard.Check(t, "a", NextRequestStamp(last, boot + (t - kNow))),
              Verdict::kReplayed);
  }
  EXPECT_EQ(guard.Check(t, "a", NextRequestStamp(last, boot + (t - kNow))),
            Verdict::kFresh);
  EXPECT_EQ(counters.stamp_series_restarted, 1u);
}

TEST(ReplayGuardTest, TheTableIsCappedAndForgetsTheLeastRecent) {
  Counters counters;
  ReplayGuard guard(3, counters);
  const uint64_t t = At(kNow);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(guard.Check(kNow, std::string(1, static_cast<char>('a' + i)), t),
              Verdict::kFresh);
    EXPECT_LE(guard.size(), 3u);
  }
  EXPECT_EQ(counters.stamp_senders_forgotten, 7u);
}

TEST(AddressValidationTest, OnlyTheAckOfAPingSentThereValidates) {
  Counters counters;
  AddressValidation validation(2, /*trust_all=*/false, counters);
  validation.OnPingSent(1, "10.0.0.1:1");
  EXPECT_TRUE(validation.Awaits("10.0.0.1:1"));
  EXPECT_FALSE(validation.OnAck(1, "10.0.0.2:1"));  // wrong address
  EXPECT_FALSE(validation.OnAck(2, "10.0.0.1:1"));  // wrong seq
  EXPECT_FALSE(validation.IsValidated("10.0.0.1:1"));
  EXPECT_TRUE(validation.OnAck(1, "10.0.0.1:1"));
  EXPECT_TRUE(validation.IsValidated("10.0.0.1:1"));
  EXPECT_FALSE(validation.Awaits("10.0.0.1:1"));
  EXPECT_FALSE(validation.OnAck(1, "10.0.0.1:1"));  // one ack per ping
  // Capped: the oldest validated address goes first.
  for (uint32_t i = 2; i <= 3; ++i) {
    const std::string address = "10.0.0." + std::to_string(i) + ":1";
    validation.OnPingSent(i, address);
    EXPECT_TRUE(validation.OnAck(i, address));
  }
  EXPECT_EQ(validation.validated_count(), 2u);
  EXPECT_FALSE(validation.IsValidated("10.0.0.1:1"));
  EXPECT_EQ(counters.validated_addresses_forgotten, 1u);
  // Pings awaited are capped too.
  for (uint32_t i = 100; i < 100 + 3 * kMaxPingsAwaited; ++i) {
    validation.OnPingSent(i, "10.0.0.9:1");
  }
  EXPECT_LE(validation.awaited_count(), kMaxPingsAwaited);
}

}  // namespace
}  // namespace swim
