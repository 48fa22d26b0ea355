// Every counter and gauge as Prometheus samples (net/node_metrics.h), their
// text exposition format (net/prometheus_text.h), and the HTTP endpoint's
// answers and address check (net/metrics_http_server.h).
#include "net/prometheus_text.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "net/member_snapshot.h"
#include "net/metrics_http_server.h"
#include "net/node_metrics.h"
#include "net/socket_counters.h"
#include "net/udp_node.h"
#include "swim/counters.h"
#include "swim/drop_reason.h"
#include "swim/status.h"
#include "swim/user_counters.h"

namespace swim::net {
namespace {

// A new field in these structs must get its sample in net/node_metrics.cc
// (and then the size here): `swim stats` promises every counter.
static_assert(sizeof(UserCounters) == sizeof(uint64_t) * 18,
              "a counter was added to swim::UserCounters: export it in "
              "net/node_metrics.cc, then update this size");
static_assert(sizeof(Counters) ==
                  sizeof(uint64_t) * (4 * kMessageTypeCount + kDropReasonCount +
                                      32 + 11 + 6 + 3) +
                      sizeof(UserCounters),
              "a counter was added to swim::Counters: export it in "
              "net/node_metrics.cc, then update this size");
static_assert(sizeof(SocketCounters) == sizeof(uint64_t) * (10 + 2 * 5),
              "a counter was added to SocketCounters: export it in "
              "net/node_metrics.cc, then update this size");

UdpNodeStats SomeStats() {
  UdpNodeStats stats;
  stats.node.drops[static_cast<size_t>(DropReason::kAuthFailed)] = 3;
  stats.node.datagrams_in[0] = 11;
  stats.node.probes = 5;
  stats.node.health_score = 2;
  stats.socket.kernel_receive_drops = 9;
  stats.socket.bytes_received = 1234;
  stats.socket.send_errors.refused = 1;
  stats.pending_gossip = 4;
  return stats;
}

MembersSnapshot Members() {
  MembersSnapshot s;
  for (Status status : {Status::kOnline, Status::kOnline, Status::kSuspect}) {
    s.members.emplace_back().status = status;
  }
  return s;
}

std::string Text() {
  return FormatPrometheusText(NodeMetrics(SomeStats(), Members(), 2));
}

TEST(PrometheusText, SamplesCarryTheValues) {
  const std::string text = Text();
  for (const char* line : {
           "swim_drops_total{reason=\"auth_failed\"} 3\n",
           "swim_drops_total{reason=\"truncated\"} 0\n",
           "swim_members{status=\"online\"} 2\n",
           "swim_members{status=\"suspect\"} 1\n",
           "swim_members{status=\"offline\"} 0\n",
           "swim_messages_received_total{type=\"ping\"} 11\n",
           "swim_probes_total 5\n",
           "swim_health_score 2\n",
           "swim_keys 2\n",
           "swim_pending_gossip_updates 4\n",
           "swim_socket_kernel_receive_drops_total 9\n",
           "swim_socket_received_bytes_total 1234\n",
           "swim_socket_send_errors_total{kind=\"refused\"} 1\n",
           "# TYPE swim_drops_total counter\n",
           "# TYPE swim_members gauge\n",
           "# HELP swim_socket_kernel_receive_drops_total Datagrams the",
       }) {
    EXPECT_TRUE(absl::StrContains(text, line)) << line << "\n" << text;
  }
}

// Whether `s` is made of `allowed` characters only, and not empty.
bool OnlyOf(absl::string_view s, absl::string_view allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == absl::string_view::npos;
}

// The family of a sample line `swim_name{label="value"} 123` (the label
// optional; names [a-z0-9_], labels and values [a-z_]), or nullopt if the
// line is not one. (std::regex trips g++ 12's -Wmaybe-uninitialized under
// the sanitizers.)
std::optional<std::string> SampleFamily(absl::string_view line) {
  constexpr absl::string_view kLower = "abcdefghijklmnopqrstuvwxyz_";
  constexpr absl::string_view kName = "abcdefghijklmnopqrstuvwxyz0123456789_";
  const size_t space = line.rfind(' ');
  if (space == absl::string_view::npos ||
      !OnlyOf(line.substr(space + 1), "0123456789")) {
    return std::nullopt;
  }
  absl::string_view head = line.substr(0, space);
  const size_t brace = head.find('{');
  absl::string_view family = head.substr(0, brace);
  if (!absl::StartsWith(family, "swim_") || !OnlyOf(family, kName)) {
    return std::nullopt;
  }
  if (brace != absl::string_view::npos) {
    absl::string_view label = head.substr(brace + 1);
    if (!absl::ConsumeSuffix(&label, "\"}")) return std::nullopt;
    const size_t eq = label.find("=\"");
    if (eq == absl::string_view::npos || !OnlyOf(label.substr(0, eq), kLower) ||
        !OnlyOf(label.substr(eq + 2), kLower)) {
      return std::nullopt;
    }
  }
  return std::string(family);
}

TEST(PrometheusText, TheSampleCheckCanFail) {
  EXPECT_EQ(SampleFamily("swim_drops_total{reason=\"auth_failed\"} 3"),
            "swim_drops_total");
  EXPECT_EQ(SampleFamily("swim_x 0"), "swim_x");
  for (absl::string_view bad :
       {"swim_x", "swim_x -1", "other_x 1", "swim_X 1", "swim_x{a=b} 1",
        "swim_x{A=\"b\"} 1", "swim_x{a=\"b\" 1"}) {
    EXPECT_EQ(SampleFamily(bad), std::nullopt) << bad;
  }
}

TEST(PrometheusText, FollowsTheNamingConventions) {
  std::set<std::string> helped, typed;
  std::string last_type;
  for (absl::string_view line :
       absl::StrSplit(Text(), '\n', absl::SkipEmpty())) {
    const std::vector<std::string> words =
        absl::StrSplit(line, absl::MaxSplits(' ', 3));
    if (absl::StartsWith(line, "# HELP ")) {
      EXPECT_TRUE(helped.insert(words[2]).second) << "two HELP: " << line;
      continue;
    }
    if (absl::StartsWith(line, "# TYPE ")) {
      EXPECT_TRUE(typed.insert(words[2]).second) << "two TYPE: " << line;
      last_type = words[3];
      EXPECT_EQ(absl::EndsWith(words[2], "_total"), last_type == "counter")
          << line;
      continue;
    }
    const std::optional<std::string> family = SampleFamily(line);
    ASSERT_TRUE(family.has_value()) << line;
    EXPECT_TRUE(typed.count(*family)) << "no TYPE before " << line;
    EXPECT_TRUE(helped.count(*family)) << "no HELP before " << line;
    // Units last: "_bytes" ends a name, before "_total".
    if (absl::StrContains(*family, "bytes")) {
      EXPECT_TRUE(absl::EndsWith(*family, "_bytes_total")) << line;
    }
  }
  EXPECT_EQ(helped, typed);
}

TEST(PrometheusText, EscapesLabelValuesAndHelp) {
  MetricSample s;
  s.family = "swim_x";
  s.help = "a\\b\nc";
  s.label_name = "l";
  s.label_value = "q\"\\\n";
  s.value = 1;
  EXPECT_EQ(FormatPrometheusText({s}),
            "# HELP swim_x a\\\\b\\nc\n# TYPE swim_x counter\n"
            "swim_x{l=\"q\\\"\\\\\\n\"} 1\n");
}

TEST(MetricsHttp, Responses) {
  const std::string ok =
      MetricsHttpResponse("GET /metrics HTTP/1.1\r\nHost: x", "swim_keys 1\n");
  EXPECT_TRUE(absl::StartsWith(ok, "HTTP/1.1 200 OK\r\n")) << ok;
  EXPECT_TRUE(absl::StrContains(
      ok, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  EXPECT_TRUE(absl::StrContains(ok, "Content-Length: 12\r\n"));
  EXPECT_TRUE(absl::EndsWith(ok, "\r\n\r\nswim_keys 1\n"));
  EXPECT_TRUE(absl::StartsWith(
      MetricsHttpResponse("GET /metrics?x=1 HTTP/1.0", "m"), "HTTP/1.1 200"));
  EXPECT_TRUE(absl::StartsWith(MetricsHttpResponse("GET / HTTP/1.1", "m"),
                               "HTTP/1.1 404"));
  EXPECT_TRUE(absl::StartsWith(
      MetricsHttpResponse("POST /metrics HTTP/1.1", "m"), "HTTP/1.1 405"));
  for (const char* bad : {"", "GET", "GET /metrics", "\x01\x02 x y"}) {
    EXPECT_TRUE(absl::StartsWith(MetricsHttpResponse(bad, "m"), "HTTP/1.1 400"))
        << bad;
  }
}

TEST(MetricsHttp, LoopbackOnly) {
  for (const char* ok : {"127.0.0.1:9464", "127.1.2.3:0", "[::1]:9464"}) {
    EXPECT_TRUE(CheckLoopbackAddress(ok).ok()) << ok;
  }
  for (const char* bad :
       {"0.0.0.0:9464", "[::]:9464", "10.0.0.1:9464", "localhost:9464",
        "127.0.0.1", "[::ffff:10.0.0.1]:1"}) {
    const absl::Status s = CheckLoopbackAddress(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StrContains(s.message(), bad)) << s;
  }
  EXPECT_TRUE(absl::StrContains(CheckLoopbackAddress("0.0.0.0:1").message(),
                                "not a loopback address"));
}

}  // namespace
}  // namespace swim::net
