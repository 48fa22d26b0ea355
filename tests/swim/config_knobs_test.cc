// Tests of swim/config_knobs.h: every knob can be set and read back, each
// reaches its own Config field, and bad keys and values get errors that
// say what is wrong.
#include "swim/config_knobs.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/config.h"

namespace swim {
namespace {

// A value of `kind` unlike any field's default, in the form `set` takes.
std::string UnusualValue(ConfigKnobKind kind) {
  switch (kind) {
    case ConfigKnobKind::kDuration:
      return "1m23.456789s";
    case ConfigKnobKind::kInt:
      return "77";
    case ConfigKnobKind::kBool:
      return "true";
    case ConfigKnobKind::kBytes:
      return "4321";
  }
  return "";
}

TEST(ConfigKnobsTest, NamesAreUniqueAndDescribed) {
  std::set<std::string> names;
  for (const ConfigKnob& knob : ConfigKnobs()) {
    EXPECT_TRUE(names.insert(std::string(knob.name)).second) << knob.name;
    EXPECT_FALSE(knob.description.empty()) << knob.name;
    EXPECT_FALSE(absl::StrContains(knob.description, "\n")) << knob.name;
    EXPECT_FALSE(absl::StrContains(knob.description, "|")) << knob.name;
    EXPECT_EQ(FindConfigKnob(knob.name), &knob);
  }
  EXPECT_EQ(FindConfigKnob("no_such_knob"), nullptr);
}

TEST(ConfigKnobsTest, EveryKnobRoundTripsItsDefault) {
  const Config defaults;
  for (const ConfigKnob& knob : ConfigKnobs()) {
    Config config;
    ASSERT_TRUE(SetConfigKnob(config, knob.name, knob.get(defaults)).ok())
        << knob.name << " = " << knob.get(defaults);
    EXPECT_EQ(knob.get(config), knob.get(defaults)) << knob.name;
  }
}

// Setting one knob changes that knob only: each reaches its own field.
TEST(ConfigKnobsTest, EveryKnobSetsItsOwnField) {
  const Config defaults;
  for (const ConfigKnob& knob : ConfigKnobs()) {
    Config config;
    const std::string value = UnusualValue(knob.kind);
    ASSERT_TRUE(SetConfigKnob(config, knob.name, value).ok()) << knob.name;
    EXPECT_EQ(knob.get(config),
              knob.kind == ConfigKnobKind::kDuration
                  ? absl::FormatDuration(absl::Seconds(83.456789))
                  : value)
        << knob.name;
    EXPECT_NE(knob.get(config), knob.get(defaults)) << knob.name;
    for (const ConfigKnob& other : ConfigKnobs()) {
      if (other.name == knob.name) continue;
      EXPECT_EQ(other.get(config), other.get(defaults))
          << "setting " << knob.name << " changed " << other.name;
    }
  }
}

TEST(ConfigKnobsTest, SetsTheNamedFields) {
  Config config;
  ASSERT_TRUE(SetConfigKnob(config, "probe_interval", "250ms").ok());
  ASSERT_TRUE(SetConfigKnob(config, "indirect_checks", "5").ok());
  ASSERT_TRUE(SetConfigKnob(config, "encrypt", "on").ok());
  ASSERT_TRUE(SetConfigKnob(config, "max_datagram_bytes", "9000").ok());
  ASSERT_TRUE(SetConfigKnob(config, "zero_retransmits", "1").ok());
  ASSERT_TRUE(SetConfigKnob(config, "join_retry_initial", "2s").ok());
  EXPECT_EQ(config.probe_interval, absl::Milliseconds(250));
  EXPECT_EQ(config.indirect_checks, 5);
  EXPECT_TRUE(config.encrypt);
  EXPECT_EQ(config.max_datagram_bytes, 9000u);
  EXPECT_TRUE(config.testing.zero_retransmits);
  EXPECT_EQ(config.join_retry_initial, absl::Seconds(2));
  ASSERT_TRUE(SetConfigKnob(config, "encrypt", "off").ok());
  EXPECT_FALSE(config.encrypt);
}

// The simulator's clock counts whole nanoseconds; so do the knobs.
TEST(ConfigKnobsTest, DurationsAreWholeNanoseconds) {
  Config config;
  ASSERT_TRUE(SetConfigKnob(config, "probe_timeout", "1.5ns").ok());
  EXPECT_EQ(config.probe_timeout, absl::Nanoseconds(1));
}

TEST(ConfigKnobsTest, UnknownKeyListsTheValidOnes) {
  Config config;
  absl::Status s = SetConfigKnob(config, "probe_intervl", "1s");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StartsWith(s.message(), "unknown config key \"probe_intervl\""))
      << s;
  for (const ConfigKnob& knob : ConfigKnobs()) {
    EXPECT_TRUE(absl::StrContains(s.message(), knob.name)) << knob.name;
  }
}

TEST(ConfigKnobsTest, BadValuesNameTheKeyAndLeaveTheConfigAlone) {
  struct Case {
    const char* key;
    const char* value;
    const char* message;
  };
  const Case cases[] = {
      {"probe_interval", "fast",
       "probe_interval: \"fast\" is not a duration like 30s or 1m30s"},
      {"probe_interval", "-1s",
       "probe_interval: \"-1s\" is negative or infinite"},
      {"probe_interval", "inf",
       "probe_interval: \"inf\" is negative or infinite"},
      {"indirect_checks", "2.5", "indirect_checks: \"2.5\" is not an integer"},
      {"gossip_fanout", "99999999999",
       "gossip_fanout: \"99999999999\" is not an integer"},
      {"encrypt", "maybe", "encrypt: \"maybe\" is not true or false"},
      {"max_datagram_bytes", "0",
       "max_datagram_bytes: \"0\" is not a positive number of bytes"},
      {"max_datagram_bytes", "-5",
       "max_datagram_bytes: \"-5\" is not a positive number of bytes"},
  };
  const Config defaults;
  for (const Case& c : cases) {
    Config config;
    absl::Status s = SetConfigKnob(config, c.key, c.value);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.key;
    EXPECT_EQ(s.message(), c.message);
    const ConfigKnob* knob = FindConfigKnob(c.key);
    ASSERT_NE(knob, nullptr);
    EXPECT_EQ(knob->get(config), knob->get(defaults)) << c.key;
  }
}

TEST(ConfigKnobsTest, MarkdownHasOneRowPerKnob) {
  const std::string markdown = ConfigKnobsMarkdown();
  EXPECT_TRUE(
      absl::StartsWith(markdown, "| key | kind | default | meaning |\n"));
  EXPECT_TRUE(
      absl::StrContains(markdown, "| `probe_interval` | duration | `1s` |"));
  EXPECT_TRUE(absl::StrContains(markdown, "| `encrypt` | bool | `false` |"));
  size_t rows = 0;
  for (char c : markdown) rows += c == '\n';
  EXPECT_EQ(rows, ConfigKnobs().size() + 2);
}

}  // namespace
}  // namespace swim
