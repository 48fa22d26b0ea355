#include "sim/metrics.h"

#include <algorithm>
#include <utility>

#include "sim/cluster.h"
#include "swim/members.h"
#include "swim/status.h"

namespace swim::sim {
namespace {

// The nearest-rank percentile q/100 of sorted values.
SimTime Rank(const std::vector<SimTime>& sorted, size_t q) {
  const size_t n = sorted.size();
  size_t rank = (q * n + 99) / 100;  // ceil(q n / 100)
  if (rank == 0) rank = 1;
  return sorted[std::min(rank, n) - 1];
}

}  // namespace

Percentiles Summarize(std::vector<SimTime> values) {
  Percentiles p;
  p.count = values.size();
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  p.p50 = Rank(values, 50);
  p.p99 = Rank(values, 99);
  p.max = values.back();
  return p;
}

Metrics::Metrics(const ViewTracker* views, int nodes)
    : views_(views),
      open_detection_(nodes, -1),
      open_disseminations_(nodes),
      live_(nodes, 0),
      seen_online_(nodes, 0),
      seen_suspect_(nodes, 0),
      seen_offline_(nodes, 0) {}

void Metrics::CountSeen(uint32_t observer, Status status, int delta) {
  switch (status) {
    case Status::kOnline:
      seen_online_[observer] += delta;
      break;
    case Status::kSuspect:
      seen_suspect_[observer] += delta;
      break;
    case Status::kOffline:
      seen_offline_[observer] += delta;
      break;
    default:
      break;
  }
}

void Metrics::ClearRow(uint32_t node) {
  live_[node] = 0;
  seen_online_[node] = 0;
  seen_suspect_[node] = 0;
  seen_offline_[node] = 0;
}

void Metrics::BeforeCrash(const Cluster& sim, SimTime /*now*/, uint32_t node) {
  ClearRow(node);
  if (const Counters* c = sim.counters(node); c != nullptr) {
    for (size_t i = 0; i < kMessageTypeCount; ++i) {
      crashed_bytes_out_[i] += c->bytes_out[i];
    }
  }
}

void Metrics::TrackGroups(std::vector<GroupSpec> groups) {
  groups_ = std::move(groups);
}

void Metrics::OnMemberEvent(const Cluster& sim, SimTime now, uint32_t observer,
                            uint32_t member, const MemberEvent& event) {
  if (observer == member) return;
  if (live_[observer] != 0) {
    CountSeen(observer, event.previous, -1);
    CountSeen(observer, event.current, +1);
  }
  const int d = open_detection_[member];
  if (d >= 0) {
    Detection& det = detections_[d];
    if ((event.current == Status::kSuspect ||
         event.current == Status::kOffline) &&
        det.first_suspicion_at == kNever) {
      det.first_suspicion_at = now;
    }
    if (event.current == Status::kOffline && det.seen[observer] == 0 &&
        sim.IsLive(observer)) {
      det.seen[observer] = 1;
      det.offline_latencies.push_back(now - det.crashed_at);
    }
    if (det.offline_everywhere_at == kNever &&
        views_->available_seen(member) == 0) {
      det.offline_everywhere_at = now;
    }
  }
  if (!open_disseminations_[member].empty()) {
    CheckDissemination(sim, now, observer, member);
  }
}

void Metrics::CheckDissemination(const Cluster& sim, SimTime now,
                                 uint32_t observer, uint32_t member) {
  const Members* o = sim.members(observer);
  if (o == nullptr || !sim.IsLive(observer)) return;
  std::optional<MemberView> view = o->Find(sim.name(member));
  if (!view.has_value()) return;
  std::vector<int>& open = open_disseminations_[member];
  for (size_t i = 0; i < open.size();) {
    Dissemination& dis = disseminations_[open[i]];
    if (view->metadata_version >= dis.version && dis.reached[observer] == 0) {
      dis.reached[observer] = 1;
      dis.latencies.push_back(now - dis.set_at);
      dis.curve.emplace_back(now, static_cast<uint32_t>(dis.latencies.size()));
    }
    if (dis.latencies.size() + 1 >= views_->live_count()) {
      // Everyone live (but the owner) holds it.
      dis.everywhere_at = now;
      open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
}

void Metrics::OnSend(const Cluster& /*sim*/, SimTime now, uint32_t /*from*/,
                     uint32_t /*to*/, size_t bytes) {
  const size_t second = static_cast<size_t>(now / Seconds(1));
  if (second >= bytes_per_second_.size()) {
    bytes_per_second_.resize(second + 1, 0);
    datagrams_per_second_.resize(second + 1, 0);
  }
  bytes_per_second_[second] += bytes;
  ++datagrams_per_second_[second];
}

void Metrics::OnLife(const Cluster& /*sim*/, SimTime now, uint32_t node,
                     Life life) {
  switch (life) {
    case Life::kStarted:
      live_[node] = 1;
      break;
    case Life::kLeft:
      ClearRow(node);
      break;
    case Life::kCrashed: {
      Detection det;
      det.node = node;
      det.crashed_at = now;
      det.seen.assign(open_detection_.size(), 0);
      open_detection_[node] = static_cast<int>(detections_.size());
      unraised_.push_back(open_detection_[node]);
      detections_.push_back(std::move(det));
      break;
    }
    case Life::kRestarted:
      // A fresh node's view is empty; its first events fill the row.
      ClearRow(node);
      live_[node] = 1;
      if (open_detection_[node] >= 0) {
        detections_[open_detection_[node]].restarted_at = now;
        open_detection_[node] = -1;
      }
      break;
  }
  // A crash can complete detections: the last observer holding a
  // crashed member as available may itself go.
  for (uint32_t m = 0; m < open_detection_.size(); ++m) {
    const int d = open_detection_[m];
    if (d < 0 || detections_[d].offline_everywhere_at != kNever) continue;
    if (views_->available_seen(m) == 0) {
      detections_[d].offline_everywhere_at = now;
    }
  }
}

void Metrics::OnMetadataSet(const Cluster& /*sim*/, SimTime now, uint32_t node,
                            uint64_t version) {
  Dissemination dis;
  dis.node = node;
  dis.version = version;
  dis.set_at = now;
  dis.reached.assign(open_detection_.size(), 0);
  dis.curve.emplace_back(now, 0);
  open_disseminations_[node].push_back(
      static_cast<int>(disseminations_.size()));
  disseminations_.push_back(std::move(dis));
}

void Metrics::TakeSample(SimTime now) {
  Metrics::StatusSample s;
  s.at = now;
  s.live = views_->live_count();
  s.online = views_->total_online();
  s.suspect = views_->total_suspect();
  s.offline = views_->total_offline();
  for (const GroupSpec& g : groups_) {
    StatusSample::Group counts;
    for (uint32_t n : g.nodes) {
      if (n >= live_.size() || live_[n] == 0) continue;
      ++counts.live;
      counts.online += seen_online_[n];
      counts.suspect += seen_suspect_[n];
      counts.offline += seen_offline_[n];
    }
    s.groups.push_back(counts);
  }
  samples_.push_back(std::move(s));
}

void Metrics::TakeSample(const Cluster& sim, SimTime now) {
  TakeSample(now);
  Counters::PerType& bytes = samples_.back().bytes_out;
  bytes = crashed_bytes_out_;
  for (uint32_t i = 0; i < static_cast<uint32_t>(sim.size()); ++i) {
    const Counters* c = sim.counters(i);
    if (c == nullptr) continue;
    for (size_t t = 0; t < kMessageTypeCount; ++t) {
      bytes[t] += c->bytes_out[t];
    }
  }
}

std::vector<SimTime> Metrics::OfflineLatencies() const {
  std::vector<SimTime> out;
  for (const Detection& d : detections_) {
    out.insert(out.end(), d.offline_latencies.begin(),
               d.offline_latencies.end());
  }
  return out;
}

void Metrics::AfterStep(const Cluster& sim, SimTime now, uint32_t node) {
  if (unraised_.empty() || !sim.IsLive(node)) return;
  const Members* members = sim.members(node);
  if (members == nullptr) return;
  for (size_t i = 0; i < unraised_.size();) {
    Detection& det = detections_[unraised_[i]];
    bool done = det.restarted_at != kNever;  // back before anyone noticed
    if (!done && det.node != node) {
      // The real status: a suspicion the node does not show yet counts.
      const std::optional<uint32_t> id = members->IdOf(sim.name(det.node));
      if (id.has_value() &&
          !Matches(members->record(*id).status, Status::kOnline)) {
        det.first_raised_at = now;
        done = true;
      }
    }
    if (!done) {
      ++i;
      continue;
    }
    unraised_[i] = unraised_.back();
    unraised_.pop_back();
  }
}

std::vector<SimTime> Metrics::SinceCrash(SimTime Detection::*at) const {
  std::vector<SimTime> out;
  for (const Detection& d : detections_) {
    if (d.*at != kNever) out.push_back(d.*at - d.crashed_at);
  }
  return out;
}

std::vector<SimTime> Metrics::FirstRaisedLatencies() const {
  return SinceCrash(&Detection::first_raised_at);
}

std::vector<SimTime> Metrics::FirstSuspicionLatencies() const {
  return SinceCrash(&Detection::first_suspicion_at);
}

std::vector<SimTime> Metrics::OfflineEverywhereLatencies() const {
  return SinceCrash(&Detection::offline_everywhere_at);
}

std::vector<SimTime> Metrics::DisseminationLatencies() const {
  std::vector<SimTime> out;
  for (const Dissemination& d : disseminations_) {
    out.insert(out.end(), d.latencies.begin(), d.latencies.end());
  }
  return out;
}

std::vector<SimTime> Metrics::DisseminationEverywhereLatencies() const {
  std::vector<SimTime> out;
  for (const Dissemination& d : disseminations_) {
    if (d.everywhere_at != kNever) out.push_back(d.everywhere_at - d.set_at);
  }
  return out;
}

uint64_t Metrics::BytesSent(SimTime from, SimTime to) const {
  uint64_t sum = 0;
  for (size_t s = static_cast<size_t>(from / Seconds(1));
       s < bytes_per_second_.size() &&
       static_cast<SimTime>(s) * Seconds(1) < to;
       ++s) {
    sum += bytes_per_second_[s];
  }
  return sum;
}

uint64_t Metrics::DatagramsSent(SimTime from, SimTime to) const {
  uint64_t sum = 0;
  for (size_t s = static_cast<size_t>(from / Seconds(1));
       s < datagrams_per_second_.size() &&
       static_cast<SimTime>(s) * Seconds(1) < to;
       ++s) {
    sum += datagrams_per_second_[s];
  }
  return sum;
}

}  // namespace swim::sim
