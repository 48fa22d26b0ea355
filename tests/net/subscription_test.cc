// Tests of net/subscription.h: the listener registry and its RAII handle.
#include "net/subscription.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/member_event.h"
#include "swim/status.h"

namespace swim::net {
namespace {

MemberChange Change(const std::string& name) {
  MemberChange change;
  change.event.member = name;
  change.member.name = name;
  return change;
}

MemberEvent EventOf(Status previous, Status current) {
  MemberEvent event;
  event.member = "m";
  event.previous = previous;
  event.current = current;
  event.incarnation = 4;
  event.address = "10.0.0.2:7946";
  return event;
}

// MemberChange says exactly what changed, and the member's status,
// incarnation and address are the event's, whatever was held later.
TEST(MemberChangeTest, SaysWhatChanged) {
  MemberInfo later;
  later.status = Status::kOffline;
  later.incarnation = 9;
  later.address = "10.0.0.9:7946";
  later.metadata = {{"role", "db"}};

  MemberChange status =
      MemberChange::Of(EventOf(Status::kOnline, Status::kSuspect), later);
  EXPECT_TRUE(status.status_changed);
  EXPECT_FALSE(status.metadata_changed);
  EXPECT_FALSE(status.address_changed);
  EXPECT_EQ(status.member.name, "m");
  EXPECT_EQ(status.member.status, Status::kSuspect);
  EXPECT_EQ(status.member.incarnation, 4u);
  EXPECT_EQ(status.member.address, "10.0.0.2:7946");
  EXPECT_EQ(status.member.metadata, later.metadata);

  MemberEvent event = EventOf(Status::kOnline, Status::kOnline);
  event.metadata_changed = true;
  MemberChange metadata = MemberChange::Of(event, later);
  EXPECT_FALSE(metadata.status_changed);
  EXPECT_TRUE(metadata.metadata_changed);
  EXPECT_FALSE(metadata.address_changed);

  event = EventOf(Status::kOffline, Status::kOnline);
  event.address_changed = true;
  event.previous_address = "10.0.0.1:7946";
  MemberChange moved = MemberChange::Of(event, later);
  EXPECT_TRUE(moved.status_changed);
  EXPECT_FALSE(moved.metadata_changed);
  EXPECT_TRUE(moved.address_changed);
  EXPECT_EQ(moved.event.previous_address, "10.0.0.1:7946");

  // OFFLINE (failed) to OFFLINE (left): the reason is the change.
  event = EventOf(Status::kOffline, Status::kOffline);
  event.offline_reason = OfflineReason::kLeft;
  MemberChange left = MemberChange::Of(event, later);
  EXPECT_TRUE(left.status_changed);
  EXPECT_EQ(left.member.offline_reason, OfflineReason::kLeft);

  event = EventOf(Status::kOnline, Status::kOnline);
  event.kind = MemberEvent::Kind::kNameConflict;
  event.claimant_address = "10.0.0.3:7946";
  MemberChange conflict = MemberChange::Of(event, later);
  EXPECT_FALSE(conflict.status_changed);
  EXPECT_FALSE(conflict.metadata_changed);
  EXPECT_FALSE(conflict.address_changed);
  EXPECT_EQ(conflict.member.address, "10.0.0.2:7946");
}

TEST(SubscriptionTest, CallsUntilCancelled) {
  auto listeners = std::make_shared<ChangeListeners>();
  int calls = 0;
  Subscription s = listeners->Add([&](const MemberChange&) { ++calls; });
  EXPECT_TRUE(s.active());
  listeners->Notify(Change("a"));
  listeners->Notify(Change("b"));
  EXPECT_EQ(calls, 2);
  s.Cancel();
  EXPECT_FALSE(s.active());
  listeners->Notify(Change("c"));
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(listeners->empty());
}

TEST(SubscriptionTest, DestructionAndMoveUnsubscribe) {
  auto listeners = std::make_shared<ChangeListeners>();
  int calls = 0;
  {
    Subscription s = listeners->Add([&](const MemberChange&) { ++calls; });
    Subscription moved = std::move(s);
    EXPECT_FALSE(s.active());  // NOLINT(bugprone-use-after-move): tested
    listeners->Notify(Change("a"));
  }
  listeners->Notify(Change("b"));
  EXPECT_EQ(calls, 1);
}

TEST(SubscriptionTest, MayOutliveTheRegistry) {
  Subscription s;
  {
    auto listeners = std::make_shared<ChangeListeners>();
    s = listeners->Add([](const MemberChange&) {});
  }
  s.Cancel();  // nothing to do, and no crash
  EXPECT_FALSE(s.active());
}

TEST(SubscriptionTest, CallbacksMayCancelOthersMidRound) {
  auto listeners = std::make_shared<ChangeListeners>();
  int second_calls = 0;
  Subscription second;
  Subscription first =
      listeners->Add([&](const MemberChange&) { second.Cancel(); });
  second = listeners->Add([&](const MemberChange&) { ++second_calls; });
  listeners->Notify(Change("a"));
  EXPECT_EQ(second_calls, 0);
}

TEST(SubscriptionTest, CancelFromAnotherThreadWaitsForTheCallback) {
  auto listeners = std::make_shared<ChangeListeners>();
  absl::Notification in_callback;
  std::atomic<bool> finished{false};
  Subscription s = listeners->Add([&](const MemberChange&) {
    in_callback.Notify();
    absl::SleepFor(absl::Milliseconds(200));
    finished = true;
  });
  std::thread loop([&] { listeners->Notify(Change("a")); });
  in_callback.WaitForNotification();
  s.Cancel();
  // Cancel returned: the callback is over.
  EXPECT_TRUE(finished.load());
  loop.join();
}

}  // namespace
}  // namespace swim::net
