// The control socket (net/control_server.h) and the metrics endpoint
// (net/metrics_http_server.h) on live UdpNodes on 127.0.0.1, driven through
// the client (net/control_client.h): every command, the failures, the
// socket file's mode and life cycle. Sockets live in the test's temp dir.
#include "net/control_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "net/control_client.h"
#include "net/control_protocol.h"
#include "net/metrics_http_server.h"
#include "net/secret.h"
#include "net/socket_address.h"
#include "net/stream_io.h"
#include "net/udp_node.h"
#include "swim/keyring.h"
#include "swim/status.h"
#include "tests/testing/udp_node_waits.h"

namespace swim::net {
namespace {

using ::swim::testing::StartNode;
using ::swim::testing::WaitFor;

// A fresh folder under /tmp: Bazel's TEST_TMPDIR is too long for a Unix
// socket's path (108 bytes).
// Removed with what it holds when the test ends.
const std::string& TempDir() {
  static const std::string* const kDir = [] {
    char pattern[] = "/tmp/swim_control_test.XXXXXX";
    const char* made = mkdtemp(pattern);
    if (made == nullptr) std::abort();
    static std::string* dir = new std::string(made);
    std::atexit([] { std::filesystem::remove_all(*dir); });
    return dir;
  }();
  return *kDir;
}

std::string TempPath(absl::string_view name) {
  return absl::StrCat(TempDir(), "/", name);
}

UdpNodeOptions Options(std::vector<std::string> peers = {}) {
  UdpNodeOptions options;
  options.config.address = "127.0.0.1:0";
  options.config.keys = {DeriveKeyFromSecret("control test")};
  options.config.seed_peers = std::move(peers);
  options.config.probe_interval = absl::Milliseconds(200);
  options.config.probe_timeout = absl::Milliseconds(100);
  options.config.join_retry_initial = absl::Milliseconds(100);
  options.config.join_retry_max = absl::Milliseconds(500);
  options.leave_linger = absl::Milliseconds(200);
  return options;
}

ControlRequest Request(ControlCommand command, bool json = false,
                       std::string argument = "") {
  ControlRequest r;
  r.command = command;
  r.json = json;
  r.argument = std::move(argument);
  return r;
}

std::unique_ptr<ControlServer> Serve(UdpNode& node, const std::string& path) {
  ControlServerOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<ControlServer>> server =
      ControlServer::Start(node, options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = StartNode(Options());
    ASSERT_NE(a_, nullptr);
    b_ = StartNode(Options({a_->address()}));
    ASSERT_NE(b_, nullptr);
    ASSERT_TRUE(WaitFor([&] {
      return a_->Members()->Count(Status::kOnline) == 2 &&
             b_->Members()->Count(Status::kOnline) == 2;
    }));
    path_ = TempPath(absl::StrCat(
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        ".sock"));
    server_ = Serve(*a_, path_);
    ASSERT_NE(server_, nullptr);
  }

  absl::StatusOr<std::string> Call(const ControlRequest& request) {
    return ControlCall(path_, request);
  }

  std::unique_ptr<UdpNode> a_, b_;
  std::string path_;
  std::unique_ptr<ControlServer> server_;
};

TEST_F(ControlServerTest, SocketIsOwnerOnlyAndRemovedOnStop) {
  struct stat st {};
  ASSERT_EQ(lstat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  server_.reset();
  EXPECT_NE(lstat(path_.c_str(), &st), 0);
  absl::StatusOr<std::string> gone = Call(Request(ControlCommand::kMembers));
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(absl::StrContains(gone.status().message(), path_))
      << gone.status();
}

TEST_F(ControlServerTest, Members) {
  absl::StatusOr<std::string> table = Call(Request(ControlCommand::kMembers));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_TRUE(absl::StrContains(*table, absl::StrCat("*", a_->name(), " ")))
      << *table;
  EXPECT_TRUE(absl::StrContains(*table, b_->name())) << *table;
  absl::StatusOr<std::string> json =
      Call(Request(ControlCommand::kMembers, /*json=*/true));
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(absl::StrContains(
      *json, absl::StrCat("{\"name\":\"", b_->name(), "\",\"address\":\"",
                          b_->address(), "\",\"status\":\"online\"")))
      << *json;
}

TEST_F(ControlServerTest, StatsAndMetrics) {
  absl::StatusOr<std::string> json =
      Call(Request(ControlCommand::kStats, /*json=*/true));
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(absl::StartsWith(*json, absl::StrCat("{\"name\":\"", a_->name(),
                                                   "\",\"members\":{"
                                                   "\"online\":2,")))
      << *json;
  EXPECT_TRUE(absl::StrContains(*json, "\"drops_total\":{\"truncated\":0,"));
  EXPECT_TRUE(absl::StrContains(*json, "\"health_score\":"));
  absl::StatusOr<std::string> text = Call(Request(ControlCommand::kStats));
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_TRUE(absl::StrContains(*text, "drops_total{auth_failed}"));
  absl::StatusOr<std::string> metrics = Call(Request(ControlCommand::kMetrics));
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_TRUE(
      absl::StrContains(*metrics, "swim_members{status=\"online\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(*metrics, "swim_keys 1\n"));
}

TEST_F(ControlServerTest, KeysAndTheirErrors) {
  const KeyId old_id = KeyIdOf(DeriveKeyFromSecret("control test"));
  const std::string old_text = KeyIdText(old_id);
  absl::StatusOr<std::string> added = Call(Request(
      ControlCommand::kKeysAdd, false, DeriveKeyFromSecret("the next secret")));
  ASSERT_TRUE(added.ok()) << added.status();
  const KeyId new_id = KeyIdOf(DeriveKeyFromSecret("the next secret"));
  const std::string new_text = KeyIdText(new_id);
  EXPECT_EQ(*added, absl::StrCat("added key ", new_text, "\n"));

  absl::StatusOr<std::string> primary =
      Call(Request(ControlCommand::kKeysRemove, false, old_text));
  ASSERT_FALSE(primary.ok());
  EXPECT_EQ(primary.status().message(),
            absl::StrCat("keys remove ", old_text,
                         ": cannot remove the primary key; make another key "
                         "primary first"));
  absl::StatusOr<std::string> unknown =
      Call(Request(ControlCommand::kKeysUse, false, "deadbeef"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(absl::StrContains(unknown.status().message(),
                                "keys use deadbeef: no key with id deadbeef"))
      << unknown.status();
  absl::StatusOr<std::string> short_key =
      Call(Request(ControlCommand::kKeysAdd, false, "short"));
  ASSERT_FALSE(short_key.ok());
  EXPECT_TRUE(absl::StartsWith(short_key.status().message(), "keys add: "));

  ASSERT_TRUE(Call(Request(ControlCommand::kKeysUse, false, new_text)).ok());
  absl::StatusOr<std::string> removed =
      Call(Request(ControlCommand::kKeysRemove, false, old_text));
  ASSERT_TRUE(removed.ok()) << removed.status();
  absl::StatusOr<std::string> list =
      Call(Request(ControlCommand::kKeysList, /*json=*/true));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(*list, absl::StrCat("{\"primary\":\"", new_text, "\",\"keys\":[\"",
                                new_text, "\"]}\n"));
  EXPECT_EQ(*a_->KeyIds(), std::vector<KeyId>{new_id});
}

TEST_F(ControlServerTest, MonitorSeesLeaveAsItHappens) {
  // A second server on b, so that b's leave is asked for through it.
  const std::string b_path = path_ + ".b";
  std::unique_ptr<ControlServer> b_server = Serve(*b_, b_path);
  ASSERT_NE(b_server, nullptr);
  std::vector<std::string> lines;  // the monitor thread's until joined
  std::atomic<int> seen{0};
  std::thread monitor([&] {
    absl::Status s = ControlStream(
        path_, Request(ControlCommand::kMonitor, /*json=*/true),
        [&](absl::string_view line) {
          lines.emplace_back(line);
          ++seen;
          return !absl::StrContains(line, "\"status\":\"offline\"");
        },
        swim::testing::kUdpWait);
    EXPECT_TRUE(s.ok()) << s;
  });
  // Events from before the subscription are not replayed: change a's
  // metadata until the monitor shows a change, so it is surely listening.
  int tick = 0;
  ASSERT_TRUE(WaitFor([&] {
    if (seen > 0) return true;
    EXPECT_TRUE(a_->SetMetadata({{"tick", absl::StrCat(++tick)}}).ok());
    absl::SleepFor(absl::Milliseconds(50));
    return false;
  }));
  absl::StatusOr<std::string> left =
      ControlCall(b_path, Request(ControlCommand::kLeave));
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, absl::StrCat(b_->name(), " left the cluster\n"));
  monitor.join();
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(absl::StrContains(
      lines.back(), absl::StrCat("\"member\":\"", b_->name(), "\"")))
      << lines.back();
  EXPECT_TRUE(absl::StrContains(lines.back(), "\"offline_reason\":\"left\""));
  EXPECT_EQ(a_->Members()->Find(b_->name())->offline_reason,
            OfflineReason::kLeft);
}

TEST_F(ControlServerTest, BadRequestsGetOneLineErrors) {
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  path_.copy(address.sun_path, sizeof(address.sun_path) - 1);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  ASSERT_TRUE(SendAll(fd, "frobnicate now\n").ok());
  absl::StatusOr<std::string> answer = ReadUntil(fd, "\n", 1024);
  close(fd);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, "error unknown command 'frobnicate'");
}

TEST_F(ControlServerTest, AnotherServerOnALiveSocketIsRefused) {
  ControlServerOptions options;
  options.path = path_;
  absl::StatusOr<std::unique_ptr<ControlServer>> second =
      ControlServer::Start(*b_, options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(
      second.status().message(),
      absl::StrCat("control socket ", path_, ": in use by a running process"));
  // The first one still answers.
  EXPECT_TRUE(Call(Request(ControlCommand::kMembers)).ok());
}

TEST(ControlServer, StaleSocketReplacedOtherFilesRefused) {
  std::unique_ptr<UdpNode> node = StartNode(Options());
  ASSERT_NE(node, nullptr);
  // A socket file nobody listens on, as a killed process leaves it.
  const std::string stale = TempPath("stale.sock");
  unlink(stale.c_str());
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  stale.copy(address.sun_path, sizeof(address.sun_path) - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  close(fd);
  std::unique_ptr<ControlServer> server = Serve(*node, stale);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(ControlCall(stale, Request(ControlCommand::kMembers)).ok());
  server.reset();

  const std::string file = TempPath("not-a-socket");
  std::ofstream(file) << "keep me\n";
  ControlServerOptions options;
  options.path = file;
  absl::StatusOr<std::unique_ptr<ControlServer>> refused =
      ControlServer::Start(*node, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            absl::StrCat("control socket ", file, ": exists, not a socket"));
  struct stat st {};
  EXPECT_EQ(lstat(file.c_str(), &st), 0);  // untouched

  options.path = std::string(200, 'x');
  EXPECT_EQ(ControlServer::Start(*node, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.path = TempPath("no/such/dir.sock");
  refused = ControlServer::Start(*node, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), options.path));
}

// GET `target` from 127.0.0.1:`port`; the whole response.
std::string HttpGet(const std::string& address, absl::string_view target) {
  absl::StatusOr<SocketAddress> to = ParseSocketAddress(address);
  EXPECT_TRUE(to.ok());
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  SetStreamTimeouts(fd, absl::Seconds(10));
  EXPECT_EQ(connect(fd, to->addr(), to->size), 0);
  EXPECT_TRUE(
      SendAll(fd, absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: x\r\n\r\n"))
          .ok());
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
    out.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

TEST(MetricsHttpServer, AnswersOnLoopbackRefusesAnyAddress) {
  std::unique_ptr<UdpNode> node = StartNode(Options());
  ASSERT_NE(node, nullptr);
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
      MetricsHttpServer::Start(*node, "127.0.0.1:0");
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = (*server)->address();
  EXPECT_TRUE(absl::StartsWith(address, "127.0.0.1:")) << address;
  const std::string response = HttpGet(address, "/metrics");
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(
      absl::StrContains(response, "swim_members{status=\"online\"} 1\n"))
      << response;
  EXPECT_TRUE(absl::StartsWith(HttpGet(address, "/"), "HTTP/1.1 404"));
  server->reset();

  for (const char* any : {"0.0.0.0:0", "[::]:0"}) {
    absl::StatusOr<std::unique_ptr<MetricsHttpServer>> refused =
        MetricsHttpServer::Start(*node, any);
    ASSERT_FALSE(refused.ok()) << any;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(
        absl::StrContains(refused.status().message(), "not a loopback address"))
        << refused.status();
  }
}

}  // namespace
}  // namespace swim::net
