#include "swim/config.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/incarnation_bound.h"
#include "swim/keyring.h"
#include "swim/protocol_version.h"

namespace swim {
namespace {

// The smallest datagram limit that leaves room for a probe with some gossip.
constexpr size_t kMinDatagramBytes = 512;

absl::Status Bad(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("config.", field, ": ", why));
}

absl::Status CheckPositive(absl::string_view field, absl::Duration d) {
  if (d <= absl::ZeroDuration()) {
    return Bad(field,
               absl::StrCat("must be positive, is ", absl::FormatDuration(d)));
  }
  return absl::OkStatus();
}

absl::Status CheckRange(absl::string_view field, int64_t value, int64_t low,
                        int64_t high) {
  if (value < low || value > high) {
    return Bad(field,
               absl::StrCat("must be in [", low, ", ", high, "], is ", value));
  }
  return absl::OkStatus();
}

// Config::Validate in four parts, each checking its fields in order and
// returning the first error.
absl::Status ValidateIdentity(const Config& c) {
  if (c.name.empty()) return Bad("name", "must not be empty");
  if (!IsValidMemberName(c.name)) {
    return Bad("name", "must be 1 to 255 printable ASCII bytes, no spaces");
  }
  if (!ParseAddress(c.address, nullptr, nullptr)) {
    return Bad("address", absl::StrCat("\"", absl::CHexEscape(c.address),
                                       "\" is not host:port"));
  }
  for (size_t i = 0; i < c.seed_peers.size(); ++i) {
    if (!ParseAddress(c.seed_peers[i], nullptr, nullptr)) {
      return Bad(absl::StrCat("seed_peers[", i, "]"),
                 absl::StrCat("\"", absl::CHexEscape(c.seed_peers[i]),
                              "\" is not host:port"));
    }
  }
  if (c.initial_incarnation > kMaxIncarnationJump) {
    // Anything higher is refused by every member that does not know us yet
    // (swim/incarnation_bound.h).
    return Bad("initial_incarnation",
               absl::StrCat("must be at most 2^44 (", kMaxIncarnationJump,
                            "), is ", c.initial_incarnation));
  }
  if (c.keys.empty()) return Bad("keys", "the keyring must hold a key");
  for (size_t i = 0; i < c.keys.size(); ++i) {
    if (c.keys[i].size() < kMinKeyBytes) {
      return Bad(absl::StrCat("keys[", i, "]"),
                 absl::StrCat("must be at least ", kMinKeyBytes, " bytes"));
    }
  }
  if (c.cluster_name.size() > kMaxClusterNameBytes) {
    return Bad("cluster_name", "longer than 255 bytes");
  }
  if (c.max_datagram_bytes < kMinDatagramBytes ||
      c.max_datagram_bytes > kMaxDatagramBytes) {
    return Bad("max_datagram_bytes",
               absl::StrCat("must be in [", kMinDatagramBytes, ", ",
                            kMaxDatagramBytes, "], is ", c.max_datagram_bytes));
  }
  return absl::OkStatus();
}

absl::Status ValidateProbing(const Config& c) {
  if (absl::Status s =
          CheckPositive("join_retry_initial", c.join_retry_initial);
      !s.ok()) {
    return s;
  }
  if (c.join_retry_max < c.join_retry_initial) {
    return Bad("join_retry_max", "must not be shorter than join_retry_initial");
  }
  if (absl::Status s = CheckPositive("probe_interval", c.probe_interval);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckPositive("probe_timeout", c.probe_timeout);
      !s.ok()) {
    return s;
  }
  if (c.probe_timeout >= c.probe_interval) {
    return Bad("probe_timeout", "must be shorter than probe_interval");
  }
  if (absl::Status s =
          CheckRange("probe_ring_monitors", c.probe_ring_monitors, 0, 64);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("indirect_checks", c.indirect_checks, 0, 16);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("suspicion_shown_confirmations",
                                  c.suspicion_shown_confirmations, 0, 16);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("health_max", c.health_max, 1, 64); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("suspicion_min_intervals",
                                  c.suspicion_min_intervals, 1, 100);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckRange("suspicion_max_mult", c.suspicion_max_mult, 1, 100);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("suspicion_confirmations",
                                  c.suspicion_confirmations, 0, 32);
      !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateDissemination(const Config& c) {
  if (absl::Status s = CheckRange("retransmit_mult", c.retransmit_mult, 1, 100);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("offline_retransmit_mult",
                                  c.offline_retransmit_mult, 1, 100);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckPositive("gossip_interval", c.gossip_interval);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("gossip_fanout", c.gossip_fanout, 0, 64);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckPositive("sync_interval", c.sync_interval);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("sync_digest_buckets", c.sync_digest_buckets,
                                  1, static_cast<int>(kMaxDigestBuckets));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("churn_sync_threshold",
                                  c.churn_sync_threshold, 1, 1 << 20);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckPositive("churn_sync_interval", c.churn_sync_interval);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckPositive("churn_settle_delay", c.churn_settle_delay);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("leave_fanout", c.leave_fanout, 0, 64);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckPositive("offline_retention", c.offline_retention);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckPositive("offline_probe_interval", c.offline_probe_interval);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckRange("max_members", c.max_members, 2, int64_t{1} << 24);
      !s.ok()) {
    return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateMetadata(const Config& c) {
  if (c.max_metadata_bytes > kMaxMetadataBytes) {
    return Bad("max_metadata_bytes",
               absl::StrCat("must be at most ", kMaxMetadataBytes));
  }
  if (c.max_app_state_bytes > kMaxAppStateBytes) {
    return Bad("max_app_state_bytes",
               absl::StrCat("must be at most ", kMaxAppStateBytes));
  }
  if (c.metadata_inline_max_bytes > c.max_datagram_bytes / 2) {
    return Bad("metadata_inline_max_bytes",
               "must be at most half of max_datagram_bytes");
  }
  if (absl::Status s = CheckRange("metadata_chunks_per_request",
                                  c.metadata_chunks_per_request, 1, 1024);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckPositive("metadata_fetch_timeout", c.metadata_fetch_timeout);
      !s.ok()) {
    return s;
  }
  for (const auto& [key, value] : c.metadata) {
    if (key.size() > kMaxMetadataKeyBytes) {
      return Bad("metadata",
                 absl::StrCat("key \"", absl::CHexEscape(key.substr(0, 32)),
                              "...\" is longer than ", kMaxMetadataKeyBytes,
                              " bytes"));
    }
  }
  absl::StatusOr<std::string> encoded = EncodeMetadata(c.metadata);
  if (!encoded.ok()) {
    return Bad("metadata", encoded.status().message());
  }
  if (encoded->size() > c.max_metadata_bytes) {
    return Bad("metadata", absl::StrCat("encodes to ", encoded->size(),
                                        " bytes, over max_metadata_bytes (",
                                        c.max_metadata_bytes, ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateProtocolVersions(const Config& c) {
  if (absl::Status s =
          CheckRange("protocol_version_min", c.protocol_version_min,
                     kOldestProtocolVersion, kNewestProtocolVersion);
      !s.ok()) {
    return s;
  }
  return CheckRange("protocol_version_max", c.protocol_version_max,
                    c.protocol_version_min, kNewestProtocolVersion);
}

}  // namespace

bool IsValidMemberName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

bool ParseAddress(absl::string_view address, absl::string_view* host,
                  uint16_t* port) {
  if (address.size() > kMaxNameBytes) return false;
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  absl::string_view host_part = address.substr(0, colon);
  absl::string_view port_part = address.substr(colon + 1);
  if (host_part.front() == '[') {
    if (host_part.size() < 3 || host_part.back() != ']') return false;
    host_part = host_part.substr(1, host_part.size() - 2);
  } else if (host_part.find(':') != absl::string_view::npos) {
    return false;  // an IPv6 literal must be bracketed
  }
  for (char c : host_part) {
    if (c <= ' ' || c > '~' || c == '[' || c == ']') return false;
  }
  if (port_part.empty() || port_part.size() > 5) return false;
  for (char c : port_part) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  uint32_t value = 0;
  if (!absl::SimpleAtoi(port_part, &value) || value == 0 || value > 65535) {
    return false;
  }
  if (host != nullptr) *host = host_part;
  if (port != nullptr) *port = static_cast<uint16_t>(value);
  return true;
}

absl::Status Config::Validate() const {
  if (absl::Status s = ValidateIdentity(*this); !s.ok()) return s;
  if (absl::Status s = ValidateProtocolVersions(*this); !s.ok()) return s;
  if (absl::Status s = ValidateProbing(*this); !s.ok()) return s;
  if (absl::Status s = ValidateDissemination(*this); !s.ok()) return s;
  return ValidateMetadata(*this);
}

}  // namespace swim
