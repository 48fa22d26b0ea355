#include "swim/app_state.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "swim/replay_guard.h"

namespace swim {

absl::Status AppState::Set(absl::Time now, std::string state) {
  if (state.size() > ctx_.config.max_app_state_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("SetLocalState: the state is ", state.size(),
                     " bytes; the limit (config.max_app_state_bytes) is ",
                     ctx_.config.max_app_state_bytes));
  }
  // Versions follow the clock (microseconds), so that a restarted node's
  // first state is newer than its previous life's last.
  const int64_t micros = std::max<int64_t>(0, absl::ToUnixMicros(now));
  version_ = std::max(version_ + 1, static_cast<uint64_t>(micros));
  state_ = std::move(state);
  return absl::OkStatus();
}

bool AppState::Recent(std::map<std::string, absl::Time, std::less<>>& table,
                      absl::string_view address, absl::Time now,
                      absl::Duration within) {
  for (auto it = table.begin(); it != table.end();) {
    it = now - it->second >= within ? table.erase(it) : std::next(it);
  }
  return table.find(address) != table.end();
}

void AppState::Remember(std::map<std::string, absl::Time, std::less<>>& table,
                        absl::string_view address, absl::Time now,
                        absl::Duration within) {
  auto it = table.find(address);
  if (it != table.end()) {
    it->second = now;
    return;
  }
  Recent(table, address, now, within);
  if (table.size() < kMaxTrackedAddresses) table.emplace(address, now);
}

void AppState::OnExchange(absl::Time now, absl::string_view to_address,
                          bool join) {
  if (join) Remember(joining_, to_address, now, kJoinAnswerWithin);
  // The join's offer could not go (the peer's range was unknown): the next
  // exchange with that peer carries it. A node alone lets its periodic
  // exchange lapse, so one comes due the moment the join's answer brings
  // a member, maybe before the peer's own offer is read; without the join
  // flag, the peer would merge our state as a mere exchange's.
  join = join || Recent(join_owed_, to_address, now, kJoinAnswerWithin);
  if (state_.empty()) return;
  Offer(now, to_address, join, /*reply_wanted=*/true);
}

void AppState::Offer(absl::Time now, absl::string_view to_address, bool join,
                     bool reply_wanted) {
  StateOffer offer;
  offer.version = version_;
  offer.size = static_cast<uint32_t>(state_.size());
  offer.join = join;
  offer.reply_wanted = reply_wanted;
  // Version 1 has no offers; to a peer of unknown range the answer to our
  // state exchange brings its offer and we answer that.
  absl::StatusOr<PacketWriter> writer = outbox_.StartPacket(to_address, offer);
  if (!writer.ok()) {
    if (join) Remember(join_owed_, to_address, now, kJoinAnswerWithin);
    return;
  }
  if (join) join_owed_.erase(std::string(to_address));
  Remember(offered_, to_address, now, kOfferQuiet);
  outbox_.Send(to_address, std::move(*writer), MessageTypeIndex<StateOffer>());
  ++ctx_.counters.user.states_offered;
}

void AppState::OnOffer(absl::Time now, absl::string_view sender,
                       const StateOffer& offer,
                       absl::string_view from_address) {
  UserCounters& counters = ctx_.counters.user;
  const std::optional<uint32_t> id = ctx_.members.IdOf(sender);
  if (!id.has_value() || ctx_.members.record(*id).status == Status::kOffline) {
    ++counters.states_refused;  // not a member we know
    return;
  }
  const bool join =
      offer.join || Recent(joining_, from_address, now, kJoinAnswerWithin);
  joining_.erase(std::string(from_address));
  if (offer.reply_wanted && !state_.empty() &&
      !Recent(offered_, from_address, now, kOfferQuiet)) {
    Offer(now, from_address, join, /*reply_wanted=*/false);
  }
  if (offer.size == 0 || offer.size > ctx_.config.max_app_state_bytes) {
    ++counters.states_refused;
    return;
  }
  const std::string name(sender);
  if (auto merged = merged_.find(name);
      merged != merged_.end() && merged->second >= offer.version) {
    ++counters.states_unchanged;
    return;
  }
  auto it = fetches_.find(name);
  if (it != fetches_.end() && it->second.download.version >= offer.version) {
    // Already on it; a join's offer of it makes it the join's merge.
    it->second.join = it->second.join || join;
    return;
  }
  if (it == fetches_.end() && fetches_.size() >= kMaxFetches) {
    ++counters.states_refused;
    return;
  }
  Fetch fetch;
  // A newer version replacing the join's fetch is the join's merge still.
  fetch.join = join || (it != fetches_.end() && it->second.join);
  fetch.download.version = offer.version;
  fetch.download.total_size = offer.size;
  fetch.download.size_fixed = true;
  fetch.download.source = std::string(from_address);
  fetch.download.deadline = now + ctx_.config.metadata_fetch_timeout;
  Fetch& stored = fetches_[name] = std::move(fetch);
  Request(now, stored);
}

void AppState::Request(absl::Time now, Fetch& fetch) {
  ChunkedDownload& download = fetch.download;
  StateRequest req;
  req.version = download.version;
  req.offset = static_cast<uint32_t>(download.data.size());
  req.stamp = NextRequestStamp(ctx_.last_stamp, now);
  download.window_start = req.offset;
  absl::StatusOr<PacketWriter> writer =
      outbox_.StartPacket(download.source, req);
  if (!writer.ok()) return;
  outbox_.Send(download.source, std::move(*writer),
               MessageTypeIndex<StateRequest>());
}

void AppState::OnRequest(const StateRequest& req,
                         absl::string_view from_address) {
  if (req.version != version_ || req.offset >= state_.size()) {
    return;  // not the state we hold (any more); the requester gives up
  }
  StateChunk chunk;
  chunk.version = version_;
  chunk.total_size = static_cast<uint32_t>(state_.size());
  chunk.offset = req.offset;
  SendChunks(outbox_, from_address, std::move(chunk), state_,
             ctx_.config.metadata_chunks_per_request);
}

void AppState::OnChunk(absl::Time now, absl::string_view sender,
                       const StateChunk& chunk) {
  auto it = fetches_.find(std::string(sender));
  if (it == fetches_.end()) {
    ++ctx_.counters.user.state_chunks_ignored;
    return;
  }
  Fetch& fetch = it->second;
  switch (fetch.download.Take(chunk.version, chunk.total_size, chunk.offset,
                              chunk.data, ctx_.config.max_app_state_bytes,
                              ctx_.config.metadata_chunks_per_request,
                              now + ctx_.config.metadata_fetch_timeout)) {
    case ChunkedDownload::Step::kRejected:
      ++ctx_.counters.user.state_chunks_ignored;
      return;
    case ChunkedDownload::Step::kWait:
      return;
    case ChunkedDownload::Step::kAskMore:
      Request(now, fetch);
      return;
    case ChunkedDownload::Step::kComplete:
      break;
  }
  const std::string name = it->first;
  Fetch done = std::move(fetch);
  fetches_.erase(it);
  Complete(name, std::move(done));
}

void AppState::Complete(const std::string& sender, Fetch fetch) {
  auto merged = merged_.find(sender);
  if (merged == merged_.end()) {
    if (merged_.size() >= static_cast<size_t>(ctx_.config.max_members)) {
      merged_.erase(merged_.begin());  // forgotten: fetched again if offered
    }
    merged = merged_.emplace(sender, 0).first;
  }
  merged->second = fetch.download.version;
  if (merges_.size() >= kMaxPendingMerges) {
    ++ctx_.counters.user.state_merges_dropped;
    return;
  }
  StateMerge merge;
  merge.from = sender;
  merge.join = fetch.join;
  merge.version = fetch.download.version;
  merge.state = std::move(fetch.download.data);
  merges_.push_back(std::move(merge));
  ++ctx_.counters.user.states_merged;
}

void AppState::RunTimers(absl::Time now) {
  std::vector<std::string> due;
  for (const auto& [sender, fetch] : fetches_) {
    if (now >= fetch.download.deadline) due.push_back(sender);
  }
  for (const std::string& sender : due) {
    Fetch& fetch = fetches_[sender];
    if (++fetch.download.attempts > kMaxFetchAttempts) {
      fetches_.erase(sender);
      ++ctx_.counters.user.state_fetches_failed;
      continue;
    }
    // Only the sender holds its state: ask it again.
    fetch.download.deadline = now + ctx_.config.metadata_fetch_timeout;
    Request(now, fetch);
  }
}

absl::Time AppState::NextDeadline() const {
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [sender, fetch] : fetches_) {
    next = std::min(next, fetch.download.deadline);
  }
  return next;
}

std::optional<StateMerge> AppState::Poll() {
  if (merges_.empty()) return std::nullopt;
  StateMerge merge = std::move(merges_.front());
  merges_.pop_front();
  return merge;
}

}  // namespace swim
