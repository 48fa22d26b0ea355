// Resolver turns member addresses ("host:port") into socket addresses for
// UdpNode without ever blocking the caller: numeric addresses are parsed on
// the spot, host names are looked up on worker threads of its own, and the
// caller keeps going (a datagram to a name not yet resolved is dropped; the
// protocol retries). Used from one thread (the loop); the workers only run
// lookups.
//
// Each lookup is awaited at most lookup_timeout: past it the name counts as
// a failure even if the system's resolver is still trying. A failed name is
// retried with exponential backoff (retry_min doubling up to retry_max); a
// resolved one is looked up again every refresh_interval, and keeps its
// address meanwhile. The queue, the workers and the names remembered are
// all bounded.
//
//   ResolverOptions options;
//   options.family = AF_INET;             // the socket's
//   options.on_done = [&] { Wake(); };    // from a worker: must not block
//   Resolver resolver(std::move(options));
//   // In the loop, after each wake-up:
//   resolver.Poll(now);
//   std::optional<SocketAddress> to = resolver.Find("db-1.internal:7946", now);
//   if (!to.has_value()) ++dropped;  // not (yet) resolvable
#ifndef NET_RESOLVER_H_
#define NET_RESOLVER_H_

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "net/socket_address.h"

namespace swim::net {

// Looks up one "host:port" (blocking is fine: it runs on a worker).
using LookupFunction = std::function<absl::StatusOr<std::vector<SocketAddress>>(
    const std::string&)>;

struct ResolverOptions {
  // Empty: ResolveSocketAddresses (getaddrinfo). Tests pass a fake.
  LookupFunction lookup;
  // Called on a worker after each lookup finishes, so that the owner polls
  // soon (UdpNode writes its eventfd). Must not block; never called once
  // the Resolver is destroyed.
  std::function<void()> on_done;
  // The sending socket's family: AF_INET takes IPv4 addresses only,
  // AF_INET6 (dual-stack) takes both.
  int family = AF_INET6;
  // Lookups running at once, each on a thread started when first needed.
  size_t workers = 2;
  // Lookups waiting for a worker; a name that finds the queue full is
  // tried again after retry_min (counted in queue_full).
  size_t max_queued = 64;
  // Names remembered (resolved or failed); past it, idle ones are
  // forgotten to make room (addresses come from gossip, so a churning
  // cluster must not grow this forever).
  size_t max_names = 16384;
  absl::Duration lookup_timeout = absl::Seconds(2);
  absl::Duration retry_min = absl::Seconds(1);
  absl::Duration retry_max = absl::Seconds(60);
  absl::Duration refresh_interval = absl::Minutes(5);
};

struct ResolverStats {
  uint64_t lookups = 0;           // lookups started
  uint64_t resolve_failures = 0;  // lookups that failed or timed out
  uint64_t resolve_timeouts = 0;  // of which timed out (lookup_timeout)
  uint64_t queue_full = 0;        // lookups put off: the queue was full
  uint64_t resolves_pending = 0;  // now: names queued or being looked up
  uint64_t names = 0;             // now: names remembered
};

class Resolver {
 public:
  explicit Resolver(ResolverOptions options);
  // Never waits for a worker: one stuck in the system's resolver finishes
  // (and exits) on its own, without calling on_done.
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // The socket address for `host_port`, if known and of a usable family;
  // nullopt otherwise (malformed, not resolved yet, or unresolvable).
  // Starts a lookup when one is due. Never blocks.
  std::optional<SocketAddress> Find(const std::string& host_port,
                                    absl::Time now);

  // Takes the lookups that finished and fails those overdue at `now`. Call
  // it after on_done fired, and before Find, on every wake-up.
  void Poll(absl::Time now);

  ResolverStats stats() const;

  // How long a name waits after its `failures`-th consecutive failure
  // (failures >= 1): retry_min * 2^(failures - 1), at most retry_max.
  absl::Duration Backoff(int failures) const;

 private:
  struct Shared;
  struct Name {
    std::optional<SocketAddress> address;
    absl::Time next_lookup;  // when to look it up (again)
    absl::Time deadline;     // of the lookup in flight
    int failures = 0;        // in a row
    bool in_flight = false;  // queued or running on a worker
    bool overdue = false;    // the lookup in flight was already failed
  };

  void Start(const std::string& host_port, Name& name, absl::Time now);
  void Failed(Name& name, absl::Time now);
  void MakeRoom();
  std::optional<SocketAddress> Usable(
      const std::vector<SocketAddress>& all) const;

  const ResolverOptions options_;
  std::shared_ptr<Shared> shared_;
  absl::flat_hash_map<std::string, Name> names_;
  // The names with a lookup in flight (at most max_queued + workers).
  std::vector<std::string> in_flight_;
  ResolverStats stats_;
};

}  // namespace swim::net

#endif  // NET_RESOLVER_H_
