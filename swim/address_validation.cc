#include "swim/address_validation.h"

#include <utility>
#include <vector>

namespace swim {

void AddressValidation::OnPingSent(uint32_t seq, absl::string_view to_address) {
  Forget(seq);  // seqs wrapped: the newest ping wins
  awaited_.emplace(seq, to_address);
  ++awaited_addresses_[to_address];
  awaited_order_.push_back(seq);
  while (awaited_order_.size() > kMaxPingsAwaited) {
    Forget(awaited_order_.front());
    awaited_order_.pop_front();
  }
}

void AddressValidation::Forget(uint32_t seq) {
  auto it = awaited_.find(seq);
  if (it == awaited_.end()) return;
  auto count = awaited_addresses_.find(it->second);
  if (count != awaited_addresses_.end() && --count->second == 0) {
    awaited_addresses_.erase(count);
  }
  awaited_.erase(it);
}

void AddressValidation::Abandon(absl::string_view address) {
  if (!awaited_addresses_.contains(address)) return;
  std::vector<uint32_t> seqs;
  for (const auto& [seq, to_address] : awaited_) {
    if (to_address == address) seqs.push_back(seq);
  }
  // The order queue keeps the seqs until they come up; forgetting one
  // twice is a no-op.
  for (const uint32_t seq : seqs) Forget(seq);
}

bool AddressValidation::OnAck(uint32_t seq, absl::string_view from_address) {
  auto it = awaited_.find(seq);
  if (it == awaited_.end() || it->second != from_address) return false;
  // One ack per ping: a replayed ack validates nothing more. The order
  // queue keeps the seq until it comes up; forgetting it twice is a no-op.
  Forget(seq);
  if (validated_.contains(from_address)) return true;
  if (max_addresses_ == 0) return false;
  while (validated_.size() >= max_addresses_ && !validated_order_.empty()) {
    validated_.erase(validated_order_.front());
    validated_order_.pop_front();
    ++counters_.validated_addresses_forgotten;
  }
  validated_.emplace(from_address);
  validated_order_.emplace_back(from_address);
  ++counters_.addresses_validated;
  return true;
}

}  // namespace swim
