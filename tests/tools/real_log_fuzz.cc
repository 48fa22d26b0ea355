// libFuzzer target: what tools/swim_real reads back from its nodes' logs
// (tools/real_log.h), then replays into the simulator's oracles
// (tools/real_replay.h). Build and run with
//
//   bazel run --config=fuzz //tests/tools:real_log_fuzz --
//       $PWD/tests/tools/real_log_fuzz_corpus   (one command line)
//
// Every line is parsed or refused cleanly; a parsed record formats back to
// a line that parses to the same record; whatever parses replays (in any
// order, about any member, for a node of any life) without a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "sim/scenario.h"
#include "tools/real_log.h"
#include "tools/real_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using swim::tools::RealRecord;
  using swim::tools::ReplayEntry;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  static const swim::sim::Scenario* scenario = [] {
    auto* sc = new swim::sim::Scenario(*swim::sim::ParseScenario(
        "nodes 3\nduration 10s\nat 2s crash 1\nat 3s restart 1\n"
        "at 6s liveness\n"));
    return sc;
  }();
  std::vector<ReplayEntry> entries;
  for (uint32_t n = 0; n < 3; ++n) {
    ReplayEntry boot;
    boot.node = n;
    entries.push_back(boot);
  }
  for (const swim::sim::Action& a : scenario->actions) {
    ReplayEntry e;
    e.at = a.at;
    e.kind = ReplayEntry::Kind::kAction;
    e.action = &a;
    for (const swim::sim::NodeSet& set : a.sets) {
      e.sets.push_back(*set.Resolve(3));
    }
    entries.push_back(std::move(e));
  }
  for (absl::string_view line : absl::StrSplit(input, '\n')) {
    absl::StatusOr<RealRecord> r = swim::tools::ParseRealRecord(line);
    if (!r.ok()) continue;
    std::string again = swim::tools::FormatRealRecord(*r);
    if (again.empty() || again.back() != '\n') std::abort();
    again.pop_back();
    absl::StatusOr<RealRecord> back = swim::tools::ParseRealRecord(again);
    if (!back.ok() || back->mono_ns != r->mono_ns || back->kind != r->kind ||
        back->member != r->member || back->current != r->current ||
        back->previous != r->previous ||
        back->metadata_version != r->metadata_version ||
        back->bytes_sent != r->bytes_sent) {
      std::abort();
    }
    ReplayEntry e;
    // Spread over the run and its nodes from the stamp itself.
    e.at = r->mono_ns % swim::sim::Seconds(12);
    e.node = static_cast<uint32_t>(r->mono_ns % 3);
    e.kind = ReplayEntry::Kind::kRecord;
    e.record = *std::move(r);
    entries.push_back(std::move(e));
  }
  (void)swim::tools::ReplayRun(*scenario, std::move(entries), 0, 0);
  return 0;
}
