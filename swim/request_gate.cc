#include "swim/request_gate.h"

#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "swim/drop_reason.h"

namespace swim {
namespace {

// The stamp of a request that asks for a large reply (swim/replay_guard.h);
// nullopt for other messages.
std::optional<uint64_t> RequestStampOf(const MessageView& message) {
  if (const Sync* sync = std::get_if<Sync>(&message)) {
    if (!sync->reply_wanted) return std::nullopt;
    return sync->stamp;
  }
  if (const auto* digest = std::get_if<SyncDigestView>(&message)) {
    return digest->stamp;
  }
  if (const auto* req = std::get_if<MetaRequestView>(&message)) {
    return req->stamp;
  }
  if (const auto* req = std::get_if<StateRequest>(&message)) {
    return req->stamp;
  }
  return std::nullopt;
}

}  // namespace

RequestGate::RequestGate(NodeContext& ctx, Outbox& outbox)
    : ctx_(ctx),
      outbox_(outbox),
      validation_(static_cast<size_t>(ctx.config.max_members),
                  ctx.config.testing.trust_all_addresses, ctx.counters),
      deferred_(ctx.counters),
      replay_guard_(static_cast<size_t>(ctx.config.max_members), ctx.counters) {
}

bool RequestGate::AcceptStamp(absl::Time now, const PacketView& packet) {
  const std::optional<uint64_t> stamp = RequestStampOf(packet.message);
  if (!stamp.has_value()) return true;
  // Version 1 has no stamps (older nodes): answered, unprotected, counted.
  // The 3x limit still holds; only a replay's repeat goes unrefused.
  if (packet.version < 2) {
    ++ctx_.counters.requests_unstamped;
    return true;
  }
  switch (replay_guard_.Check(now, packet.sender, *stamp)) {
    case ReplayGuard::Verdict::kFresh:
      return true;
    case ReplayGuard::Verdict::kReplayed:
      ++ctx_.counters.drops[static_cast<size_t>(DropReason::kReplayed)];
      return false;
    case ReplayGuard::Verdict::kStale:
      ++ctx_.counters.drops[static_cast<size_t>(DropReason::kStale)];
      return false;
  }
  return false;
}

size_t RequestGate::ReplyLimit(absl::string_view from_address,
                               size_t datagram_bytes) const {
  if (validation_.IsValidated(from_address)) {
    return std::numeric_limits<size_t>::max();
  }
  return 3 * datagram_bytes;
}

bool RequestGate::Admit(absl::Time now, absl::string_view from_address,
                        absl::string_view sender, Message& request,
                        size_t datagram_bytes) {
  const Sync* sync = std::get_if<Sync>(&request);
  if ((sync != nullptr && !sync->reply_wanted) ||
      validation_.IsValidated(from_address)) {
    return true;
  }
  Expire(now);
  if (!deferred_.Defer(now, from_address, std::move(request))) return false;
  // The challenge: a ping only the member at that address can ack, within
  // the 3x the request allows.
  if (!validation_.Awaits(from_address)) {
    SendChallenge(from_address, sender, 3 * datagram_bytes);
  }
  return false;
}

std::vector<Message> RequestGate::OnAck(uint32_t seq,
                                        absl::string_view from_address) {
  if (!validation_.OnAck(seq, from_address)) return {};
  return deferred_.Take(from_address);
}

void RequestGate::Expire(absl::Time now) {
  // Unanswered: the challenge or its ack was lost, and whatever ping is
  // still awaited from there must not stop the next one (a lost challenge
  // once kept a requester unanswered for good: cluster_fuzz).
  for (const std::string& address : deferred_.Expire(now)) {
    validation_.Abandon(address);
  }
}

void RequestGate::SendChallenge(absl::string_view to_address,
                                absl::string_view member, size_t max_bytes) {
  // Bare: it only has to come back, and gossip in it would keep the
  // requester busy with news before the answer it waits for (join_storm
  // converged 0.1 to 0.4 s later with gossip in challenges).
  Ping challenge;
  challenge.seq = ctx_.NextSeq();
  challenge.target = std::string(member);
  if (outbox_.SendBare(to_address, challenge, max_bytes)) {
    ++ctx_.counters.challenges_sent;
  }
}

}  // namespace swim
