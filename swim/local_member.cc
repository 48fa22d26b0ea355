#include "swim/local_member.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "swim/codec.h"
#include "swim/incarnation_bound.h"

namespace swim {

uint64_t FirstMetadataVersion(const Config& config) {
  return config.initial_incarnation + 1;
}

void LocalMember::Start(Metadata metadata) {
  Members::MetadataEntry local;
  local.version = FirstMetadataVersion(ctx_.config);
  local.encoded = EncodeMetadata(metadata).value();  // validated
  local.map = std::move(metadata);
  ctx_.members.InstallMetadata(Members::kLocalId, std::move(local));
  ctx_.Emit(Members::kLocalId, Status::kUnknown, /*metadata_changed=*/true);
}

void LocalMember::Rebut(uint64_t accused_incarnation) {
  if (accused_incarnation >= incarnation()) {
    Refute(accused_incarnation);
    return;
  }
  // Stale: we already out-incarnated it, but whoever sent it has not heard.
  // Spread the current Alive again (no new incarnation), so that it leads
  // our next packets, the ack to a buddy-system ping included.
  if (!ctx_.config.testing.disable_refutation &&
      !outbox_.IsQueued(Members::kLocalId)) {
    outbox_.Enqueue(Members::kLocalId);
  }
}

void LocalMember::Refute(uint64_t accused_incarnation) {
  if (ctx_.config.testing.disable_refutation) return;
  Members& members = ctx_.members;
  Members::Record& record = members.mutable_record(Members::kLocalId);
  const bool previous_life = accused_incarnation > record.incarnation;
  // Saturates: accusations above kMaxAccusedIncarnation never get here
  // (Membership refuses them), so this always out-incarnates them.
  record.incarnation = NextIncarnation(record.incarnation, accused_incarnation);
  if (previous_life) {
    // The cluster may hold metadata of that life under versions we also
    // used; move past them so everyone takes ours.
    // (A life's versions never exceed its incarnation + 1.)
    Members::MetadataEntry entry;
    entry.map = members.HeldMap(Members::kLocalId);
    entry.encoded = EncodeMetadata(entry.map).value();  // it was valid
    entry.version = SaturatingIncrement(
        std::max(record.metadata_version, record.incarnation));
    members.InstallMetadata(Members::kLocalId, std::move(entry));
  }
  ++ctx_.counters.refutations;
  ctx_.UpdateHealth(+1);
  outbox_.Enqueue(Members::kLocalId);
}

absl::Status LocalMember::SetMetadata(Metadata metadata) {
  for (const auto& [key, value] : metadata) {
    if (key.size() > kMaxMetadataKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("SetMetadata: a key is ", key.size(),
                       " bytes; the limit is ", kMaxMetadataKeyBytes));
    }
  }
  absl::StatusOr<std::string> encoded = EncodeMetadata(metadata);
  if (!encoded.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SetMetadata: ", encoded.status().message()));
  }
  if (encoded->size() > ctx_.config.max_metadata_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("SetMetadata: the map encodes to ", encoded->size(),
                     " bytes; the limit (config.max_metadata_bytes) is ",
                     ctx_.config.max_metadata_bytes));
  }
  Members::Record& record = ctx_.members.mutable_record(Members::kLocalId);
  if (record.incarnation >= kMaxAliveIncarnation) {
    // Only an insider's many datagrams get a member here; the way back is a
    // new life (swim/protocol.md, "Bounded incarnations").
    return absl::FailedPreconditionError(
        "SetMetadata: the incarnation is at its ceiling; leave, and restart "
        "once the cluster has forgotten this member");
  }
  // A new incarnation, so that the new Alive wins everywhere.
  record.incarnation = NextIncarnation(record.incarnation, 0);
  Members::MetadataEntry entry;
  entry.version = std::max(SaturatingIncrement(record.metadata_version),
                           record.incarnation);
  entry.map = std::move(metadata);
  entry.encoded = std::move(*encoded);
  ctx_.members.InstallMetadata(Members::kLocalId, std::move(entry));
  outbox_.Enqueue(Members::kLocalId);
  ctx_.Emit(Members::kLocalId, Status::kOnline, /*metadata_changed=*/true);
  return absl::OkStatus();
}

}  // namespace swim
