#include "sim/runner.h"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/accuracy_oracle.h"
#include "sim/action_applier.h"
#include "sim/completeness_oracle.h"
#include "sim/convergence_oracle.h"
#include "sim/coordinate_accuracy.h"
#include "sim/datagram_size_oracle.h"
#include "sim/dissemination_oracle.h"
#include "sim/restart_wave.h"
#include "sim/simulator.h"
#include "swim/config_knobs.h"
#include "swim/counters.h"

namespace swim::sim {
namespace {

// The simulator's options: the scenario's, with its and the run's config.
absl::StatusOr<SimOptions> MakeSimOptions(const Scenario& scenario,
                                          const RunOptions& options) {
  SimOptions so;
  so.nodes = scenario.nodes;
  so.seed = scenario.seed;
  so.network = scenario.network;
  so.start_spread = scenario.start_spread;
  so.seed_peers = scenario.seed_peers;
  so.formed = scenario.formed;
  so.loopback_addresses = options.loopback_addresses;
  for (const auto& [key, value] : scenario.config) {
    if (absl::Status s = SetConfigKnob(so.base_config, key, value); !s.ok()) {
      return s;
    }
  }
  for (const auto& [key, value] : options.extra_config) {
    if (absl::Status s = SetConfigKnob(so.base_config, key, value); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("config: ", s.message()));
    }
  }
  for (const Scenario::NodeConfig& line : scenario.node_config) {
    absl::StatusOr<std::vector<uint32_t>> nodes = line.nodes.Resolve(so.nodes);
    if (!nodes.ok()) return nodes.status();
    for (uint32_t n : *nodes) {
      if (so.node_config.size() <= n) so.node_config.resize(n + 1);
      so.node_config[n].emplace_back(line.key, line.value);
    }
  }
  return so;
}

// Every action up to the scenario's end, with its node sets resolved.
absl::StatusOr<std::vector<ResolvedAction>> ResolvePlan(
    const std::vector<Action>& actions, SimTime duration, int nodes) {
  std::vector<ResolvedAction> plan;
  for (const Action& a : actions) {
    if (a.at > duration) continue;
    ResolvedAction r{&a, {}};
    for (const NodeSet& set : a.sets) {
      absl::StatusOr<std::vector<uint32_t>> resolved = set.Resolve(nodes);
      if (!resolved.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "scenario line ", a.line, ": ", resolved.status().message()));
      }
      r.sets.push_back(*std::move(resolved));
    }
    plan.push_back(std::move(r));
  }
  return plan;
}

// The figures of a finished run, from its metrics, views and oracles.
void SummarizeRun(const Scenario& scenario, const SimOptions& so,
                  const Simulator& sim, const AccuracyOracle& accuracy,
                  RunResult* result) {
  const SimTime end = scenario.duration;
  const SimTime liveness = scenario.liveness_at();
  const bool liveness_ran = liveness <= end;
  RunSummary& s = result->summary;
  const Metrics& m = *result->metrics;
  s.scenario = scenario.name;
  s.nodes = so.nodes;
  s.seed = so.seed;
  s.duration = end;
  s.liveness_at = liveness_ran ? liveness : kNever;
  s.digest = sim.trace().DigestHex();
  s.events = sim.stats().events;
  s.trace_records = sim.trace().records();
  s.crashes = static_cast<int>(m.detections().size());
  for (const Metrics::Detection& d : m.detections()) {
    if (d.offline_everywhere_at != kNever) ++s.crashes_detected;
  }
  s.first_suspicion = Summarize(m.FirstSuspicionLatencies());
  s.first_suspicion_raised = Summarize(m.FirstRaisedLatencies());
  s.offline_at_observer = Summarize(m.OfflineLatencies());
  s.offline_everywhere = Summarize(m.OfflineEverywhereLatencies());
  s.false_suspicions = accuracy.false_suspicions();
  s.false_offlines = accuracy.false_offlines();
  s.members_falsely_offline = accuracy.members_falsely_offline();
  s.healthy_status_changes = accuracy.healthy_status_changes();
  const SimTime since = result->views->converged_since();
  if (since != kNever) {
    const SimTime from = liveness_ran ? liveness : 0;
    s.convergence = std::max<SimTime>(0, since - from);
    s.convergence_after_fault =
        std::max<SimTime>(0, since - LastFaultChange(result->faults, liveness));
  }
  s.updates = static_cast<int>(m.disseminations().size());
  for (const Metrics::Dissemination& d : m.disseminations()) {
    if (d.everywhere_at != kNever) ++s.updates_everywhere;
  }
  s.dissemination = Summarize(m.DisseminationLatencies());
  s.dissemination_everywhere = Summarize(m.DisseminationEverywhereLatencies());
  const SimStats& st = sim.stats();
  s.datagrams_sent = st.datagrams_sent;
  s.bytes_sent = st.bytes_sent;
  for (uint64_t d : st.dropped) s.datagrams_dropped += d;
  s.largest_datagram_bytes = st.largest_datagram_bytes;
  s.datagrams_per_node_second_milli =
      PerNodeSecondMilli(st.datagrams_sent, so.nodes, end);
  s.bytes_per_node_second_milli =
      PerNodeSecondMilli(st.bytes_sent, so.nodes, end);
  s.counters = sim.TotalCounters();
  for (size_t i = 0; i < kMessageTypeCount; ++i) {
    s.bytes_by_message_milli[i] =
        PerNodeSecondMilli(s.counters.bytes_out[i], so.nodes, end);
  }
  if (scenario.steady_from >= 0 && scenario.steady_from < end) {
    s.steady_from = scenario.steady_from;
    s.steady_until = scenario.steady_until >= 0
                         ? std::min(scenario.steady_until, end)
                         : std::min(liveness, end);
    const SimTime span = s.steady_until - s.steady_from;
    s.steady_bytes_per_node_second_milli = PerNodeSecondMilli(
        m.BytesSent(s.steady_from, s.steady_until), so.nodes, span);
    s.steady_datagrams_per_node_second_milli = PerNodeSecondMilli(
        m.DatagramsSent(s.steady_from, s.steady_until), so.nodes, span);
  }
}

// The user broadcasts' figures, as the dissemination oracle judged them.
void SummarizeUserBroadcasts(const DisseminationOracle& dissemination,
                             RunSummary* s) {
  std::vector<SimTime> everywhere;
  for (const DisseminationOracle::UserBroadcastRecord& b :
       dissemination.user_broadcasts()) {
    ++s->user_broadcasts;
    if (!b.checked) continue;
    ++s->user_broadcasts_checked;
    if (b.reached_all) {
      ++s->user_broadcasts_everywhere;
      everywhere.push_back(b.everywhere_after);
    }
  }
  s->user_broadcast_everywhere = Summarize(std::move(everywhere));
  s->user_deliveries = dissemination.user_deliveries();
  s->user_duplicate_deliveries = dissemination.duplicate_deliveries();
  s->direct_messages = dissemination.direct_messages();
}

// Runs the simulation to `end`: each action at its time, the oracles' checks
// when due, and a metrics sample every options.sample_interval.
absl::Status RunPlan(Simulator& sim, const std::vector<ResolvedAction>& plan,
                     const std::vector<Oracle*>& oracles,
                     const RunOptions& options, SimTime end, Metrics* metrics) {
  ActionApplier applier(sim, oracles);
  const SimTime sample_every = std::max<SimTime>(options.sample_interval, 1);
  SimTime next_sample = 0;
  size_t next_action = 0;
  for (;;) {
    SimTime next = std::min(next_sample, end);
    if (next_action < plan.size()) {
      next = std::min(next, plan[next_action].action->at);
    }
    for (Oracle* o : oracles) next = std::min(next, o->CheckTime());
    sim.RunUntil(next);
    while (next_action < plan.size() &&
           plan[next_action].action->at <= sim.now()) {
      if (absl::Status s = applier.Apply(plan[next_action]); !s.ok()) return s;
      ++next_action;
    }
    for (Oracle* o : oracles) {
      if (o->CheckTime() <= sim.now()) o->Check(sim, sim.now());
    }
    if (next_sample <= sim.now()) {
      metrics->TakeSample(sim, sim.now());
      if (options.progress) options.progress(sim.now(), end);
      next_sample += sample_every;
    }
    if (sim.now() >= end && next_action >= plan.size()) break;
    if (sim.now() >= end) {
      // Actions past the end were filtered out above.
      break;
    }
  }
  return absl::OkStatus();
}

// Each oracle's end-of-run check (the liveness-phase ones only if that
// phase ran), and their verdicts into the summary.
void FinishOracles(const Simulator& sim, SimTime end, bool liveness_ran,
                   CompletenessOracle& completeness, AccuracyOracle& accuracy,
                   ConvergenceOracle& convergence,
                   DisseminationOracle& dissemination,
                   DatagramSizeOracle& datagram_size, RunSummary* s) {
  completeness.Finish(sim, end);
  accuracy.Finish(sim, end);
  datagram_size.Finish(sim, end);
  dissemination.FinishUserBroadcasts(sim, end);
  s->oracles_run = {
      completeness.checked() ? "completeness" : "completeness (not reached)",
      "accuracy", "datagram_size"};
  if (!dissemination.user_broadcasts().empty()) {
    s->oracles_run.push_back("dissemination (user broadcasts)");
  }
  if (liveness_ran) {
    convergence.Finish(sim, end);
    dissemination.Finish(sim, end);
    s->oracles_run.push_back("convergence");
    s->oracles_run.push_back("dissemination");
  }
  for (Oracle* o :
       std::initializer_list<Oracle*>{&completeness, &accuracy, &convergence,
                                      &dissemination, &datagram_size}) {
    s->violation_count += o->violation_count();
    for (const Violation& v : o->violations()) s->violations.push_back(v);
  }
}

}  // namespace

absl::StatusOr<RunResult> RunScenario(const Scenario& scenario,
                                      const RunOptions& options) {
  absl::StatusOr<SimOptions> made = MakeSimOptions(scenario, options);
  if (!made.ok()) return made.status();
  const SimOptions& so = *made;
  absl::StatusOr<std::vector<Action>> actions =
      ExpandRestartWaves(scenario, so.nodes);
  if (!actions.ok()) return actions.status();
  absl::StatusOr<std::vector<ResolvedAction>> resolved =
      ResolvePlan(*actions, scenario.duration, so.nodes);
  if (!resolved.ok()) return resolved.status();
  const std::vector<ResolvedAction>& plan = *resolved;
  size_t limit = so.base_config.max_datagram_bytes;
  if (scenario.datagram_limit_bytes != 0) limit = scenario.datagram_limit_bytes;
  if (options.datagram_limit_bytes != 0) limit = options.datagram_limit_bytes;

  absl::StatusOr<std::unique_ptr<Simulator>> created = Simulator::Create(so);
  if (!created.ok()) return created.status();
  Simulator& sim = **created;
  sim.set_trace_sink(options.trace_sink);

  RunResult result;
  result.views = std::make_unique<ViewTracker>(so.nodes);
  result.metrics = std::make_unique<Metrics>(result.views.get(), so.nodes);
  result.metrics->TrackGroups(PartitionSides(scenario, so.nodes));
  result.faults = FaultBands(scenario, so.nodes);
  CompletenessOracle completeness(scenario.completeness_bound);
  AccuracyOracle accuracy(scenario.accuracy_grace, scenario.accuracy_strict,
                          scenario.max_false_suspicions);
  ConvergenceOracle convergence;
  DisseminationOracle dissemination;
  DatagramSizeOracle datagram_size(limit);
  std::vector<Oracle*> oracles = {&completeness, &accuracy, &convergence,
                                  &dissemination, &datagram_size};
  sim.AddObserver(result.views.get());
  sim.AddObserver(result.metrics.get());
  for (Oracle* o : oracles) sim.AddObserver(o);

  const SimTime end = scenario.duration;
  if (absl::Status st =
          RunPlan(sim, plan, oracles, options, end, result.metrics.get());
      !st.ok()) {
    return st;
  }

  RunSummary& s = result.summary;
  FinishOracles(sim, end, scenario.liveness_at() <= end, completeness, accuracy,
                convergence, dissemination, datagram_size, &s);
  SummarizeRun(scenario, so, sim, accuracy, &result);
  SummarizeUserBroadcasts(dissemination, &s);
  sim.app_states().Summarize(sim, &s);
  const CoordinateAccuracy coordinates =
      MeasureCoordinateAccuracy(sim, so.seed);
  s.coordinate_pairs = coordinates.pairs;
  s.coordinate_pairs_within_25pct = coordinates.within_25pct;
  s.coordinate_error_p50_permille = coordinates.p50_error_permille;
  s.coordinate_error_p90_permille = coordinates.p90_error_permille;
  return result;
}

}  // namespace swim::sim
