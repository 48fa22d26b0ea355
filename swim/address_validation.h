// Which source addresses this node has seen answer at that address: the
// ones it may send a large reply to (swim/protocol.md, "No amplification").
//
// A UDP source address is only a claim. An address is validated when an
// Ack comes back from it carrying the seq of a Ping this node sent to it:
// a probe, a relay's ping, or a challenge sent to check a requester (the
// seq is only ever in the sealed Ping to that address). Both tables are
// bounded; the oldest entries go first. A ping whose ack did not come
// while a request waited for it (swim/deferred_requests.h) is abandoned,
// so that the next request from there gets a challenge of its own.
//
//   validation.OnPingSent(ping.seq, to_address);   // every Ping sent
//   if (validation.OnAck(ack.seq, from_address)) ReleaseDeferred(from_address);
//   if (!validation.IsValidated(from_address)) Defer(...);
//   validation.Abandon(address);   // its deferred requests expired
#ifndef SWIM_ADDRESS_VALIDATION_H_
#define SWIM_ADDRESS_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "swim/counters.h"

namespace swim {

// Pings awaiting their Ack, at most; older ones are forgotten (their acks
// then validate nothing, which is safe).
inline constexpr size_t kMaxPingsAwaited = 1024;

class AddressValidation {
 public:
  // Holds at most `max_addresses` validated addresses. With `trust_all`
  // (Config::testing.trust_all_addresses) every address counts as
  // validated.
  AddressValidation(size_t max_addresses, bool trust_all, Counters& counters)
      : max_addresses_(max_addresses),
        trust_all_(trust_all),
        counters_(counters) {}

  AddressValidation(const AddressValidation&) = delete;
  AddressValidation& operator=(const AddressValidation&) = delete;

  void OnPingSent(uint32_t seq, absl::string_view to_address);
  // Whether the ack validated `from_address` (it answers a ping we sent
  // there, still awaited).
  bool OnAck(uint32_t seq, absl::string_view from_address);
  // Forgets the pings to `address` still awaited: they were lost, or their
  // acks were (a late ack then validates nothing, which is safe).
  void Abandon(absl::string_view address);
  bool IsValidated(absl::string_view address) const {
    return trust_all_ || validated_.contains(address);
  }
  // Whether a ping sent to `address` still awaits its ack (so a challenge
  // would be redundant).
  bool Awaits(absl::string_view address) const {
    return awaited_addresses_.contains(address);
  }

  size_t validated_count() const { return validated_.size(); }
  size_t awaited_count() const { return awaited_.size(); }

 private:
  void Forget(uint32_t seq);

  size_t max_addresses_;
  bool trust_all_;
  Counters& counters_;
  absl::flat_hash_map<uint32_t, std::string> awaited_;  // seq → address
  std::deque<uint32_t> awaited_order_;                  // oldest first
  absl::flat_hash_map<std::string, size_t> awaited_addresses_;  // pings each
  absl::flat_hash_set<std::string> validated_;
  std::deque<std::string> validated_order_;  // oldest first
};

}  // namespace swim

#endif  // SWIM_ADDRESS_VALIDATION_H_
