#include "swim/drop_reason.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace swim {
namespace {

constexpr absl::string_view kPayloadUrl = "swim.drop_reason";

constexpr std::array<absl::string_view, kDropReasonCount> kNames = {
    "truncated",   "oversized",      "bad_version",      "unknown_type",
    "bad_length",  "trailing_bytes", "too_many_entries", "bad_value",
    "unknown_key", "auth_failed",    "not_encrypted",    "replayed",
    "stale",
};

}  // namespace

absl::string_view DropReasonName(DropReason reason) {
  const size_t index = static_cast<size_t>(reason);
  return index < kNames.size() ? kNames[index] : "unknown";
}

absl::Status DropError(DropReason reason, absl::string_view detail) {
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat(DropReasonName(reason), ": ", detail));
  status.SetPayload(kPayloadUrl,
                    absl::Cord(std::string(1, static_cast<char>(reason))));
  return status;
}

DropReason DropReasonOf(const absl::Status& status) {
  const absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value() || payload->size() != 1)
    return DropReason::kBadValue;
  const auto index = static_cast<uint8_t>((*payload)[0]);
  if (index >= kDropReasonCount) return DropReason::kBadValue;
  return static_cast<DropReason>(index);
}

}  // namespace swim
