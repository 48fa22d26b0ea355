// The table of swim::Config's tunable knobs: for each, its name (the
// field's), its kind, a one-line description, and how to set and read it
// as text. The simulator's `config KEY VALUE` and `--config=K=V`, the
// node flags (net/node_flags.h) and sim/README.md's list all come from
// this one table, so a knob added here is known everywhere at once.
//
//   Config config;
//   absl::Status s = SetConfigKnob(config, "probe_interval", "500ms");
//   // s.ok(); config.probe_interval == absl::Milliseconds(500)
//   s = SetConfigKnob(config, "probe_intervl", "1s");
//   // InvalidArgument: unknown config key "probe_intervl"; valid keys: ...
//   for (const ConfigKnob& knob : ConfigKnobs()) {
//     std::cout << knob.name << " = " << knob.get(config) << "\n";
//   }
//
// Identity, keys, peers, metadata and randomness are not knobs: they are
// per node and not text-shaped.
#ifndef SWIM_CONFIG_KNOBS_H_
#define SWIM_CONFIG_KNOBS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "swim/config.h"

namespace swim {

// How a knob's value is written.
enum class ConfigKnobKind {
  kDuration,  // an absl duration, not negative: "500ms", "1m30s"
  kInt,       // a decimal int: "3"
  kBool,      // true/false, 1/0, on/off
  kBytes,     // a positive decimal byte count: "1400"
};

// "duration", "int", "bool", "bytes".
absl::string_view ConfigKnobKindName(ConfigKnobKind kind);

struct ConfigKnob {
  // The field's name in Config (in Config::Testing for the test switches).
  absl::string_view name;
  ConfigKnobKind kind;
  // One line, for --help and the README.
  absl::string_view description;
  // Parses `value` into the field. The error is about the value only
  // (SetConfigKnob adds the key); range checks are Config::Validate's.
  absl::Status (*set)(Config& config, absl::string_view value);
  // The field's value as text that `set` accepts back unchanged.
  std::string (*get)(const Config& config);
};

// Every knob, in the order the README lists them.
absl::Span<const ConfigKnob> ConfigKnobs();

// The knob called `name`, or nullptr.
const ConfigKnob* FindConfigKnob(absl::string_view name);

// Sets knob `key` of `config` from text. InvalidArgument, config unchanged,
// if the key is unknown (the message lists the valid keys) or the value
// does not parse ("KEY: why").
absl::Status SetConfigKnob(Config& config, absl::string_view key,
                           absl::string_view value);

// The table as the Markdown that sim/README.md carries (key, kind,
// default, description), printed by //tools:config_knobs_markdown.
std::string ConfigKnobsMarkdown();

}  // namespace swim

#endif  // SWIM_CONFIG_KNOBS_H_
