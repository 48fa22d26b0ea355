#include "net/resolver.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "net/socket_address.h"
#include "net/tsan_mutex_lock.h"

namespace swim::net {

// What the owner and the workers share; the workers hold it too, so that
// one still stuck in a lookup when the Resolver goes away finds it intact.
struct Resolver::Shared {
  struct Done {
    std::string host_port;
    absl::StatusOr<std::vector<SocketAddress>> result;
  };

  LookupFunction lookup;
  std::function<void()> on_done;

  absl::Mutex mu;
  absl::CondVar work;
  std::deque<std::string> queue ABSL_GUARDED_BY(mu);
  std::vector<Done> done ABSL_GUARDED_BY(mu);
  size_t threads ABSL_GUARDED_BY(mu) = 0;
  size_t idle ABSL_GUARDED_BY(mu) = 0;
  bool stopped ABSL_GUARDED_BY(mu) = false;

  static void Work(const std::shared_ptr<Shared>& self) {
    Shared& s = *self;
    for (;;) {
      std::string host_port;
      {
        TsanMutexLock lock(&s.mu);
        while (s.queue.empty() && !s.stopped) {
          ++s.idle;
          lock.Wait(&s.work);
          --s.idle;
        }
        if (s.stopped) {
          --s.threads;
          return;
        }
        host_port = std::move(s.queue.front());
        s.queue.pop_front();
      }
      // The only place that may block, for as long as the system's
      // resolver takes (resolv.conf: timeout x attempts per server).
      absl::StatusOr<std::vector<SocketAddress>> result = s.lookup(host_port);
      TsanMutexLock lock(&s.mu);
      if (s.stopped) {
        --s.threads;
        return;
      }
      s.done.push_back(Done{std::move(host_port), std::move(result)});
      // Under the lock, so that it never runs after the destructor.
      if (s.on_done) s.on_done();
    }
  }
};

Resolver::Resolver(ResolverOptions options)
    : options_(std::move(options)), shared_(std::make_shared<Shared>()) {
  shared_->lookup = options_.lookup;
  if (!shared_->lookup) {
    shared_->lookup = [](const std::string& host_port) {
      return ResolveSocketAddresses(host_port);
    };
  }
  shared_->on_done = options_.on_done;
}

Resolver::~Resolver() {
  TsanMutexLock lock(&shared_->mu);
  shared_->stopped = true;
  shared_->queue.clear();
  shared_->work.SignalAll();
}

absl::Duration Resolver::Backoff(int failures) const {
  absl::Duration wait = options_.retry_min;
  if (wait <= absl::ZeroDuration()) return std::min(wait, options_.retry_max);
  for (int i = 1; i < failures && wait < options_.retry_max; ++i) wait *= 2;
  return std::min(wait, options_.retry_max);
}

std::optional<SocketAddress> Resolver::Usable(
    const std::vector<SocketAddress>& all) const {
  for (const SocketAddress& a : all) {
    if (options_.family == AF_INET6 || a.family() == AF_INET) return a;
  }
  return std::nullopt;
}

std::optional<SocketAddress> Resolver::Find(const std::string& host_port,
                                            absl::Time now) {
  auto it = names_.find(host_port);
  if (it == names_.end()) {
    std::string host;
    uint16_t port = 0;
    if (!SplitHostPort(host_port, &host, &port).ok()) return std::nullopt;
    // Numeric: no DNS, nothing to remember.
    if (absl::StatusOr<SocketAddress> numeric = ParseSocketAddress(host_port);
        numeric.ok()) {
      return Usable({*numeric});
    }
    if (names_.size() >= options_.max_names) MakeRoom();
    it = names_.emplace(host_port, Name{}).first;
    it->second.next_lookup = now;
  }
  Name& name = it->second;
  if (!name.in_flight && now >= name.next_lookup) Start(host_port, name, now);
  return name.address;
}

void Resolver::Start(const std::string& host_port, Name& name, absl::Time now) {
  bool spawn = false;
  {
    TsanMutexLock lock(&shared_->mu);
    if (shared_->queue.size() >= options_.max_queued) {
      ++stats_.queue_full;
      name.next_lookup = now + options_.retry_min;
      return;
    }
    shared_->queue.push_back(host_port);
    if (shared_->idle == 0 && shared_->threads < options_.workers) {
      ++shared_->threads;
      spawn = true;
    } else {
      shared_->work.Signal();
    }
  }
  // Detached: a worker stuck in a lookup must not hold up the owner's
  // destruction; it holds `shared_` and exits when the lookup returns.
  if (spawn) std::thread([s = shared_] { Shared::Work(s); }).detach();
  ++stats_.lookups;
  name.in_flight = true;
  name.overdue = false;
  name.deadline = now + options_.lookup_timeout;
  in_flight_.push_back(host_port);
}

void Resolver::Failed(Name& name, absl::Time now) {
  ++stats_.resolve_failures;
  ++name.failures;
  name.next_lookup = now + Backoff(name.failures);
}

void Resolver::Poll(absl::Time now) {
  // Nothing in flight, nothing to take (the loop polls on every turn).
  if (in_flight_.empty()) return;
  std::vector<Shared::Done> done;
  {
    TsanMutexLock lock(&shared_->mu);
    done.swap(shared_->done);
  }
  for (Shared::Done& d : done) {
    auto it = names_.find(d.host_port);
    if (it == names_.end()) continue;
    Name& name = it->second;
    name.in_flight = false;
    std::optional<SocketAddress> usable =
        d.result.ok() ? Usable(*d.result) : std::nullopt;
    if (usable.has_value()) {
      // Late answers count too: the address is good.
      name.address = usable;
      name.failures = 0;
      name.next_lookup = now + options_.refresh_interval;
    } else if (!name.overdue) {
      // A failed refresh keeps the address it had.
      Failed(name, now);
    }
    name.overdue = false;
  }
  // Forget finished lookups; fail those that took too long (their worker
  // may still be stuck: the name stays in flight until it returns, so that
  // it is never queued twice).
  in_flight_.erase(
      std::remove_if(in_flight_.begin(), in_flight_.end(),
                     [&](const std::string& host_port) {
                       auto it = names_.find(host_port);
                       if (it == names_.end() || !it->second.in_flight) {
                         return true;
                       }
                       Name& name = it->second;
                       if (!name.overdue && now >= name.deadline) {
                         name.overdue = true;
                         ++stats_.resolve_timeouts;
                         Failed(name, now);
                       }
                       return false;
                     }),
      in_flight_.end());
}

void Resolver::MakeRoom() {
  // Any name without a lookup in flight; in-flight ones are few (bounded
  // by the queue and the workers), so the scan is short.
  for (auto it = names_.begin(); it != names_.end(); ++it) {
    if (!it->second.in_flight) {
      names_.erase(it);
      return;
    }
  }
}

ResolverStats Resolver::stats() const {
  ResolverStats stats = stats_;
  stats.resolves_pending = in_flight_.size();
  stats.names = names_.size();
  return stats;
}

}  // namespace swim::net
