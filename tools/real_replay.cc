#include "tools/real_replay.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "sim/accuracy_oracle.h"
#include "sim/completeness_oracle.h"
#include "sim/convergence_oracle.h"
#include "sim/dissemination_oracle.h"
#include "sim/fault_bands.h"
#include "sim/metrics.h"
#include "sim/view_tracker.h"

namespace swim::tools {
namespace {

using sim::ActionKind;
using sim::PerNodeSecondMilli;
using sim::SimTime;

void MarkNetworkDisturbed(const RealNet& net, RealCluster* cluster) {
  if (cluster == nullptr) return;
  for (uint32_t n = 0; n < static_cast<uint32_t>(cluster->size()); ++n) {
    if (net.Disturbs(n)) cluster->MarkDisturbed(n);
  }
}

// A node action (or the liveness start) at replay time.
void ApplyNodeAction(const ReplayEntry& e, RealNet& net, RealCluster& cluster,
                     const std::vector<sim::Oracle*>& oracles) {
  const sim::Action& a = *e.action;
  switch (a.kind) {
    case ActionKind::kCrash:
      for (uint32_t n : e.sets[0]) cluster.Crash(e.at, n);
      break;
    case ActionKind::kRestart:
      for (uint32_t n : e.sets[0]) {
        // "with K=V": an upgrade in place; the live node stops first.
        if (!a.config.empty()) cluster.Crash(e.at, n);
        cluster.Start(e.at, n, /*restart=*/true);
      }
      break;
    case ActionKind::kPause:
      for (uint32_t n : e.sets[0]) cluster.SetPaused(e.at, n, true);
      break;
    case ActionKind::kResume:
      for (uint32_t n : e.sets[0]) cluster.SetPaused(e.at, n, false);
      break;
    case ActionKind::kLeave:
      for (uint32_t n : e.sets[0]) cluster.Leave(e.at, n);
      break;
    case ActionKind::kLiveness:
      MarkNetworkDisturbed(net, &cluster);
      net.ClearFaults();
      for (uint32_t n = 0; n < static_cast<uint32_t>(cluster.size()); ++n) {
        cluster.SetPaused(e.at, n, false);
      }
      for (sim::Oracle* o : oracles) o->OnLivenessStart(cluster, e.at);
      break;
    default:
      break;  // metadata: the node's own record says when and which version
  }
}

// The run's figures, as the simulator's runner sums them up.
void SummarizeFigures(const sim::Scenario& scenario,
                      const sim::Metrics& metrics,
                      const sim::ViewTracker& views,
                      const sim::AccuracyOracle& accuracy,
                      sim::RunSummary* out) {
  sim::RunSummary& s = *out;
  const SimTime liveness = scenario.liveness_at();
  const bool liveness_ran = liveness <= scenario.duration;
  s.scenario = scenario.name;
  s.nodes = scenario.nodes;
  s.seed = scenario.seed;
  s.duration = scenario.duration;
  s.liveness_at = liveness_ran ? liveness : sim::kNever;
  s.digest = "real run (no digest)";
  s.crashes = static_cast<int>(metrics.detections().size());
  for (const sim::Metrics::Detection& d : metrics.detections()) {
    if (d.offline_everywhere_at != sim::kNever) ++s.crashes_detected;
  }
  s.first_suspicion = sim::Summarize(metrics.FirstSuspicionLatencies());
  s.offline_at_observer = sim::Summarize(metrics.OfflineLatencies());
  s.offline_everywhere = sim::Summarize(metrics.OfflineEverywhereLatencies());
  s.false_suspicions = accuracy.false_suspicions();
  s.false_offlines = accuracy.false_offlines();
  s.members_falsely_offline = accuracy.members_falsely_offline();
  s.healthy_status_changes = accuracy.healthy_status_changes();
  const SimTime since = views.converged_since();
  if (since != sim::kNever) {
    s.convergence = std::max<SimTime>(0, since - (liveness_ran ? liveness : 0));
    s.convergence_after_fault = std::max<SimTime>(
        0, since - sim::LastFaultChange(
                       sim::FaultBands(scenario, scenario.nodes), liveness));
  }
  s.updates = static_cast<int>(metrics.disseminations().size());
  for (const sim::Metrics::Dissemination& d : metrics.disseminations()) {
    if (d.everywhere_at != sim::kNever) ++s.updates_everywhere;
  }
  s.dissemination = sim::Summarize(metrics.DisseminationLatencies());
  s.dissemination_everywhere =
      sim::Summarize(metrics.DisseminationEverywhereLatencies());
}

}  // namespace

bool ApplyNetworkAction(const sim::Action& a, const NodeSets& sets,
                        RealNet& net, RealCluster* cluster) {
  auto mark = [&](size_t set) {
    if (cluster == nullptr) return;
    for (uint32_t n : sets[set]) cluster->MarkDisturbed(n);
  };
  switch (a.kind) {
    case ActionKind::kPartition:
      for (size_t i = 0; i < sets.size(); ++i) mark(i);
      net.Partition(sets);
      break;
    case ActionKind::kHeal:
      MarkNetworkDisturbed(net, cluster);
      net.Heal();
      break;
    case ActionKind::kIsolate:
      mark(0);
      for (uint32_t n : sets[0]) net.Isolate(n);
      break;
    case ActionKind::kRejoin:
      mark(0);
      for (uint32_t n : sets[0]) net.Rejoin(n);
      break;
    case ActionKind::kCut:
    case ActionKind::kUncut:
      mark(0);
      mark(1);
      for (uint32_t x : sets[0]) {
        for (uint32_t y : sets[1]) {
          if (x == y) continue;
          if (a.kind == ActionKind::kCut) net.Cut(x, y);
          if (a.kind == ActionKind::kUncut) net.Uncut(x, y);
        }
      }
      break;
    case ActionKind::kCutInbound:
      mark(0);
      for (uint32_t n : sets[0]) net.SetInboundCut(n, a.flag);
      break;
    case ActionKind::kLoss:
      net.set_loss_ppm(a.ppm);
      break;
    case ActionKind::kLossIn:
      mark(0);
      for (uint32_t n : sets[0]) net.SetInboundLoss(n, a.ppm);
      break;
    case ActionKind::kLossOut:
      mark(0);
      for (uint32_t n : sets[0]) net.SetOutboundLoss(n, a.ppm);
      break;
    default:
      return false;
  }
  return true;
}

namespace {

// The observers of one replay, fed in time order.
class Replay {
 public:
  explicit Replay(const sim::Scenario& sc)
      : sc_(sc),
        net_(sc.nodes),
        cluster_(sc.nodes, &net_),
        views_(sc.nodes),
        metrics_(&views_, sc.nodes),
        completeness_(sc.completeness_bound),
        accuracy_(sc.accuracy_grace, sc.accuracy_strict,
                  sc.max_false_suspicions),
        oracles_{&completeness_, &accuracy_, &convergence_, &dissemination_} {
    net_.set_loss_ppm(sc.network.loss_ppm);
    // As the simulator's runner: each partition side's views, for the
    // compare report.
    metrics_.TrackGroups(sim::PartitionSides(sc, sc.nodes));
    cluster_.AddObserver(&views_);
    cluster_.AddObserver(&metrics_);
    for (sim::Oracle* o : oracles_) cluster_.AddObserver(o);
  }

  // Samples and oracle checks due up to `to`, in time order.
  void Advance(SimTime to) {
    for (;;) {
      SimTime next = next_sample_;
      for (sim::Oracle* o : oracles_) next = std::min(next, o->CheckTime());
      if (next > to) break;
      cluster_.set_now(next);
      for (sim::Oracle* o : oracles_) {
        if (o->CheckTime() <= next) o->Check(cluster_, next);
      }
      if (next_sample_ <= next) {
        metrics_.TakeSample(next);
        next_sample_ += sim::Seconds(1);
      }
    }
    cluster_.set_now(to);
  }

  void Apply(const ReplayEntry& e) {
    switch (e.kind) {
      case ReplayEntry::Kind::kBoot:
        cluster_.Start(e.at, e.node, /*restart=*/false);
        break;
      case ReplayEntry::Kind::kAction:
        if (!ApplyNetworkAction(*e.action, e.sets, net_, &cluster_)) {
          ApplyNodeAction(e, net_, cluster_, oracles_);
        }
        break;
      case ReplayEntry::Kind::kRecord:
        CountBytes(e);
        cluster_.Record(e.at, e.node, e.record);
        break;
    }
  }

  // The oracles' verdicts and the figures, as the simulator's runner
  // gives them.
  void Finish(sim::RunSummary* s) {
    const SimTime end = sc_.duration;
    completeness_.Finish(cluster_, end);
    accuracy_.Finish(cluster_, end);
    s->oracles_run = {
        completeness_.checked() ? "completeness" : "completeness (not reached)",
        "accuracy"};
    if (sc_.liveness_at() <= end) {
      convergence_.Finish(cluster_, end);
      dissemination_.Finish(cluster_, end);
      s->oracles_run.push_back("convergence");
      s->oracles_run.push_back("dissemination");
    }
    for (sim::Oracle* o : oracles_) {
      s->violation_count += o->violation_count();
      for (const sim::Violation& v : o->violations()) {
        s->violations.push_back(v);
      }
    }
    SummarizeFigures(sc_, metrics_, views_, accuracy_, s);
  }

  RunCurves Curves() const {
    std::vector<uint64_t> bytes_at_sample;
    bytes_at_sample.reserve(metrics_.samples().size());
    for (const sim::Metrics::StatusSample& s : metrics_.samples()) {
      double sum = 0;
      for (const std::vector<std::pair<SimTime, uint64_t>>& node : sent_) {
        sum += SentAt(node, s.at);
      }
      bytes_at_sample.push_back(static_cast<uint64_t>(std::llround(sum)));
    }
    return CurvesOf(metrics_, sc_.nodes, bytes_at_sample);
  }

 private:
  // Bytes a node sent over all its lives, from its stats lines (each a
  // life's running total; a start begins a new life at 0), as points of
  // a cumulative curve: a start adds a point too, so that the bytes of a
  // stats line spread over the second before it rather than landing at
  // its end (which would draw the real traffic up to a second late).
  void CountBytes(const ReplayEntry& e) {
    if (e.node >= life_bytes_.size()) return;
    uint64_t& life = life_bytes_[e.node];
    std::vector<std::pair<SimTime, uint64_t>>& sent = sent_[e.node];
    const uint64_t total = sent.empty() ? 0 : sent.back().second;
    if (e.record.kind == RealRecord::Kind::kStart) {
      life = 0;
      sent.emplace_back(e.at, total);
    }
    if (e.record.kind != RealRecord::Kind::kStats) return;
    const uint64_t more =
        e.record.bytes_sent >= life ? e.record.bytes_sent - life : 0;
    life = e.record.bytes_sent;
    sent.emplace_back(e.at, total + more);
  }

  // The cumulative curve at `t`, linear between its points.
  static double SentAt(const std::vector<std::pair<SimTime, uint64_t>>& sent,
                       SimTime t) {
    auto after =
        std::upper_bound(sent.begin(), sent.end(), t,
                         [](SimTime x, const std::pair<SimTime, uint64_t>& p) {
                           return x < p.first;
                         });
    if (after == sent.begin()) return 0;
    const auto& [t0, b0] = *std::prev(after);
    if (after == sent.end() || after->first == t0) {
      return static_cast<double>(b0);
    }
    const auto& [t1, b1] = *after;
    return static_cast<double>(b0) + static_cast<double>(b1 - b0) *
                                         static_cast<double>(t - t0) /
                                         static_cast<double>(t1 - t0);
  }

  const sim::Scenario& sc_;
  RealNet net_;
  RealCluster cluster_;
  sim::ViewTracker views_;
  sim::Metrics metrics_;
  sim::CompletenessOracle completeness_;
  sim::AccuracyOracle accuracy_;
  sim::ConvergenceOracle convergence_;
  sim::DisseminationOracle dissemination_;
  std::vector<sim::Oracle*> oracles_;
  SimTime next_sample_ = 0;
  std::vector<uint64_t> life_bytes_ =
      std::vector<uint64_t>(static_cast<size_t>(sc_.nodes), 0);
  std::vector<std::vector<std::pair<SimTime, uint64_t>>> sent_ =
      std::vector<std::vector<std::pair<SimTime, uint64_t>>>(
          static_cast<size_t>(sc_.nodes));
};

}  // namespace

sim::RunSummary ReplayRun(const sim::Scenario& scenario,
                          std::vector<ReplayEntry> entries,
                          uint64_t datagrams_sent, uint64_t bytes_sent,
                          RunCurves* curves) {
  std::stable_sort(
      entries.begin(), entries.end(),
      [](const ReplayEntry& a, const ReplayEntry& b) { return a.at < b.at; });
  const SimTime end = scenario.duration;
  Replay replay(scenario);
  for (const ReplayEntry& e : entries) {
    if (e.at > end) break;
    replay.Advance(e.at);
    replay.Apply(e);
  }
  replay.Advance(end);
  sim::RunSummary s;
  s.events = entries.size();
  replay.Finish(&s);
  if (curves != nullptr) *curves = replay.Curves();
  s.datagrams_sent = datagrams_sent;
  s.bytes_sent = bytes_sent;
  s.datagrams_per_node_second_milli =
      PerNodeSecondMilli(datagrams_sent, scenario.nodes, end);
  s.bytes_per_node_second_milli =
      PerNodeSecondMilli(bytes_sent, scenario.nodes, end);
  return s;
}

}  // namespace swim::tools
