#include "net/udp_node.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "net/member_snapshot.h"
#include "net/monotonic_clock.h"
#include "net/socket_address.h"
#include "net/tsan_mutex_lock.h"
#include "net/udp_socket.h"
#include "openssl/mem.h"
#include "swim/keyring.h"
#include "swim/node.h"

namespace swim::net {
namespace {

// Receive batches handled per wake-up before timers and commands get a
// turn; the socket stays readable, so the loop comes straight back.
constexpr int kReceiveRoundsPerWakeup = 16;

absl::Status ErrnoError(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// `host_port` with its port replaced by `port`.
std::string WithPort(absl::string_view host_port, uint16_t port) {
  std::string host;
  uint16_t old_port = 0;
  if (!SplitHostPort(host_port, &host, &old_port).ok()) {
    return std::string(host_port);
  }
  if (absl::StrContains(host, ":")) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

}  // namespace

UdpNode::UdpNode(UdpNodeOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<UdpNode>> UdpNode::Start(
    UdpNodeOptions options) {
  std::unique_ptr<UdpNode> node(new UdpNode(std::move(options)));
  if (absl::Status s = node->Init(); !s.ok()) return s;
  node->thread_ = std::thread([raw = node.get()] { raw->Loop(); });
  return node;
}

absl::Status UdpNode::Init() {
  Config& config = options_.config;
  if (config.address.empty()) {
    return absl::InvalidArgumentError("address: empty (want host:port)");
  }
  const std::string& bind_text =
      options_.bind_address.empty() ? config.address : options_.bind_address;
  absl::StatusOr<std::vector<SocketAddress>> bind_to =
      ResolveSocketAddresses(bind_text);
  if (!bind_to.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bind address: ", bind_to.status().message()));
  }
  absl::StatusOr<UdpSocket> socket =
      UdpSocket::Bind(bind_to->front(), options_.socket_buffer_bytes);
  if (!socket.ok()) return socket.status();
  absl::StatusOr<SocketAddress> local = socket->LocalAddress();
  if (!local.ok()) return local.status();
  socket_.emplace(*std::move(socket));

  // Port 0: advertise the port the system chose, under the same name when
  // the name was the address (the seed's convention).
  std::string host;
  uint16_t port = 0;
  if (SplitHostPort(config.address, &host, &port).ok() && port == 0) {
    std::string bound = WithPort(config.address, local->port());
    if (config.name.empty() || config.name == config.address) {
      config.name = bound;
    }
    config.address = bound;
  }
  if (config.name.empty()) config.name = config.address;
  if (!options_.keep_seed) {
    uint64_t seed = 0;
    crypto_random_.Fill(
        absl::MakeSpan(reinterpret_cast<uint8_t*>(&seed), sizeof(seed)));
    config.seed = seed;
    config.nonce_source = &crypto_random_;
  }
  name_ = config.name;
  address_ = config.address;

  absl::StatusOr<std::unique_ptr<Node>> node =
      Node::Create(config, MonotonicNow());
  if (!node.ok()) return node.status();
  node_ = *std::move(node);
  node_->SetAdmissionCheck(options_.admission_check);
  receive_batch_ = std::make_unique<ReceiveBatch>(
      options_.receive_batch, config.max_datagram_bytes + 1);

  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return ErrnoError("epoll_create1");
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ < 0) return ErrnoError("timerfd_create");
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) return ErrnoError("eventfd");
  for (int fd : {socket_->fd(), timer_fd_, event_fd_}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
      return ErrnoError("epoll_ctl");
    }
  }
  ResolverOptions resolver;
  resolver.family = socket_->family();
  resolver.on_done = [this] { Wake(); };
  resolver_ = std::make_unique<Resolver>(std::move(resolver));
  TsanMutexLock lock(&mu_);
  snapshot_ = std::make_shared<const MembersSnapshot>(
      MembersSnapshot::From(node_->members()));
  return absl::OkStatus();
}

UdpNode::~UdpNode() {
  Stop();
  resolver_.reset();  // its workers wake us no more
  for (int fd : {epoll_fd_, timer_fd_, event_fd_}) {
    if (fd >= 0) close(fd);
  }
}

std::shared_ptr<const MembersSnapshot> UdpNode::Members() const {
  TsanMutexLock lock(&mu_);
  return snapshot_;
}

absl::Status UdpNode::SetMetadata(Metadata metadata) {
  absl::Status status;
  bool ran = RunOnLoop([&](absl::Time now) {
    status = node_->SetMetadata(now, std::move(metadata));
  });
  if (!ran) return absl::FailedPreconditionError("the node is stopped");
  return status;
}

absl::StatusOr<KeyId> UdpNode::AddKey(std::string key) {
  absl::StatusOr<KeyId> added = absl::FailedPreconditionError("");
  bool ran = RunOnLoop([&](absl::Time) { added = node_->AddKey(key); });
  OPENSSL_cleanse(key.data(), key.size());
  if (!ran) return absl::FailedPreconditionError("the node is stopped");
  return added;
}

absl::Status UdpNode::UseKey(KeyId id) {
  absl::Status status;
  bool ran = RunOnLoop([&](absl::Time) { status = node_->UseKey(id); });
  if (!ran) return absl::FailedPreconditionError("the node is stopped");
  return status;
}

absl::Status UdpNode::RemoveKey(KeyId id) {
  absl::Status status;
  bool ran = RunOnLoop([&](absl::Time) { status = node_->RemoveKey(id); });
  if (!ran) return absl::FailedPreconditionError("the node is stopped");
  return status;
}

absl::StatusOr<std::vector<KeyId>> UdpNode::KeyIds() const {
  std::vector<KeyId> ids;
  bool ran = RunOnLoop([&](absl::Time) { ids = node_->key_ids(); });
  if (!ran) return absl::FailedPreconditionError("the node is stopped");
  return ids;
}

absl::StatusOr<std::vector<MemberRoundTrip>> UdpNode::RoundTrips() const {
  std::vector<MemberRoundTrip> out;
  bool ran = RunOnLoop([&](absl::Time) {
    for (const MemberView& m : node_->members().Others()) {
      out.push_back(MemberRoundTrip{std::string(m.name), node_->Rtt(m.name),
                                    node_->EstimatedRtt(m.name)});
    }
  });
  if (!ran) return absl::FailedPreconditionError("the node is stopped");
  return out;
}

absl::StatusOr<std::optional<Coordinate>> UdpNode::LocalCoordinate() const {
  std::optional<Coordinate> coordinate;
  bool ran = RunOnLoop([&](absl::Time) { coordinate = node_->coordinate(); });
  if (!ran) return absl::FailedPreconditionError("the node is stopped");
  return coordinate;
}

Subscription UdpNode::Subscribe(ChangeCallback callback, bool replay_members) {
  if (!replay_members) return listeners_->Add(std::move(callback));
  Subscription subscription;
  // On the loop thread, so that no change slips between the replay and the
  // subscription.
  bool ran = RunOnLoop([&](absl::Time) {
    MembersSnapshot now = MembersSnapshot::From(node_->members());
    for (const MemberInfo& member : now.members) {
      MemberEvent event;
      event.member = member.name;
      event.current = member.status;
      event.offline_reason = member.offline_reason;
      event.incarnation = member.incarnation;
      event.address = member.address;
      event.metadata_changed = !member.metadata.empty();
      callback(MemberChange::Of(std::move(event), member));
    }
    subscription = listeners_->Add(callback);
  });
  if (!ran) subscription = listeners_->Add(std::move(callback));
  return subscription;
}

void UdpNode::Leave() {
  RunOnLoop([&](absl::Time now) { node_->Leave(now); });
}

void UdpNode::Stop() {
  Stop(options_.leave_on_stop ? StopMode::kLeave : StopMode::kNoLeave);
}

void UdpNode::Stop(StopMode mode) {
  {
    TsanMutexLock lock(&mu_);
    if (!stop_requested_.has_value()) stop_requested_ = mode;
  }
  Wake();
  if (OnLoopThread()) return;
  TsanMutexLock join(&join_mu_);
  if (thread_.joinable()) thread_.join();
}

bool UdpNode::stopped() const {
  TsanMutexLock lock(&mu_);
  return loop_ended_;
}

UdpNodeStats UdpNode::Stats() const {
  UdpNodeStats stats;
  bool ran = RunOnLoop([&](absl::Time) {
    stats.node = node_->counters();
    stats.socket = socket_counters_;
    stats.pending_gossip = node_->pending_gossip();
    stats.resolver = resolver_->stats();
    stats.loop_stall_us_max =
        static_cast<uint64_t>(absl::ToInt64Microseconds(loop_stall_max_));
  });
  if (ran) return stats;
  TsanMutexLock lock(&mu_);
  return final_stats_;
}

bool UdpNode::OnLoopThread() const {
  return loop_thread_id_.load() == std::this_thread::get_id();
}

void UdpNode::Wake() const {
  uint64_t one = 1;
  // A full counter (never in practice) still leaves the eventfd readable.
  [[maybe_unused]] ssize_t written = write(event_fd_, &one, sizeof(one));
}

bool UdpNode::RunOnLoop(const Command& command) const {
  if (OnLoopThread()) {
    command(MonotonicNow());
    Wake();  // whatever the command queued goes out on the next turn
    return true;
  }
  // Shared, so that neither side frees it while the other still uses it.
  struct Done {
    absl::Mutex mu;
    absl::CondVar cv;
    bool done ABSL_GUARDED_BY(mu) = false;
  };
  auto done = std::make_shared<Done>();
  {
    TsanMutexLock lock(&mu_);
    if (loop_ended_) return false;
    commands_.push_back([&command, done](absl::Time now) {
      command(now);
      TsanMutexLock lock(&done->mu);
      done->done = true;
      done->cv.Signal();
    });
  }
  Wake();
  TsanMutexLock lock(&done->mu);
  while (!done->done) lock.Wait(&done->cv);
  return true;
}

void UdpNode::Loop() {
  loop_thread_id_.store(std::this_thread::get_id());
  const absl::Duration linger =
      options_.leave_linger.value_or(2 * options_.config.probe_interval);
  std::optional<absl::Time> stop_at;
  absl::Time now = MonotonicNow();
  // When this wake-up's work began, for the longest stall.
  absl::Time woke = now;
  for (;;) {
    std::vector<Command> commands;
    std::optional<StopMode> stop;
    {
      TsanMutexLock lock(&mu_);
      commands.swap(commands_);
      stop = stop_requested_;
    }
    for (const Command& command : commands) command(now);
    CollectEvents();
    if (stop.has_value() && !stop_at.has_value()) {
      if (*stop == StopMode::kLeave && !node_->has_left()) {
        node_->Leave(now);
        stop_at = now + linger;
      } else {
        stop_at = now;
      }
    }
    resolver_->Poll(now);
    if (now >= node_->NextDeadline()) node_->Tick(now);
    FlushTransmits();
    PublishEvents();
    PublishDeliveries();
    PublishStateMerges();
    if (stop_at.has_value() && now >= *stop_at) break;

    absl::Time deadline = node_->NextDeadline();
    if (stop_at.has_value()) deadline = std::min(deadline, *stop_at);
    ArmTimer(deadline);
    loop_stall_max_ = std::max(loop_stall_max_, MonotonicNow() - woke);
    epoll_event ready[4];
    int count = epoll_wait(epoll_fd_, ready, 4, -1);
    ++socket_counters_.loop_wakeups;
    now = MonotonicNow();
    woke = now;
    for (int i = 0; i < count; ++i) {
      uint64_t value = 0;
      if (ready[i].data.fd == socket_->fd()) {
        ReceiveAll(now);
        now = MonotonicNow();
      } else if (ready[i].data.fd == timer_fd_) {
        [[maybe_unused]] ssize_t n = read(timer_fd_, &value, sizeof(value));
        armed_deadline_ = absl::InfinitePast();  // one-shot: arm again
      } else if (ready[i].data.fd == event_fd_) {
        [[maybe_unused]] ssize_t n = read(event_fd_, &value, sizeof(value));
      }
    }
  }

  std::vector<Command> leftover;
  {
    TsanMutexLock lock(&mu_);
    loop_ended_ = true;
    leftover.swap(commands_);
    final_stats_.node = node_->counters();
    final_stats_.socket = socket_counters_;
    final_stats_.pending_gossip = node_->pending_gossip();
    final_stats_.resolver = resolver_->stats();
    final_stats_.loop_stall_us_max =
        static_cast<uint64_t>(absl::ToInt64Microseconds(loop_stall_max_));
  }
  // Commands queued before the loop ended still run, so that their callers
  // stop waiting; nothing they queue is sent any more.
  for (const Command& command : leftover) command(now);
  socket_.reset();
  // Thread ids are reused: a later thread must not pass for this one.
  loop_thread_id_.store(std::thread::id());
}

void UdpNode::ReceiveAll(absl::Time now) {
  for (int round = 0; round < kReceiveRoundsPerWakeup; ++round) {
    size_t count = socket_->Receive(*receive_batch_, socket_counters_);
    for (size_t i = 0; i < count; ++i) {
      node_->HandleDatagram(now,
                            FormatSocketAddress(receive_batch_->from(i),
                                                receive_batch_->from_size(i)),
                            receive_batch_->data(i));
      CollectEvents();
    }
    if (count < receive_batch_->capacity()) break;
    // Replies to this batch go out before the next is read.
    FlushTransmits();
    now = MonotonicNow();
  }
}

void UdpNode::FlushTransmits() {
  transmits_.clear();
  while (std::optional<Transmit> t = node_->PollTransmit()) {
    transmits_.push_back(*std::move(t));
  }
  if (transmits_.empty()) return;
  const absl::Time now = MonotonicNow();
  std::vector<SocketAddress> to;
  to.reserve(transmits_.size());
  std::vector<size_t> index;
  index.reserve(transmits_.size());
  for (size_t i = 0; i < transmits_.size(); ++i) {
    // A name not resolved yet: dropped (the protocol retries); its lookup
    // runs meanwhile.
    std::optional<SocketAddress> a =
        resolver_->Find(transmits_[i].to_address, now);
    if (!a.has_value()) {
      ++socket_counters_.unresolved_addresses;
      continue;
    }
    to.push_back(*a);
    index.push_back(i);
  }
  std::vector<Outgoing> out;
  out.reserve(index.size());
  for (size_t k = 0; k < index.size(); ++k) {
    out.push_back(Outgoing{&to[k], transmits_[index[k]].datagram});
  }
  socket_->Send(out, socket_counters_);
}

void UdpNode::CollectEvents() {
  const bool listening = !listeners_->empty();
  while (std::optional<MemberEvent> e = node_->PollEvent()) {
    members_changed_ = true;
    if (!listening) continue;
    MemberInfo member;
    if (std::optional<swim::MemberView> view =
            node_->members().Find(e->member)) {
      member = MemberInfo::From(*view);
    }
    changes_.push_back(MemberChange::Of(*std::move(e), std::move(member)));
  }
}

void UdpNode::PublishEvents() {
  CollectEvents();
  if (!members_changed_) return;
  members_changed_ = false;
  auto snapshot = std::make_shared<const MembersSnapshot>(
      MembersSnapshot::From(node_->members()));
  {
    TsanMutexLock lock(&mu_);
    snapshot_ = snapshot;
  }
  std::vector<MemberChange> changes;
  changes.swap(changes_);
  for (const MemberChange& change : changes) listeners_->Notify(change);
}

void UdpNode::ArmTimer(absl::Time deadline) {
  if (deadline == armed_deadline_) return;
  itimerspec spec{};
  if (deadline != absl::InfiniteFuture()) {
    spec.it_value = ToMonotonicTimespec(deadline);
    // All zeros would disarm the timer instead.
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) {
      spec.it_value.tv_nsec = 1;
    }
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
  armed_deadline_ = deadline;
}

}  // namespace swim::net
