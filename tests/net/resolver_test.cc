// Tests of net/resolver: numeric addresses on the spot, names on workers,
// backoff after failures, lookups that overrun their time, bounded queue
// and table, and no callback after destruction. Lookups are a fake the test
// scripts; time is the argument the test passes.
#include "net/resolver.h"

#include <sys/socket.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/socket_address.h"
#include "net/tsan_mutex_lock.h"

namespace swim::net {
namespace {

constexpr absl::Duration kWait = absl::Seconds(10);  // for the workers

// A scripted DNS: each name answers with an address, fails, or hangs until
// released. Shared with the workers, which may outlive the Resolver.
class FakeDns {
 public:
  void Answer(const std::string& host_port, const std::string& address) {
    TsanMutexLock lock(&mu_);
    answers_[host_port] = address;
  }
  void Block(const std::string& host_port) {
    TsanMutexLock lock(&mu_);
    blocked_.insert(host_port);
  }
  void ReleaseAll() {
    TsanMutexLock lock(&mu_);
    blocked_.clear();
    changed_.SignalAll();
  }
  int calls(const std::string& host_port) {
    TsanMutexLock lock(&mu_);
    return calls_[host_port];
  }
  // Waits until `host_port` was asked `n` times.
  bool WaitCalls(const std::string& host_port, int n) {
    absl::Time give_up = absl::Now() + kWait;
    TsanMutexLock lock(&mu_);
    while (calls_[host_port] < n) {
      if (lock.WaitWithTimeout(&changed_, give_up - absl::Now())) break;
    }
    return calls_[host_port] >= n;
  }

  absl::StatusOr<std::vector<SocketAddress>> Lookup(
      const std::string& host_port) {
    TsanMutexLock lock(&mu_);
    ++calls_[host_port];
    changed_.SignalAll();
    while (blocked_.count(host_port) > 0) lock.Wait(&changed_);
    auto it = answers_.find(host_port);
    if (it == answers_.end()) {
      return absl::NotFoundError(absl::StrCat(host_port, ": no such name"));
    }
    absl::StatusOr<SocketAddress> a = ParseSocketAddress(it->second);
    if (!a.ok()) return a.status();
    return std::vector<SocketAddress>{*a};
  }

 private:
  absl::Mutex mu_;
  absl::CondVar changed_;
  std::map<std::string, std::string> answers_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> blocked_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
};

// Counts on_done calls.
class DoneCount {
 public:
  void Add() {
    TsanMutexLock lock(&mu_);
    ++count_;
    changed_.SignalAll();
  }
  int count() {
    TsanMutexLock lock(&mu_);
    return count_;
  }
  bool WaitFor(int n) {
    absl::Time give_up = absl::Now() + kWait;
    TsanMutexLock lock(&mu_);
    while (count_ < n) {
      if (lock.WaitWithTimeout(&changed_, give_up - absl::Now())) break;
    }
    return count_ >= n;
  }

 private:
  absl::Mutex mu_;
  absl::CondVar changed_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

class ResolverTest : public ::testing::Test {
 protected:
  ResolverOptions Options() {
    ResolverOptions options;
    options.lookup = [dns = dns_](const std::string& host_port) {
      return dns->Lookup(host_port);
    };
    options.on_done = [done = done_] { done->Add(); };
    options.retry_min = absl::Seconds(1);
    options.retry_max = absl::Seconds(10);
    options.lookup_timeout = absl::Seconds(2);
    options.refresh_interval = absl::Minutes(5);
    return options;
  }

  std::shared_ptr<FakeDns> dns_ = std::make_shared<FakeDns>();
  std::shared_ptr<DoneCount> done_ = std::make_shared<DoneCount>();
  const absl::Time t0_ = absl::FromUnixSeconds(1000);
};

TEST_F(ResolverTest, NumericAddressesNeedNoLookup) {
  ResolverOptions options = Options();
  options.family = AF_INET;
  Resolver resolver(std::move(options));
  std::optional<SocketAddress> a = resolver.Find("127.0.0.1:7", t0_);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->ToString(), "127.0.0.1:7");
  // IPv6 from an IPv4 socket, and malformed text: nothing to send to.
  EXPECT_FALSE(resolver.Find("[::1]:7", t0_).has_value());
  EXPECT_FALSE(resolver.Find("no port", t0_).has_value());
  EXPECT_FALSE(resolver.Find("host:99999", t0_).has_value());
  EXPECT_EQ(resolver.stats().lookups, 0u);
  EXPECT_EQ(resolver.stats().names, 0u);
}

TEST_F(ResolverTest, NameResolvesOnAWorkerAndIsRefreshed) {
  dns_->Answer("db.test:7", "10.0.0.1:7");
  Resolver resolver(Options());
  EXPECT_FALSE(resolver.Find("db.test:7", t0_).has_value());
  EXPECT_EQ(resolver.stats().lookups, 1u);
  EXPECT_EQ(resolver.stats().resolves_pending, 1u);
  // Asking again while it runs starts nothing more.
  EXPECT_FALSE(resolver.Find("db.test:7", t0_).has_value());
  EXPECT_EQ(resolver.stats().lookups, 1u);
  ASSERT_TRUE(done_->WaitFor(1));
  resolver.Poll(t0_);
  std::optional<SocketAddress> a = resolver.Find("db.test:7", t0_);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->ToString(), "10.0.0.1:7");
  EXPECT_EQ(resolver.stats().resolves_pending, 0u);
  EXPECT_EQ(resolver.stats().resolve_failures, 0u);

  // Looked up again after refresh_interval; the old address serves
  // meanwhile, and a failed refresh keeps it.
  dns_->Answer("db.test:7", "not numeric");
  EXPECT_TRUE(resolver.Find("db.test:7", t0_ + absl::Minutes(4)).has_value());
  EXPECT_EQ(resolver.stats().lookups, 1u);
  const absl::Time later = t0_ + absl::Minutes(5);
  EXPECT_TRUE(resolver.Find("db.test:7", later).has_value());
  EXPECT_EQ(resolver.stats().lookups, 2u);
  ASSERT_TRUE(done_->WaitFor(2));
  resolver.Poll(later);
  EXPECT_EQ(resolver.stats().resolve_failures, 1u);
  a = resolver.Find("db.test:7", later);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->ToString(), "10.0.0.1:7");
}

TEST_F(ResolverTest, FamilyOfTheSocketChoosesTheAddress) {
  dns_->Answer("v6only.test:7", "[::1]:7");
  ResolverOptions options = Options();
  options.family = AF_INET;
  Resolver resolver(std::move(options));
  EXPECT_FALSE(resolver.Find("v6only.test:7", t0_).has_value());
  ASSERT_TRUE(done_->WaitFor(1));
  resolver.Poll(t0_);
  // No IPv4 address: unusable from this socket, counted as a failure.
  EXPECT_FALSE(resolver.Find("v6only.test:7", t0_).has_value());
  EXPECT_EQ(resolver.stats().resolve_failures, 1u);
}

TEST_F(ResolverTest, BackoffDoublesUpToTheMaximum) {
  Resolver resolver(Options());
  EXPECT_EQ(resolver.Backoff(1), absl::Seconds(1));
  EXPECT_EQ(resolver.Backoff(2), absl::Seconds(2));
  EXPECT_EQ(resolver.Backoff(3), absl::Seconds(4));
  EXPECT_EQ(resolver.Backoff(4), absl::Seconds(8));
  EXPECT_EQ(resolver.Backoff(5), absl::Seconds(10));
  EXPECT_EQ(resolver.Backoff(1000000), absl::Seconds(10));
}

TEST_F(ResolverTest, UnresolvableNameIsRetriedWithBackoff) {
  Resolver resolver(Options());
  const std::string ghost = "ghost.invalid:7";
  absl::Time now = t0_;
  // Failures 1..6 wait 1, 2, 4, 8, 10, 10 s before the next lookup.
  const int waits_s[] = {1, 2, 4, 8, 10, 10};
  for (int failure = 1; failure <= 6; ++failure) {
    EXPECT_FALSE(resolver.Find(ghost, now).has_value());
    ASSERT_EQ(resolver.stats().lookups, static_cast<uint64_t>(failure));
    ASSERT_TRUE(done_->WaitFor(failure));
    resolver.Poll(now);
    EXPECT_EQ(resolver.stats().resolve_failures,
              static_cast<uint64_t>(failure));
    const absl::Duration wait = absl::Seconds(waits_s[failure - 1]);
    // Not before its time...
    EXPECT_FALSE(
        resolver.Find(ghost, now + wait - absl::Milliseconds(1)).has_value());
    EXPECT_EQ(resolver.stats().lookups, static_cast<uint64_t>(failure));
    now += wait;  // ...and then at once (the loop's next Find).
  }
  EXPECT_EQ(dns_->calls(ghost), 6);
  // An answer at last resets the backoff.
  dns_->Answer(ghost, "10.0.0.9:7");
  EXPECT_FALSE(resolver.Find(ghost, now).has_value());
  ASSERT_TRUE(done_->WaitFor(7));
  resolver.Poll(now);
  EXPECT_TRUE(resolver.Find(ghost, now).has_value());
  EXPECT_EQ(resolver.stats().resolve_failures, 6u);
}

TEST_F(ResolverTest, LookupThatOverrunsIsFailedAndNeverQueuedTwice) {
  const std::string slow = "slow.test:7";
  dns_->Block(slow);
  dns_->Answer(slow, "10.0.0.2:7");
  Resolver resolver(Options());
  EXPECT_FALSE(resolver.Find(slow, t0_).has_value());
  ASSERT_TRUE(dns_->WaitCalls(slow, 1));
  resolver.Poll(t0_ + absl::Seconds(2) - absl::Milliseconds(1));
  EXPECT_EQ(resolver.stats().resolve_failures, 0u);
  resolver.Poll(t0_ + absl::Seconds(2));  // lookup_timeout
  EXPECT_EQ(resolver.stats().resolve_failures, 1u);
  EXPECT_EQ(resolver.stats().resolve_timeouts, 1u);
  // Counted once, however often polled.
  resolver.Poll(t0_ + absl::Seconds(3));
  EXPECT_EQ(resolver.stats().resolve_failures, 1u);
  // Its backoff is over, but the worker is still stuck: no second lookup.
  EXPECT_FALSE(resolver.Find(slow, t0_ + absl::Seconds(5)).has_value());
  EXPECT_EQ(resolver.stats().lookups, 1u);
  EXPECT_EQ(resolver.stats().resolves_pending, 1u);
  // A late answer is still a good one.
  dns_->ReleaseAll();
  ASSERT_TRUE(done_->WaitFor(1));
  resolver.Poll(t0_ + absl::Seconds(12));
  EXPECT_EQ(resolver.stats().resolves_pending, 0u);
  std::optional<SocketAddress> a = resolver.Find(slow, t0_ + absl::Seconds(12));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->ToString(), "10.0.0.2:7");
  EXPECT_EQ(dns_->calls(slow), 1);
}

TEST_F(ResolverTest, QueueIsBounded) {
  ResolverOptions options = Options();
  options.workers = 1;
  options.max_queued = 2;
  Resolver resolver(std::move(options));
  for (const char* name : {"a.test:1", "b.test:1", "c.test:1", "d.test:1"}) {
    dns_->Block(name);
  }
  resolver.Find("a.test:1", t0_);
  ASSERT_TRUE(dns_->WaitCalls("a.test:1", 1));  // the one worker is busy
  resolver.Find("b.test:1", t0_);
  resolver.Find("c.test:1", t0_);
  resolver.Find("d.test:1", t0_);  // the queue holds b and c
  EXPECT_EQ(resolver.stats().queue_full, 1u);
  EXPECT_EQ(resolver.stats().lookups, 3u);
  EXPECT_EQ(resolver.stats().resolves_pending, 3u);
  // d is tried again after retry_min, not before.
  resolver.Find("d.test:1", t0_ + absl::Milliseconds(999));
  EXPECT_EQ(resolver.stats().queue_full, 1u);
  dns_->ReleaseAll();
  ASSERT_TRUE(done_->WaitFor(3));
  resolver.Poll(t0_ + absl::Seconds(1));
  resolver.Find("d.test:1", t0_ + absl::Seconds(1));
  EXPECT_EQ(resolver.stats().lookups, 4u);
  ASSERT_TRUE(done_->WaitFor(4));
  EXPECT_EQ(dns_->calls("d.test:1"), 1);
}

TEST_F(ResolverTest, NamesRememberedAreBounded) {
  ResolverOptions options = Options();
  options.max_names = 2;
  Resolver resolver(std::move(options));
  int started = 0;
  for (const char* name : {"a.test:1", "b.test:1", "c.test:1", "d.test:1"}) {
    resolver.Find(name, t0_);
    ASSERT_TRUE(done_->WaitFor(++started));
    resolver.Poll(t0_);
    EXPECT_LE(resolver.stats().names, 2u);
  }
  EXPECT_EQ(resolver.stats().names, 2u);
  EXPECT_EQ(resolver.stats().lookups, 4u);
}

TEST_F(ResolverTest, NoCallbackAfterDestruction) {
  dns_->Block("stuck.test:1");
  {
    Resolver resolver(Options());
    resolver.Find("stuck.test:1", t0_);
    ASSERT_TRUE(dns_->WaitCalls("stuck.test:1", 1));
  }  // returns at once, the worker still stuck
  dns_->ReleaseAll();
  // The worker lets go of the fake (and the callback) when it exits.
  absl::Time give_up = absl::Now() + kWait;
  while ((dns_.use_count() > 1 || done_.use_count() > 1) &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_EQ(dns_.use_count(), 1);
  EXPECT_EQ(done_->count(), 0);
}

}  // namespace
}  // namespace swim::net
