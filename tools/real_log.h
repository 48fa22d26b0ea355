// The event log of one node process under tools/swim_real: one line per
// record, stamped with CLOCK_MONOTONIC (one clock for every process on the
// machine, network namespaces included), written by swim_real_node and
// read back by the runner, which replays all logs in time order into the
// simulator's metrics and oracles (tools/real_cluster.h).
//
//   123456789 start 1               # the local metadata version
//   123456790 event n3 1 2 1 4 0    # member, previous, current status,
//                                   # offline reason, incarnation,
//                                   # metadata version
//   123456791 metadata 2            # the local member's metadata version
//   123456792 left
//   123456793 stats 120 34567       # datagrams and bytes sent so far
//
//   std::string line = FormatRealRecord(record);
//   absl::StatusOr<RealRecord> back = ParseRealRecord(line);
#ifndef TOOLS_REAL_LOG_H_
#define TOOLS_REAL_LOG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "swim/status.h"

namespace swim::tools {

struct RealRecord {
  enum class Kind : uint8_t { kStart, kEvent, kMetadata, kLeft, kStats };
  int64_t mono_ns = 0;
  Kind kind = Kind::kStart;
  // kEvent.
  std::string member;
  Status previous = Status::kUnknown;
  Status current = Status::kUnknown;
  OfflineReason offline_reason = OfflineReason::kNone;
  uint64_t incarnation = 0;
  // kEvent: the member's; kStart, kMetadata: the local member's.
  uint64_t metadata_version = 0;
  // kStats.
  uint64_t datagrams_sent = 0;
  uint64_t bytes_sent = 0;
};

// One line, newline included.
std::string FormatRealRecord(const RealRecord& record);
// A line without its newline; InvalidArgument for anything malformed.
absl::StatusOr<RealRecord> ParseRealRecord(absl::string_view line);

// CLOCK_MONOTONIC in nanoseconds.
int64_t MonotonicNowNs();

}  // namespace swim::tools

#endif  // TOOLS_REAL_LOG_H_
