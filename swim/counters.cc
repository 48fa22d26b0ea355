#include "swim/counters.h"

namespace swim {

absl::string_view MessageTypeName(size_t index) {
  static constexpr absl::string_view kNames[] = {
      "ping",         "ack",        "nack",   "ping_req",   "sync",
      "meta_request", "meta_chunk", "gossip", "sync_digest"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == kMessageTypeCount);
  return index < kMessageTypeCount ? kNames[index] : "?";
}

}  // namespace swim
