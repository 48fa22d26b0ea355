// Tests of swim_inspect's relay mode (tools/relay.h) against an echo server
// on 127.0.0.1: every sender gets its own answers back, from the relay's
// address, with the flows bounded (the least recently used makes room).
#include "tools/relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/keyring.h"

namespace swim::tools {
namespace {

// A UDP socket on 127.0.0.1 with a free port.
int BoundSocket(uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), size) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    ADD_FAILURE() << "cannot bind a socket on 127.0.0.1";
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

// Waits (up to 10 s) until a socket is bound to 127.0.0.1:`port`, as the
// kernel lists them (looking, not binding, so as not to race the relay).
bool WaitBound(uint16_t port) {
  const std::string local = absl::StrFormat(" 0100007F:%04X ", port);
  for (int i = 0; i < 1000; ++i) {
    std::ifstream udp("/proc/net/udp");
    const std::string table((std::istreambuf_iterator<char>(udp)),
                            std::istreambuf_iterator<char>());
    if (absl::StrContains(table, local)) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

// Answers every datagram with "echo:" and the datagram, to its sender.
class EchoServer {
 public:
  EchoServer() : fd_(BoundSocket(&port_)) {
    thread_ = std::thread([this] {
      char buffer[2048];
      while (!stop_.load()) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0) continue;
        sockaddr_storage from{};
        socklen_t size = sizeof(from);
        const ssize_t n = recvfrom(fd_, buffer, sizeof(buffer), 0,
                                   reinterpret_cast<sockaddr*>(&from), &size);
        if (n < 0) continue;
        const std::string reply =
            absl::StrCat("echo:", std::string(buffer, static_cast<size_t>(n)));
        sendto(fd_, reply.data(), reply.size(), 0,
               reinterpret_cast<sockaddr*>(&from), size);
      }
    });
  }
  ~EchoServer() {
    stop_.store(true);
    thread_.join();
    close(fd_);
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;
  uint16_t port() const { return port_; }

 private:
  uint16_t port_ = 0;
  int fd_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Sends `text` from `fd` to 127.0.0.1:`port`; the answer and the port it
// came from (empty after 10 s).
std::string Ask(int fd, uint16_t port, const std::string& text,
                uint16_t* from_port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&to),
         sizeof(to));
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 10000) <= 0) return "";
  char buffer[2048];
  sockaddr_in from{};
  socklen_t size = sizeof(from);
  const ssize_t n = recvfrom(fd, buffer, sizeof(buffer), 0,
                             reinterpret_cast<sockaddr*>(&from), &size);
  if (n < 0) return "";
  *from_port = ntohs(from.sin_port);
  return std::string(buffer, static_cast<size_t>(n));
}

TEST(RelayTest, EachSenderGetsItsOwnRepliesWithFlowsBounded) {
  EchoServer echo;
  // A free port for the relay (closed again just before it binds it).
  uint16_t relay_port = 0;
  close(BoundSocket(&relay_port));
  absl::StatusOr<Keyring> keyring =
      Keyring::Create("", {"a sixteen-byte key for the relay"});
  ASSERT_TRUE(keyring.ok());
  RelayOptions options;
  options.capture.listen = absl::StrCat("127.0.0.1:", relay_port);
  options.capture.count = 8;  // 4 datagrams each way
  options.capture.duration = absl::Seconds(30);
  options.relay_to = absl::StrCat("127.0.0.1:", echo.port());
  options.max_flows = 2;
  std::ostringstream out;
  std::ostringstream log;
  absl::Status relayed;
  std::thread relay([&] { relayed = Relay(*keyring, options, out, log); });
  ASSERT_TRUE(WaitBound(relay_port)) << "the relay never bound its port";

  std::vector<uint16_t> ports(3);
  std::vector<int> clients(3);
  for (int i = 0; i < 3; ++i) clients[i] = BoundSocket(&ports[i]);
  // Three senders through two flows, then the first again (its flow was
  // the least recently used, so it was made room for).
  for (int i : {0, 1, 2, 0}) {
    uint16_t from = 0;
    const std::string text = absl::StrCat("hello ", i);
    EXPECT_EQ(Ask(clients[i], relay_port, text, &from), "echo:" + text)
        << "client " << i;
    EXPECT_EQ(from, relay_port) << "client " << i;
  }
  relay.join();
  for (int fd : clients) close(fd);
  ASSERT_TRUE(relayed.ok()) << relayed;

  const std::string relay_to = options.relay_to;
  std::vector<std::string> lines =
      absl::StrSplit(out.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 8u) << out.str();
  for (size_t k = 0; k < lines.size(); ++k) {
    const std::string client =
        absl::StrCat("127.0.0.1:", ports[k / 2 == 3 ? 0 : k / 2]);
    // Not swim datagrams: each says why a node would drop it.
    const std::string want = k % 2 == 0
                                 ? absl::StrCat(client, " -> ", relay_to, " ")
                                 : absl::StrCat(relay_to, " -> ", client, " ");
    EXPECT_TRUE(absl::StartsWith(lines[k], want)) << lines[k];
    EXPECT_TRUE(absl::StrContains(lines[k], " dropped ")) << lines[k];
  }
  EXPECT_TRUE(absl::StrContains(log.str(), "relayed 4 datagrams to " +
                                               relay_to +
                                               " and 4 back; 4 flows "
                                               "(2 evicted when 2 were open)"))
      << log.str();
}

TEST(RelayTest, BadAddressesAreNamed) {
  absl::StatusOr<Keyring> keyring =
      Keyring::Create("", {"a sixteen-byte key for the relay"});
  ASSERT_TRUE(keyring.ok());
  std::ostringstream out;
  std::ostringstream log;
  RelayOptions options;
  options.capture.listen = "nonsense";
  options.relay_to = "127.0.0.1:9";
  absl::Status s = Relay(*keyring, options, out, log);
  EXPECT_TRUE(absl::StrContains(s.message(), "--listen=nonsense")) << s;
  options.capture.listen = "127.0.0.1:0";
  options.relay_to = "127.0.0.1:99999";
  s = Relay(*keyring, options, out, log);
  EXPECT_TRUE(absl::StrContains(s.message(), "--relay_to=127.0.0.1:99999"))
      << s;
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
}  // namespace swim::tools
