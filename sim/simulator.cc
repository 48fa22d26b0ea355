#include "sim/simulator.h"

#include <algorithm>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "swim/config_knobs.h"

namespace swim::sim {
namespace {

// The cluster's shared key (authentication is on, as in production).
constexpr absl::string_view kKey = "swim-simulator-key-0123456789abc";
constexpr uint64_t kMillion = 1000000;

}  // namespace

absl::StatusOr<std::unique_ptr<Simulator>> Simulator::Create(
    SimOptions options) {
  if (options.nodes < 1) {
    return absl::InvalidArgumentError("nodes must be at least 1");
  }
  if (options.nodes > (1 << 20)) {
    return absl::InvalidArgumentError("nodes must be at most 2^20");
  }
  if (options.start_spread < 0) {
    return absl::InvalidArgumentError("start_spread must not be negative");
  }
  std::unique_ptr<Simulator> sim(new Simulator(std::move(options)));
  // Validate the profile once, on node 0's config.
  if (absl::Status s = sim->NodeConfig(0, false).Validate(); !s.ok()) {
    return s;
  }
  if (sim->options_.formed) {
    sim->announcements_.reserve(sim->slots_.size());
    for (uint32_t i = 0; i < sim->slots_.size(); ++i) {
      absl::StatusOr<Alive> alive =
          Node::Announcement(sim->NodeConfig(i, false));
      if (!alive.ok()) return alive.status();
      sim->announcements_.push_back(std::move(*alive));
    }
  }
  return sim;
}

Simulator::Simulator(SimOptions options)
    : options_(std::move(options)),
      time_zero_(TimeZeroOf(options_.seed)),
      network_(options_.nodes, options_.seed, options_.network),
      slots_(static_cast<size_t>(options_.nodes)) {
  app_states_.Resize(slots_.size());
  by_address_.reserve(slots_.size());
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    s.name = absl::StrCat("n", i);
    s.address = options_.loopback_addresses
                    ? absl::StrCat("127.", ((i + 257) >> 16) & 255, ".",
                                   ((i + 257) >> 8) & 255, ".", (i + 257) & 255,
                                   ":7946")
                    : absl::StrCat(s.name, ":7946");
    if (i < options_.node_config.size()) s.config = options_.node_config[i];
    by_address_[s.address] = i;
    SimTime at = 0;
    if (i > 0 && options_.start_spread > 0) {
      at = static_cast<SimTime>(
          ScaleDraw(Stream(options_.seed, kStartStream, i).Next(),
                    static_cast<uint64_t>(options_.start_spread)));
    }
    queue_.Push(at, EventKind::kStart, i, 0);
  }
}

std::optional<uint32_t> Simulator::IndexOfName(absl::string_view name) const {
  // Parsed rather than looked up, as this runs for every membership event
  // (10^8 when 10,000 nodes form): names are exactly "n<i>", without
  // leading zeros, for i below size().
  if (name.size() < 2 || name.size() > 8 || name[0] != 'n') return std::nullopt;
  if (name[1] == '0' && name.size() > 2) return std::nullopt;
  uint64_t index = 0;
  for (char c : name.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<uint64_t>(c - '0');
  }
  if (index >= slots_.size()) return std::nullopt;
  return static_cast<uint32_t>(index);
}

Config Simulator::NodeConfig(uint32_t node, bool restart) const {
  const Slot& s = slots_[node];
  Config c = options_.base_config;
  for (const auto& [key, value] : s.config) {
    // Checked by Reconfigure and the scenario parser; a bad value would
    // leave the field as it was.
    (void)SetConfigKnob(c, key, value);
  }
  c.name = s.claimed_name.empty() ? s.name : s.claimed_name;
  c.address = s.address;
  c.cluster_name = "sim";
  c.keys = {std::string(kKey)};
  c.nonce_source = nullptr;
  c.seed = Stream(options_.seed, kNodeSeedStream,
                  (uint64_t{node} << 20) | static_cast<uint64_t>(s.epoch))
               .Next();
  c.seed_peers.clear();
  // A formed cluster's nodes know everyone from the start: a join would
  // only fetch node 0's whole state again.
  const int peers = restart           ? options_.restart_seed_peers
                    : options_.formed ? 0
                                      : options_.seed_peers;
  for (int p = 0; p < peers && p < size(); ++p) {
    if (static_cast<uint32_t>(p) == node) continue;
    c.seed_peers.push_back(slots_[p].address);
  }
  if (restart && c.seed_peers.empty() && size() > 1) {
    c.seed_peers.push_back(slots_[(node + 1) % slots_.size()].address);
  }
  return c;
}

absl::Status Simulator::StartNode(uint32_t node, bool restart) {
  Slot& s = slots_[node];
  absl::StatusOr<std::unique_ptr<Node>> created =
      Node::Create(NodeConfig(node, restart), NodeNow(node));
  if (!created.ok()) return created.status();
  s.node = std::move(*created);
  if (options_.formed && !restart) {
    if (absl::Status known =
            s.node->AddKnownMembers(NodeNow(node), announcements_);
        !known.ok()) {
      return known;
    }
  }
  s.left = false;
  s.paused = false;
  s.busy_until = 0;
  s.tick_at = kNever;
  for (SimObserver* o : observers_) {
    o->OnLife(*this, now_, node, restart ? Life::kRestarted : Life::kStarted);
  }
  Pump(node, /*after_tick=*/false);
  return absl::OkStatus();
}

SimTime Simulator::LocalTime(uint32_t node, SimTime t) const {
  const Slot& s = slots_[node];
  if (s.drift_ppm == 0) return s.local_anchor + (t - s.global_anchor);
  const absl::int128 elapsed = t - s.global_anchor;
  const absl::int128 scaled = elapsed *
                              (static_cast<int64_t>(kMillion) + s.drift_ppm) /
                              static_cast<int64_t>(kMillion);
  return s.local_anchor + static_cast<SimTime>(scaled);
}

SimTime Simulator::GlobalTime(uint32_t node, SimTime local) const {
  if (local == kNever) return kNever;
  const Slot& s = slots_[node];
  if (s.drift_ppm == 0) return s.global_anchor + (local - s.local_anchor);
  const absl::int128 elapsed = local - s.local_anchor;
  const absl::int128 rate = static_cast<int64_t>(kMillion) + s.drift_ppm;
  absl::int128 scaled = elapsed * static_cast<int64_t>(kMillion);
  // Round up so the node's clock has reached `local` when it is ticked.
  absl::int128 q = scaled / rate;
  if (q * rate < scaled) q += 1;
  return s.global_anchor + static_cast<SimTime>(q);
}

void Simulator::RunUntil(SimTime end) {
  while (!queue_.empty() && queue_.top().time <= end) {
    const Event e = queue_.Pop();
    now_ = std::max(now_, e.time);
    ++stats_.events;
    Process(e);
  }
  now_ = std::max(now_, end);
}

void Simulator::Process(const Event& e) {
  Slot& s = slots_[e.node];
  switch (e.kind) {
    case EventKind::kStart: {
      if (s.node != nullptr || s.crashes > 0) return;
      // A profile that failed validation is caught in Create.
      absl::Status status = StartNode(e.node, /*restart=*/false);
      (void)status;
      return;
    }
    case EventKind::kTick: {
      if (s.node == nullptr || s.paused || e.time != s.tick_at) return;
      s.tick_at = kNever;
      s.node->Tick(NodeNow(e.node));
      Pump(e.node, /*after_tick=*/true);
      return;
    }
    case EventKind::kDeliver: {
      Datagram& d = datagrams_[e.slot];
      if (s.node == nullptr) {
        LoseArrived(e.node, e.slot, DropCause::kNodeDown);
        return;
      }
      if (s.paused) {
        if (s.drop_while_paused) {
          LoseArrived(e.node, e.slot, DropCause::kNodePaused);
        } else {
          d.epoch = s.epoch;
          s.pending.push_back(e.slot);
        }
        return;
      }
      if (s.slow_per_datagram > 0) {
        s.busy_until = std::max(s.busy_until, now_) + s.slow_per_datagram;
        d.epoch = s.epoch;
        queue_.Push(s.busy_until, EventKind::kProcess, e.node, e.slot);
        return;
      }
      Deliver(e.node, e.slot);
      return;
    }
    case EventKind::kProcess: {
      Datagram& d = datagrams_[e.slot];
      if (s.node == nullptr || d.epoch != s.epoch) {
        LoseArrived(e.node, e.slot, DropCause::kNodeDown);
        return;
      }
      if (s.paused) {
        s.pending.push_back(e.slot);
        return;
      }
      Deliver(e.node, e.slot);
      return;
    }
    case EventKind::kResume: {
      if (s.paused && s.pause_generation == e.slot) Resume(e.node);
      return;
    }
  }
}

void Simulator::Deliver(uint32_t node, uint32_t slot) {
  Slot& s = slots_[node];
  Datagram& d = datagrams_[slot];
  trace_.Record(TraceKind::kDeliver, now_,
                {node, d.from, static_cast<uint64_t>(d.bytes.size())});
  ++stats_.datagrams_delivered;
  s.node->HandleDatagram(NodeNow(node), slots_[d.from].address, d.bytes);
  FreeDatagram(slot);
  Pump(node, /*after_tick=*/false);
}

void Simulator::Pump(uint32_t node, bool after_tick) {
  Slot& s = slots_[node];
  Node* n = s.node.get();
  while (std::optional<Transmit> t = n->PollTransmit()) Send(node, *t);
  while (std::optional<MemberEvent> e = n->PollEvent()) {
    ++stats_.member_events;
    const std::optional<uint32_t> member = IndexOfName(e->member);
    const uint64_t m = member.has_value() ? *member : ~uint64_t{0};
    trace_.Record(TraceKind::kEvent, now_,
                  {node, m, static_cast<uint64_t>(e->previous),
                   static_cast<uint64_t>(e->current), e->incarnation,
                   (e->metadata_changed ? 1u : 0u) | (e->forgotten ? 2u : 0u) |
                       (static_cast<uint64_t>(e->offline_reason) << 2) |
                       (e->address_changed ? 1u << 8 : 0u) |
                       (static_cast<uint64_t>(e->kind) << 9)});
    // A name conflict changes nothing the observers track.
    if (!member.has_value() || e->kind != MemberEvent::Kind::kChange) continue;
    for (SimObserver* o : observers_) {
      o->OnMemberEvent(*this, now_, node, *member, *e);
    }
  }
  PumpDeliveries(node);
  PumpStateMerges(node);
  for (SimObserver* o : observers_) o->AfterStep(*this, now_, node);
  Reschedule(node, after_tick);
}

void Simulator::Send(uint32_t from, Transmit& transmit) {
  const size_t bytes = transmit.datagram.size();
  ++stats_.datagrams_sent;
  stats_.bytes_sent += bytes;
  stats_.largest_datagram_bytes =
      std::max(stats_.largest_datagram_bytes, bytes);
  auto it = by_address_.find(transmit.to_address);
  const uint32_t to = it == by_address_.end()
                          ? ~uint32_t{0}
                          : static_cast<uint32_t>(it->second);
  trace_.Record(
      TraceKind::kSend, now_,
      {from, to, static_cast<uint64_t>(bytes), PayloadHash(transmit.datagram)});
  for (SimObserver* o : observers_) o->OnSend(*this, now_, from, to, bytes);
  if (it == by_address_.end()) {
    RecordDrop(TraceKind::kDrop, from, to, DropCause::kUnknownAddress);
    return;
  }
  const Fate fate = network_.Decide(now_, from, to);
  if (fate.drop != DropCause::kNone) {
    RecordDrop(TraceKind::kDrop, from, to, fate.drop);
    return;
  }
  if (fate.copies == 2) {
    const uint32_t copy = AllocDatagram(from, transmit.datagram);
    queue_.Push(fate.arrival[1], EventKind::kDeliver, to, copy);
  }
  const uint32_t slot = AllocDatagram(from, std::move(transmit.datagram));
  queue_.Push(fate.arrival[0], EventKind::kDeliver, to, slot);
}

void Simulator::Reschedule(uint32_t node, bool after_tick) {
  Slot& s = slots_[node];
  if (s.node == nullptr || s.paused) return;
  const absl::Time deadline = s.node->NextDeadline();
  if (deadline == absl::InfiniteFuture()) {
    s.tick_at = kNever;
    return;
  }
  // A deadline at or before the node's clock (even InfinitePast) is due
  // now; only later ones are mapped back through the clock's drift.
  const SimTime local_now = LocalTime(node, now_);
  SimTime at = now_;
  if (deadline > ToAbslTime(local_now, time_zero_)) {
    at = GlobalTime(node, FromAbslTime(deadline, time_zero_));
  }
  // A node that is still due right after a Tick is ticked again a
  // nanosecond later, never in a loop at the same instant.
  const SimTime earliest = after_tick ? now_ + 1 : now_;
  at = std::max(at, earliest);
  if (at == s.tick_at) return;
  s.tick_at = at;
  queue_.Push(at, EventKind::kTick, node, 0);
}

uint32_t Simulator::AllocDatagram(uint32_t from, std::string bytes) {
  uint32_t slot;
  if (!free_datagrams_.empty()) {
    slot = free_datagrams_.back();
    free_datagrams_.pop_back();
  } else {
    slot = static_cast<uint32_t>(datagrams_.size());
    datagrams_.emplace_back();
  }
  Datagram& d = datagrams_[slot];
  d.from = from;
  d.epoch = 0;
  d.bytes = std::move(bytes);
  return slot;
}

void Simulator::RecordDrop(TraceKind kind, uint32_t a, uint32_t b,
                           DropCause cause) {
  trace_.Record(kind, now_, {a, b, static_cast<uint64_t>(cause)});
  ++stats_.dropped[static_cast<size_t>(cause)];
}

void Simulator::LoseArrived(uint32_t node, uint32_t slot, DropCause cause) {
  RecordDrop(TraceKind::kLost, node, datagrams_[slot].from, cause);
  FreeDatagram(slot);
}

void Simulator::FreeDatagram(uint32_t slot) {
  datagrams_[slot].bytes.clear();
  free_datagrams_.push_back(slot);
}

void Simulator::Fault(FaultCode code, std::initializer_list<uint64_t> args) {
  // Two records keep the variable-length arguments unambiguous.
  trace_.Record(TraceKind::kFault, now_, {static_cast<uint64_t>(code)});
  trace_.Record(TraceKind::kFault, now_, args);
}

void Simulator::RecordNetworkFault(std::initializer_list<uint64_t> args) {
  Fault(FaultCode::kNetwork, args);
}

void Simulator::MarkDisturbed(uint32_t node) {
  slots_[node].last_disturbed = now_;
}

bool Simulator::Disturbed(uint32_t node, SimTime grace) const {
  const Slot& s = slots_[node];
  if (s.paused || s.slow_per_datagram > 0) return true;
  if (s.last_disturbed >= 0 && now_ - s.last_disturbed < grace) return true;
  return network_.Disturbs(node);
}

Counters Simulator::TotalCounters() const {
  Counters total = crashed_counters_;
  for (const Slot& s : slots_) {
    if (s.node != nullptr) total += s.node->counters();
  }
  return total;
}

}  // namespace swim::sim
