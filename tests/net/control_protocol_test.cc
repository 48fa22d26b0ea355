// The control socket's request and response framing (net/control_protocol.h)
// and what it answers (net/control_views.h, net/json_text.h).
#include "net/control_protocol.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/control_views.h"
#include "net/json_text.h"
#include "net/member_snapshot.h"
#include "net/node_metrics.h"
#include "net/subscription.h"
#include "swim/keyring.h"
#include "swim/status.h"

namespace swim::net {
namespace {

ControlRequest Parsed(const std::string& line) {
  absl::StatusOr<ControlRequest> r = ParseControlRequest(line);
  EXPECT_TRUE(r.ok()) << line << ": " << r.status();
  return r.ok() ? *r : ControlRequest{};
}

TEST(ControlProtocol, RequestsRoundTrip) {
  for (const std::string line :
       {"members", "members json", "stats", "stats json", "keys list",
        "keys list json", "keys use 1a2b3c4d", "keys remove 00000001", "leave",
        "metrics", "monitor", "monitor json"}) {
    EXPECT_EQ(FormatControlRequest(Parsed(line)), line + "\n");
  }
  EXPECT_TRUE(Parsed("members json").json);
  EXPECT_EQ(Parsed("keys use 1a2b3c4d").command, ControlCommand::kKeysUse);
  EXPECT_EQ(Parsed("keys use 1a2b3c4d").argument, "1a2b3c4d");
}

TEST(ControlProtocol, KeysAddCarriesTheKeyInHex) {
  ControlRequest add;
  add.command = ControlCommand::kKeysAdd;
  add.argument = std::string("\x00\xff key bytes", 12);
  const std::string wire = FormatControlRequest(add);
  EXPECT_EQ(wire, "keys add 00ff206b6579206279746573\n");
  ControlRequest back = Parsed(wire.substr(0, wire.size() - 1));
  EXPECT_EQ(back.argument, add.argument);
}

TEST(ControlProtocol, BadRequestsNameTheProblem) {
  const struct {
    std::string line;
    std::string message;
  } cases[] = {
      {"", "empty request"},
      {"frobnicate", "unknown command 'frobnicate'"},
      {"members yaml", "unexpected argument 'yaml'"},
      {"leave json", "unexpected argument 'json'"},
      {"keys", "keys: list, add, use or remove"},
      {"keys rotate 1", "keys: unknown subcommand 'rotate'"},
      {"keys use", "keys use: one argument"},
      {"keys use zz", "key id 'zz'"},
      {"keys remove 123456789", "key id '123456789'"},
      {"keys add abc", "an even number of hex digits"},
      {"keys add zz", "not hex"},
      {std::string(2000, 'a'), "request too long"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<ControlRequest> r = ParseControlRequest(c.line);
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << r.status();
  }
}

TEST(ControlProtocol, Responses) {
  EXPECT_EQ(ControlOkResponse("abc\n"), "ok 4\nabc\n");
  EXPECT_EQ(ControlErrorResponse("two\nlines"), "error two lines\n");
  absl::StatusOr<ControlResponseHead> ok = ParseControlResponseHead("ok 4");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->kind, ControlResponseHead::Kind::kOk);
  EXPECT_EQ(ok->body_bytes, 4u);
  absl::StatusOr<ControlResponseHead> error =
      ParseControlResponseHead("error no such key");
  ASSERT_TRUE(error.ok());
  EXPECT_EQ(error->kind, ControlResponseHead::Kind::kError);
  EXPECT_EQ(error->error, "no such key");
  absl::StatusOr<ControlResponseHead> stream =
      ParseControlResponseHead("ok stream");
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->kind, ControlResponseHead::Kind::kStream);
  for (const char* bad : {"", "ok", "ok -1", "ok +3", "ok 99999999999999999999",
                          "ok 1x", "HTTP/1.1 200 OK"}) {
    EXPECT_FALSE(ParseControlResponseHead(bad).ok()) << bad;
  }
}

TEST(JsonText, EscapesEverythingUnprintable) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
  EXPECT_EQ(JsonString(std::string("\x01\x7f\xff", 3)),
            "\"\\u0001\\u007f\\u00ff\"");
}

MembersSnapshot TwoMembers() {
  MembersSnapshot s;
  MemberInfo& a = s.members.emplace_back();
  a.name = "127.0.0.1:1";
  a.address = "127.0.0.1:1";
  a.status = Status::kOnline;
  a.incarnation = 3;
  a.metadata = {{"name", "one"}};
  a.is_local = true;
  MemberInfo& b = s.members.emplace_back();
  b.name = "127.0.0.1:2";
  b.address = "127.0.0.1:2";
  b.status = Status::kOffline;
  b.offline_reason = OfflineReason::kLeft;
  b.metadata = {{"evil", "\x1b[2J\"\n"}};
  return s;
}

TEST(ControlViews, MembersTable) {
  EXPECT_EQ(MembersTable(TwoMembers()),
            "NAME          ADDRESS      STATUS          INCARNATION  METADATA\n"
            "*127.0.0.1:1  127.0.0.1:1  online          3            "
            "name=one\n"
            "127.0.0.1:2   127.0.0.1:2  offline (left)  0            "
            "evil=\\x1b[2J\\\"\\n\n");
}

TEST(ControlViews, MembersWithRoundTrips) {
  MemberRoundTrip b;
  b.member = "127.0.0.1:2";
  b.rtt = RttEstimate{absl::Microseconds(1500), absl::Microseconds(250), 3};
  b.estimated = absl::Microseconds(1750);
  const std::vector<MemberRoundTrip> rtts = {b};
  EXPECT_EQ(MembersTable(TwoMembers(), rtts),
            "NAME          ADDRESS      STATUS          INCARNATION  "
            "RTT                          METADATA\n"
            "*127.0.0.1:1  127.0.0.1:1  online          3            "
            "-                            name=one\n"
            "127.0.0.1:2   127.0.0.1:2  offline (left)  0            "
            "1.500ms +/-0.250ms ~1.750ms  evil=\\x1b[2J\\\"\\n\n");
  const std::string json = MembersJson(TwoMembers(), rtts);
  EXPECT_NE(json.find("\"local\":false,\"rtt_ms\":1.500,\"rttvar_ms\":0.250,"
                      "\"estimated_rtt_ms\":1.750,\"metadata\""),
            std::string::npos)
      << json;
  // The local member has no round trip: nothing added to it.
  EXPECT_GT(json.find("rtt_ms"), json.find("\"name\":\"127.0.0.1:2\""));
}

TEST(ControlViews, MembersJson) {
  EXPECT_EQ(MembersJson(TwoMembers()),
            "{\"members\":[{\"name\":\"127.0.0.1:1\",\"address\":"
            "\"127.0.0.1:1\",\"status\":\"online\",\"offline_reason\":"
            "\"none\",\"incarnation\":3,\"metadata_version\":0,\"local\":true,"
            "\"metadata\":{\"name\":\"one\"}},{\"name\":\"127.0.0.1:2\","
            "\"address\":\"127.0.0.1:2\",\"status\":\"offline\","
            "\"offline_reason\":\"left\",\"incarnation\":0,"
            "\"metadata_version\":0,\"local\":false,\"metadata\":{\"evil\":"
            "\"\\u001b[2J\\\"\\n\"}}]}\n");
}

TEST(ControlViews, StatsGroupLabelledSamples) {
  std::vector<MetricSample> samples(4);
  samples[0].family = "swim_probes_total";
  samples[0].value = 7;
  samples[1].family = "swim_drops_total";
  samples[1].label_name = "reason";
  samples[1].label_value = "auth_failed";
  samples[1].value = 2;
  samples[2] = samples[1];
  samples[2].label_value = "truncated";
  samples[2].value = 1;
  samples[3].family = "swim_health_score";
  samples[3].type = MetricType::kGauge;
  samples[3].value = 0;
  EXPECT_EQ(StatsJson("n", samples),
            "{\"name\":\"n\",\"probes_total\":7,\"drops_total\":{"
            "\"auth_failed\":2,\"truncated\":1},\"health_score\":0}\n");
  EXPECT_EQ(StatsText("n", samples),
            "node n\n"
            "probes_total              7\n"
            "drops_total{auth_failed}  2\n"
            "drops_total{truncated}    1\n"
            "health_score              0\n");
}

TEST(ControlViews, Keys) {
  const std::vector<KeyId> ids = {0x1a2b3c4d, 0x00000001};
  EXPECT_EQ(KeysText(ids), "1a2b3c4d primary\n00000001\n");
  EXPECT_EQ(
      KeysJson(ids),
      "{\"primary\":\"1a2b3c4d\",\"keys\":[\"1a2b3c4d\",\"00000001\"]}\n");
}

TEST(ControlViews, EventLines) {
  MemberChange change;
  change.event.member = "127.0.0.1:2";
  change.event.previous = Status::kOnline;
  change.event.current = Status::kSuspect;
  change.event.incarnation = 4;
  change.event.metadata_changed = true;
  change.member.address = "127.0.0.1:2";
  change.member.metadata = {{"k", "v"}};
  const absl::Time at = absl::FromUnixMillis(1700000000123);
  EXPECT_EQ(EventLine(change, at, /*json=*/false),
            "2023-11-14T22:13:20.123Z 127.0.0.1:2 online -> suspect "
            "incarnation=4 metadata={k=v}");
  EXPECT_EQ(EventLine(change, at, /*json=*/true),
            "{\"time\":\"2023-11-14T22:13:20.123Z\",\"member\":\"127.0.0.1:2\","
            "\"address\":\"127.0.0.1:2\",\"previous\":\"online\",\"status\":"
            "\"suspect\",\"offline_reason\":\"none\",\"incarnation\":4,"
            "\"metadata_changed\":true,\"forgotten\":false,\"metadata\":{"
            "\"k\":\"v\"}}");
  change.event.previous = Status::kSuspect;
  change.event.metadata_changed = false;
  EXPECT_EQ(EventLine(change, at, /*json=*/false),
            "2023-11-14T22:13:20.123Z 127.0.0.1:2 suspect incarnation=4");
}

}  // namespace
}  // namespace swim::net
