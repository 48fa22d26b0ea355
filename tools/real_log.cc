#include "tools/real_log.h"

#include <time.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace swim::tools {
namespace {

absl::StatusOr<Status> ParseStatus(absl::string_view text) {
  uint32_t v = 0;
  if (absl::SimpleAtoi(text, &v)) {
    switch (v) {
      case 0:
        return Status::kUnknown;
      case 1:
        return Status::kOnline;
      case 2:
        return Status::kOffline;
      case 4:
        return Status::kSuspect;
      default:
        break;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("bad status '", text, "'"));
}

}  // namespace

std::string FormatRealRecord(const RealRecord& r) {
  switch (r.kind) {
    case RealRecord::Kind::kStart:
      return absl::StrCat(r.mono_ns, " start ", r.metadata_version, "\n");
    case RealRecord::Kind::kEvent:
      return absl::StrCat(r.mono_ns, " event ", r.member, " ",
                          static_cast<int>(r.previous), " ",
                          static_cast<int>(r.current), " ",
                          static_cast<int>(r.offline_reason), " ",
                          r.incarnation, " ", r.metadata_version, "\n");
    case RealRecord::Kind::kMetadata:
      return absl::StrCat(r.mono_ns, " metadata ", r.metadata_version, "\n");
    case RealRecord::Kind::kLeft:
      return absl::StrCat(r.mono_ns, " left\n");
    case RealRecord::Kind::kStats:
      return absl::StrCat(r.mono_ns, " stats ", r.datagrams_sent, " ",
                          r.bytes_sent, "\n");
  }
  return "";
}

absl::StatusOr<RealRecord> ParseRealRecord(absl::string_view line) {
  const std::vector<absl::string_view> f =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad log line '", line.substr(0, 80), "': ", why));
  };
  RealRecord r;
  if (f.size() < 2 || !absl::SimpleAtoi(f[0], &r.mono_ns) || r.mono_ns < 0) {
    return bad("no timestamp and kind");
  }
  const absl::string_view kind = f[1];
  auto expect = [&](size_t n) { return f.size() == n; };
  if (kind == "start" && expect(3)) {
    r.kind = RealRecord::Kind::kStart;
    if (!absl::SimpleAtoi(f[2], &r.metadata_version)) return bad("version");
  } else if (kind == "left" && expect(2)) {
    r.kind = RealRecord::Kind::kLeft;
  } else if (kind == "metadata" && expect(3)) {
    r.kind = RealRecord::Kind::kMetadata;
    if (!absl::SimpleAtoi(f[2], &r.metadata_version)) return bad("version");
  } else if (kind == "stats" && expect(4)) {
    r.kind = RealRecord::Kind::kStats;
    if (!absl::SimpleAtoi(f[2], &r.datagrams_sent) ||
        !absl::SimpleAtoi(f[3], &r.bytes_sent)) {
      return bad("counts");
    }
  } else if (kind == "event" && expect(8)) {
    r.kind = RealRecord::Kind::kEvent;
    r.member = std::string(f[2]);
    absl::StatusOr<Status> previous = ParseStatus(f[3]);
    absl::StatusOr<Status> current = ParseStatus(f[4]);
    if (!previous.ok()) return bad(previous.status().message());
    if (!current.ok()) return bad(current.status().message());
    r.previous = *previous;
    r.current = *current;
    uint32_t reason = 0;
    if (!absl::SimpleAtoi(f[5], &reason) || reason > 2) return bad("reason");
    r.offline_reason = static_cast<OfflineReason>(reason);
    if (!absl::SimpleAtoi(f[6], &r.incarnation) ||
        !absl::SimpleAtoi(f[7], &r.metadata_version)) {
      return bad("incarnation or version");
    }
  } else {
    return bad("unknown kind or field count");
  }
  return r;
}

int64_t MonotonicNowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

}  // namespace swim::tools
