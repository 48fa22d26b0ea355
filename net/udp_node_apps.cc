// UdpNode's explicit join and application traffic (net/udp_node.h): thin
// calls into swim::Node on the loop thread, and the deliveries' listeners.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/socket_address.h"
#include "net/udp_node.h"

namespace swim::net {
namespace {

// How often a blocked Join looks at the answers.
constexpr absl::Duration kJoinPoll = absl::Milliseconds(10);

// `peer` as the node sees the datagrams from it ("ip:port"), so that its
// answer is recognised; as given if it does not resolve now.
std::string Numeric(const std::string& peer) {
  absl::StatusOr<std::vector<SocketAddress>> all = ResolveSocketAddresses(peer);
  if (!all.ok() || all->empty()) return peer;
  return all->front().ToString();
}

}  // namespace

absl::StatusOr<size_t> UdpNode::Join(const std::vector<std::string>& peers,
                                     absl::Duration timeout) {
  std::vector<std::string> numeric;
  numeric.reserve(peers.size());
  for (const std::string& peer : peers) numeric.push_back(Numeric(peer));
  absl::Status joined;
  if (!RunOnLoop([&](absl::Time now) { joined = node_->Join(now, numeric); })) {
    return absl::FailedPreconditionError("the node is stopped");
  }
  if (!joined.ok()) return joined;
  // The distinct peers other than ourselves that can answer.
  size_t expected = 0;
  for (size_t i = 0; i < numeric.size(); ++i) {
    bool repeated = false;
    for (size_t j = 0; j < i; ++j)
      repeated = repeated || numeric[j] == numeric[i];
    if (!repeated && numeric[i] != address_) ++expected;
  }
  // Polls from this thread: the loop must keep running meanwhile (Join
  // from a callback would block it, so it only returns the count so far).
  const absl::Time deadline = absl::Now() + timeout;
  size_t answered = 0;
  for (;;) {
    if (!RunOnLoop([&](absl::Time) { answered = node_->join_answers(); })) {
      return absl::FailedPreconditionError("the node is stopped");
    }
    if (answered >= expected || OnLoopThread() || absl::Now() >= deadline) {
      break;
    }
    absl::SleepFor(kJoinPoll);
  }
  if (answered == 0) {
    return absl::UnavailableError(
        absl::StrCat("Join: none of ", absl::StrJoin(peers, ", "),
                     " answered within ", absl::FormatDuration(timeout)));
  }
  return answered;
}

absl::Status UdpNode::Broadcast(absl::string_view key,
                                absl::string_view payload) {
  absl::Status status;
  if (!RunOnLoop([&](absl::Time now) {
        status = node_->Broadcast(now, key, payload);
      })) {
    return absl::FailedPreconditionError("the node is stopped");
  }
  return status;
}

absl::Status UdpNode::SendTo(absl::string_view member,
                             absl::string_view payload) {
  absl::Status status;
  if (!RunOnLoop([&](absl::Time now) {
        status = node_->SendTo(now, member, payload);
      })) {
    return absl::FailedPreconditionError("the node is stopped");
  }
  return status;
}

Subscription UdpNode::SubscribeDeliveries(DeliveryCallback callback) {
  return delivery_listeners_->Add(std::move(callback));
}

absl::Status UdpNode::SetLocalState(std::string state) {
  absl::Status status;
  if (!RunOnLoop([&](absl::Time now) {
        status = node_->SetLocalState(now, std::move(state));
      })) {
    return absl::FailedPreconditionError("the node is stopped");
  }
  return status;
}

Subscription UdpNode::SubscribeStateMerges(StateMergeCallback callback) {
  return state_merge_listeners_->Add(std::move(callback));
}

void UdpNode::PublishStateMerges() {
  while (std::optional<StateMerge> m = node_->PollStateMerge()) {
    state_merge_listeners_->Notify(*m);
  }
}

void UdpNode::PublishDeliveries() {
  while (std::optional<Delivery> d = node_->PollDelivery()) {
    delivery_listeners_->Notify(*d);
  }
}

}  // namespace swim::net
