#include "sim/network.h"

#include <algorithm>

namespace swim::sim {
namespace {

// The survival rate after one more independent loss, in ppm.
uint64_t Survive(uint64_t survive_ppm, uint32_t loss_ppm) {
  if (loss_ppm >= kPpm) return 0;
  return survive_ppm * (kPpm - loss_ppm) / kPpm;
}

// floor(sqrt(v)), exactly (no floating point).
uint64_t IntegerSqrt(uint64_t v) {
  uint64_t lo = 0;
  uint64_t hi = uint64_t{1} << 32;  // v < 2^64, so the root is below
  while (lo + 1 < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (mid * mid <= v) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace

absl::string_view DropCauseName(DropCause cause) {
  switch (cause) {
    case DropCause::kNone:
      return "none";
    case DropCause::kLoss:
      return "loss";
    case DropCause::kPartition:
      return "partition";
    case DropCause::kCut:
      return "cut";
    case DropCause::kUnknownAddress:
      return "unknown_address";
    case DropCause::kNodeDown:
      return "node_down";
    case DropCause::kNodePaused:
      return "node_paused";
  }
  return "?";
}

NetworkModel::NetworkModel(int nodes, uint64_t seed, NetworkParams params)
    : params_(params),
      group_(nodes, 0),
      in_loss_ppm_(nodes, 0),
      out_loss_ppm_(nodes, 0),
      inbound_cut_(nodes, 0) {
  rng_.reserve(nodes);
  for (int i = 0; i < nodes; ++i) {
    rng_.push_back(Stream(seed, kNetworkStream, static_cast<uint64_t>(i)));
  }
  // Its own stream: the places move nothing else's randomness.
  Prng places = Stream(seed, kPlaneStream, 0);
  place_.resize(nodes);
  for (Point& p : place_) {
    p.x = static_cast<uint32_t>(ScaleDraw(places.Next(), kPlaneUnits));
    p.y = static_cast<uint32_t>(ScaleDraw(places.Next(), kPlaneUnits));
  }
}

SimTime NetworkModel::BaseLatency(uint32_t a, uint32_t b) const {
  if (params_.plane_spread <= 0 || a >= place_.size() || b >= place_.size()) {
    return params_.latency_min;
  }
  const auto gap = [](uint32_t u, uint32_t v) -> uint64_t {
    return u > v ? u - v : v - u;
  };
  const uint64_t dx = gap(place_[a].x, place_[b].x);
  const uint64_t dy = gap(place_[a].y, place_[b].y);
  const uint64_t distance = IntegerSqrt(dx * dx + dy * dy);  // < 2^17
  const auto spread = static_cast<uint64_t>(params_.plane_spread);
  return params_.latency_min +
         static_cast<SimTime>(spread / kPlaneUnits * distance +
                              spread % kPlaneUnits * distance / kPlaneUnits);
}

SimTime NetworkModel::ModelledRtt(uint32_t a, uint32_t b) const {
  return BaseLatency(a, b) + BaseLatency(b, a) + params_.latency_jitter;
}

void NetworkModel::set_latency(SimTime min, SimTime jitter) {
  params_.latency_min = std::max<SimTime>(0, min);
  params_.latency_jitter = std::max<SimTime>(0, jitter);
}

void NetworkModel::set_reorder(uint32_t ppm, SimTime delay) {
  params_.reorder_ppm = ppm;
  params_.reorder_delay = std::max<SimTime>(0, delay);
}

void NetworkModel::SetInboundLoss(uint32_t node, uint32_t ppm) {
  in_loss_ppm_[node] = ppm;
}
void NetworkModel::SetOutboundLoss(uint32_t node, uint32_t ppm) {
  out_loss_ppm_[node] = ppm;
}
void NetworkModel::SetLinkLoss(uint32_t a, uint32_t b, uint32_t ppm) {
  if (ppm == 0) {
    link_loss_ppm_.erase(Key(a, b));
  } else {
    link_loss_ppm_[Key(a, b)] = ppm;
  }
}

void NetworkModel::Partition(const std::vector<std::vector<uint32_t>>& groups) {
  std::fill(group_.begin(), group_.end(), 0);
  for (const std::vector<uint32_t>& g : groups) {
    const uint32_t id = next_group_++;
    for (uint32_t n : g) group_[n] = id;
  }
}

void NetworkModel::Isolate(uint32_t node) { group_[node] = next_group_++; }

void NetworkModel::Cut(uint32_t a, uint32_t b) { cut_[Key(a, b)] = true; }

void NetworkModel::SetInboundCut(uint32_t node, bool on) {
  inbound_cut_[node] = on ? 1 : 0;
}

void NetworkModel::Clog(uint32_t a, uint32_t b, SimTime until) {
  SimTime& t = clogged_until_[Key(a, b)];
  t = std::max(t, until);
}

void NetworkModel::Heal() {
  std::fill(group_.begin(), group_.end(), 0);
  std::fill(inbound_cut_.begin(), inbound_cut_.end(), 0);
  cut_.clear();
  clogged_until_.clear();
}

void NetworkModel::ClearFaults() {
  Heal();
  std::fill(in_loss_ppm_.begin(), in_loss_ppm_.end(), 0);
  std::fill(out_loss_ppm_.begin(), out_loss_ppm_.end(), 0);
  link_loss_ppm_.clear();
  params_.loss_ppm = 0;
  params_.duplicate_ppm = 0;
  params_.reorder_ppm = 0;
}

bool NetworkModel::Disturbs(uint32_t node) const {
  if (group_[node] != 0 || inbound_cut_[node] != 0 || in_loss_ppm_[node] != 0 ||
      out_loss_ppm_[node] != 0) {
    return true;
  }
  for (const auto& [key, ppm] : link_loss_ppm_) {
    if ((key >> 32) == node || (key & 0xffffffffu) == node) return true;
  }
  for (const auto& [key, on] : cut_) {
    if ((key >> 32) == node || (key & 0xffffffffu) == node) return true;
  }
  return false;
}

SimTime NetworkModel::Latency(SimTime base, uint64_t jitter_draw,
                              uint64_t reorder_draw,
                              uint64_t reorder_delay_draw) const {
  SimTime t = base;
  if (params_.latency_jitter > 0) {
    t += static_cast<SimTime>(
        ScaleDraw(jitter_draw, static_cast<uint64_t>(params_.latency_jitter)));
  }
  if (params_.reorder_ppm > 0 && params_.reorder_delay > 0 &&
      ScaleDraw(reorder_draw, kPpm) < params_.reorder_ppm) {
    t += static_cast<SimTime>(ScaleDraw(
        reorder_delay_draw, static_cast<uint64_t>(params_.reorder_delay)));
  }
  return t;
}

Fate NetworkModel::Decide(SimTime now, uint32_t from, uint32_t to) {
  Prng& rng = rng_[from];
  // Always six draws, in a fixed order.
  const uint64_t loss_draw = rng.Next();
  const uint64_t jitter_draw = rng.Next();
  const uint64_t reorder_draw = rng.Next();
  const uint64_t reorder_delay_draw = rng.Next();
  const uint64_t dup_draw = rng.Next();
  const uint64_t dup_jitter_draw = rng.Next();

  Fate fate;
  if (group_[from] != group_[to]) {
    fate.drop = DropCause::kPartition;
    return fate;
  }
  if (inbound_cut_[to] != 0) {
    fate.drop = DropCause::kCut;
    return fate;
  }
  const uint64_t key = Key(from, to);
  if (!cut_.empty() && cut_.count(key) != 0) {
    fate.drop = DropCause::kCut;
    return fate;
  }
  uint64_t survive = kPpm;
  survive = Survive(survive, params_.loss_ppm);
  survive = Survive(survive, out_loss_ppm_[from]);
  survive = Survive(survive, in_loss_ppm_[to]);
  if (!link_loss_ppm_.empty()) {
    auto it = link_loss_ppm_.find(key);
    if (it != link_loss_ppm_.end()) survive = Survive(survive, it->second);
  }
  if (ScaleDraw(loss_draw, kPpm) >= survive) {
    fate.drop = DropCause::kLoss;
    return fate;
  }
  SimTime earliest = now;
  if (!clogged_until_.empty()) {
    auto it = clogged_until_.find(key);
    if (it != clogged_until_.end() && it->second > now) earliest = it->second;
  }
  fate.copies = 1;
  const SimTime base = BaseLatency(from, to);
  fate.arrival[0] =
      earliest + Latency(base, jitter_draw, reorder_draw, reorder_delay_draw);
  if (params_.duplicate_ppm > 0 &&
      ScaleDraw(dup_draw, kPpm) < params_.duplicate_ppm) {
    fate.copies = 2;
    fate.arrival[1] = earliest + Latency(base, dup_jitter_draw, 0, 0);
  }
  return fate;
}

}  // namespace swim::sim
