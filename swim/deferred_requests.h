// Requests from source addresses not validated yet, held until the address
// answers a challenge (swim/address_validation.h), then answered.
//
// A request whose reply would be large (a state, a digest's buckets,
// metadata chunks) from an unvalidated address is not answered at once:
// the node sends the address a challenge Ping (no bigger than 3x the
// request) and keeps the request, not the reply, so memory stays small and
// the answer is current when it goes. Bounded: kMaxDeferredRequests in all,
// kMaxDeferredPerAddress per address, each for kDeferredRequestLifetime;
// what does not fit or expires is dropped and counted.
//
//   for (const std::string& a : deferred.Expire(now)) validation.Abandon(a);
//   if (deferred.Defer(now, from_address, message)) SendChallenge(...);
//   for (Message& m : deferred.Take(from_address)) Answer(m);   // validated
#ifndef SWIM_DEFERRED_REQUESTS_H_
#define SWIM_DEFERRED_REQUESTS_H_

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/counters.h"
#include "swim/message.h"

namespace swim {

inline constexpr size_t kMaxDeferredRequests = 256;
inline constexpr size_t kMaxDeferredPerAddress = 4;
// Long enough for a challenge's round trip with the requester loaded;
// requesters ask again anyway (join retries, fetch timeouts, periodic sync).
inline constexpr absl::Duration kDeferredRequestLifetime = absl::Seconds(3);

class DeferredRequests {
 public:
  explicit DeferredRequests(Counters& counters) : counters_(counters) {}

  DeferredRequests(const DeferredRequests&) = delete;
  DeferredRequests& operator=(const DeferredRequests&) = delete;

  // Holds `request` from `from_address`; true if the address had none
  // waiting, so a challenge should go out. Call Expire(now) first.
  bool Defer(absl::Time now, absl::string_view from_address, Message request);
  // The requests waiting for `address`, oldest first, no longer held.
  std::vector<Message> Take(absl::string_view address);
  // Drops what waited too long, and returns the addresses it was from (one
  // entry per request): their challenge, or its ack, was lost or late, so
  // the pings awaited from them should no longer stop a new challenge.
  std::vector<std::string> Expire(absl::Time now);

  size_t size() const { return held_.size(); }

 private:
  struct Held {
    std::string address;
    Message request;
    absl::Time expires_at;
  };

  Counters& counters_;
  std::deque<Held> held_;  // oldest first
};

}  // namespace swim

#endif  // SWIM_DEFERRED_REQUESTS_H_
