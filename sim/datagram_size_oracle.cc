#include "sim/datagram_size_oracle.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim/cluster.h"

namespace swim::sim {

void DatagramSizeOracle::OnSend(const Cluster& sim, SimTime now, uint32_t from,
                                uint32_t /*to*/, size_t bytes) {
  largest_bytes_ = std::max(largest_bytes_, bytes);
  if (bytes > limit_bytes_) {
    Report(now, absl::StrCat(sim.name(from), " sent a ", bytes,
                             "-byte datagram (limit ", limit_bytes_, ") at ",
                             FormatSimTime(now)));
  }
}

}  // namespace swim::sim
