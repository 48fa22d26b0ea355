// The local member's own life: its incarnation and metadata versions, how
// it refutes accusations (a new incarnation, Lifeguard's refutation), and
// how a new metadata map is announced.
//
//   LocalMember local(ctx, outbox);
//   local.Install(std::move(config_metadata));  // at start
//   local.Rebut(accused_incarnation);           // heard a Suspect of us
//   absl::Status s = local.SetMetadata({{"role", "db"}});
#ifndef SWIM_LOCAL_MEMBER_H_
#define SWIM_LOCAL_MEMBER_H_

#include <cstdint>

#include "absl/status/status.h"
#include "swim/config.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/outbox.h"

namespace swim {

// The local metadata's first version; versions start at 1 so that a member
// we hold no map for (version 0) always lacks it.
uint64_t FirstMetadataVersion(const Config& config);

class LocalMember {
 public:
  LocalMember(NodeContext& ctx, Outbox& outbox) : ctx_(ctx), outbox_(outbox) {}

  LocalMember(const LocalMember&) = delete;
  LocalMember& operator=(const LocalMember&) = delete;

  // Installs the first metadata map (already validated) at the first
  // version and reports the local member.
  void Start(Metadata metadata);

  // Answers gossip that the local member is suspect or offline at
  // `accused_incarnation`: refutes it if current, re-spreads our Alive if
  // stale.
  void Rebut(uint64_t accused_incarnation);
  // Out-incarnates an accusation (or a previous life's Alive) at
  // `accused_incarnation`.
  void Refute(uint64_t accused_incarnation);
  // Replaces the whole map and spreads it under a new incarnation;
  // InvalidArgument if a key or the encoded map is over its limit.
  absl::Status SetMetadata(Metadata metadata);

  uint64_t incarnation() const {
    return ctx_.members.record(Members::kLocalId).incarnation;
  }

 private:
  NodeContext& ctx_;
  Outbox& outbox_;
};

}  // namespace swim

#endif  // SWIM_LOCAL_MEMBER_H_
