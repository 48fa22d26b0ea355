// Datagram size: no datagram ever exceeds the limit.
//
// The limit is the network's (an MTU-derived budget), normally the nodes'
// config.max_datagram_bytes; the canary test sets it below what a
// misconfigured node sends, to prove the check bites.
//
//   DatagramSizeOracle size_oracle(/*limit_bytes=*/1400);
//   sim->AddObserver(&size_oracle);
#ifndef SIM_DATAGRAM_SIZE_ORACLE_H_
#define SIM_DATAGRAM_SIZE_ORACLE_H_

#include <cstddef>

#include "sim/oracle.h"

namespace swim::sim {

class DatagramSizeOracle : public Oracle {
 public:
  explicit DatagramSizeOracle(size_t limit_bytes) : limit_bytes_(limit_bytes) {}

  absl::string_view name() const override { return "datagram_size"; }
  void OnSend(const Cluster& sim, SimTime now, uint32_t from, uint32_t to,
              size_t bytes) override;

  size_t largest_bytes() const { return largest_bytes_; }

 private:
  size_t limit_bytes_;
  size_t largest_bytes_ = 0;
};

}  // namespace swim::sim

#endif  // SIM_DATAGRAM_SIZE_ORACLE_H_
