// Tests of net/subscription.h: the listener registry and its RAII handle.
#include "net/subscription.h"

#include <atomic>
#include <memory>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace swim::net {
namespace {

MemberChange Change(const std::string& name) {
  MemberChange change;
  change.event.member = name;
  change.member.name = name;
  return change;
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
