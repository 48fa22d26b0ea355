// The application's own state in anti-entropy (memberlist's LocalState /
// MergeRemoteState): a bounded blob the application sets
// (Node::SetLocalState) and every member it exchanges state with fetches
// and hands to its application (Node::PollStateMerge), with who sent it
// and whether the exchange was a join.
//
// Why a provider and a queue, not callbacks: swim/ is sans-I/O and never
// calls into the application in the middle of an input. The application
// sets its blob whenever it changes (a snapshot, sent whenever an exchange
// happens) and drains the merges it received, like PollEvent and
// PollDelivery; a merge is the remote blob, whole, for the application to
// merge into its own state (and, usually, into the blob it sets next).
//
// On the wire (version 2 only, swim/wire_format.md): at each exchange that
// anti-entropy starts (the join, the periodic and the churn exchanges) or
// answers (a full state asked for), a node with a state sends a small
// StateOffer (version, size, join); a receiver to whom that version is
// news fetches it with StateRequest / StateChunk windows, as metadata maps
// travel (swim/chunked_download.h), from the offering address. An offer
// that asks for a reply is answered with our own offer, unless we offered
// to that address within kOfferQuiet. Each (sender, version) is merged at
// most once here: a merge must be idempotent anyway, so an unchanged state
// is not fetched again at every exchange.
//
// Bounded on hostile input: offers from members we do not know, over
// config.max_app_state_bytes or beyond kMaxFetches at once are refused,
// chunks that do not continue a fetch are ignored, both counted
// (counters().user); merges wait for the application, kMaxPendingMerges
// at most.
//
//   AppState state(ctx, outbox);
//   SWIM_RETURN_IF_ERROR(state.Set(now, "ring v7 ..."));
//   state.OnExchange(now, peer_address, /*join=*/true);  // from anti-entropy
//   while (std::optional<StateMerge> m = state.Poll()) Merge(m->from,
//   m->state);
#ifndef SWIM_APP_STATE_H_
#define SWIM_APP_STATE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/chunked_download.h"
#include "swim/message.h"
#include "swim/node_context.h"
#include "swim/outbox.h"

namespace swim {

// A remote member's application state, as Node::PollStateMerge returns it.
struct StateMerge {
  std::string from;  // the member whose state it is
  // Exchanged as part of a join: ours (the answer to one we sent) or the
  // sender's (it was joining through us).
  bool join = false;
  uint64_t version = 0;  // the sender's, increasing with each SetLocalState
  std::string state;
};

class AppState {
 public:
  // Fetches under way at once: each holds up to max_app_state_bytes.
  static constexpr size_t kMaxFetches = 4;
  // Merges waiting for the application; more are dropped (counted).
  static constexpr size_t kMaxPendingMerges = 16;
  // Addresses remembered as offered to, joined through, or owed the
  // join's offer.
  static constexpr size_t kMaxTrackedAddresses = 64;
  // An offer asking for a reply is not answered if we offered to that
  // address this recently (both sides of an exchange offer at once).
  static constexpr absl::Duration kOfferQuiet = absl::Seconds(1);
  // An offer from an address we sent a join exchange to this recently is
  // the join's answer; a join offer that could not go then (the peer's
  // range unknown) goes with the next exchange with it this recently.
  static constexpr absl::Duration kJoinAnswerWithin = absl::Seconds(5);
  // A fetch gives up after this many silent attempts.
  static constexpr int kMaxFetchAttempts = 8;

  AppState(NodeContext& ctx, Outbox& outbox) : ctx_(ctx), outbox_(outbox) {}

  AppState(const AppState&) = delete;
  AppState& operator=(const AppState&) = delete;

  // Replaces the local state offered from the next exchange on (empty: no
  // state, nothing offered). InvalidArgument over max_app_state_bytes.
  absl::Status Set(absl::Time now, std::string state);
  const std::string& local() const { return state_; }
  uint64_t local_version() const { return version_; }

  // Anti-entropy's hook: an exchange with `to_address` starts, or a full
  // state asked for is answered; `join` if it is this node's join (or the
  // first exchange with that address since a join offer to it failed).
  void OnExchange(absl::Time now, absl::string_view to_address, bool join);

  void OnOffer(absl::Time now, absl::string_view sender,
               const StateOffer& offer, absl::string_view from_address);
  // Serves a window of our state.
  void OnRequest(const StateRequest& req, absl::string_view from_address);
  void OnChunk(absl::Time now, absl::string_view sender,
               const StateChunk& chunk);
  // Asks again for fetches that went quiet, or gives up on them.
  void RunTimers(absl::Time now);
  absl::Time NextDeadline() const;
  // Forgets the fetches under way (the node left).
  void Clear() { fetches_.clear(); }

  std::optional<StateMerge> Poll();
  size_t fetches() const { return fetches_.size(); }
  size_t pending_merges() const { return merges_.size(); }

 private:
  struct Fetch {
    ChunkedDownload download;
    bool join = false;
  };

  void Offer(absl::Time now, absl::string_view to_address, bool join,
             bool reply_wanted);
  void Request(absl::Time now, Fetch& fetch);
  void Complete(const std::string& sender, Fetch fetch);
  // Whether `address` is in `table` since `within` before `now`; drops
  // entries older than that.
  static bool Recent(std::map<std::string, absl::Time, std::less<>>& table,
                     absl::string_view address, absl::Time now,
                     absl::Duration within);
  static void Remember(std::map<std::string, absl::Time, std::less<>>& table,
                       absl::string_view address, absl::Time now,
                       absl::Duration within);

  NodeContext& ctx_;
  Outbox& outbox_;
  std::string state_;
  uint64_t version_ = 0;
  std::map<std::string, Fetch> fetches_;  // by sender
  // The last version merged of each sender (at most max_members).
  std::map<std::string, uint64_t> merged_;
  std::map<std::string, absl::Time, std::less<>> offered_;
  std::map<std::string, absl::Time, std::less<>> joining_;
  // Addresses whose join offer could not go yet.
  std::map<std::string, absl::Time, std::less<>> join_owed_;
  std::deque<StateMerge> merges_;
};

}  // namespace swim

#endif  // SWIM_APP_STATE_H_
