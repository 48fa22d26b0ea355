#include "tools/relay.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/socket_address.h"
#include "net/socket_counters.h"
#include "net/udp_socket.h"
#include "swim/keyring.h"
#include "tools/capture.h"

namespace swim::tools {
namespace {

// One sender's way through the relay.
struct Flow {
  net::SocketAddress client;
  net::UdpSocket upstream;  // its socket toward relay_to
  absl::Time last_used;
};

net::SocketAddress FromSockaddr(const sockaddr* address, socklen_t size) {
  net::SocketAddress a;
  size = std::min<socklen_t>(size, sizeof(a.storage));
  std::memcpy(&a.storage, address, size);
  a.size = size;
  return a;
}

class Relayer {
 public:
  Relayer(const Keyring& keyring, const RelayOptions& options,
          net::UdpSocket listener, net::SocketAddress relay_to,
          std::ostream& out, std::ostream& log)
      : keyring_(keyring),
        options_(options),
        listener_(std::move(listener)),
        relay_to_(relay_to),
        relay_to_text_(relay_to.ToString()),
        out_(out),
        log_(log),
        // One byte more than a node accepts, so that oversized ones show
        // as such (and are still forwarded whole up to that size).
        batch_(16, options.capture.envelope.max_datagram_bytes + 1) {}

  void Run() {
    const absl::Time end = absl::Now() + options_.capture.duration;
    while (!Done()) {
      const absl::Duration left = end - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      std::vector<pollfd> ready;
      std::vector<std::string> keys;
      ready.push_back(pollfd{listener_.fd(), POLLIN, 0});
      for (auto& [key, flow] : flows_) {
        ready.push_back(pollfd{flow.upstream.fd(), POLLIN, 0});
        keys.push_back(key);
      }
      // At most a second, so that idle flows are forgotten on time.
      const int timeout_ms =
          left >= absl::Seconds(1)
              ? 1000
              : static_cast<int>(absl::ToInt64Milliseconds(left) + 1);
      if (poll(ready.data(), ready.size(), timeout_ms) > 0) {
        if (ready[0].revents != 0) FromClients();
        for (size_t i = 1; i < ready.size() && !Done(); ++i) {
          if (ready[i].revents != 0) FromRelayTo(keys[i - 1]);
        }
      }
      ForgetIdle(absl::Now());
    }
    log_ << "swim_inspect: relayed " << forwarded_ << " datagrams to "
         << relay_to_text_ << " and " << replied_ << " back; " << flows_made_
         << " flows (" << flows_evicted_ << " evicted when "
         << options_.max_flows << " were open); "
         << counters_.send_errors.total() << " send errors; " << strays_
         << " datagrams from others than " << relay_to_text_ << " ignored"
         << std::endl;
  }

 private:
  bool Done() const {
    return options_.capture.count != 0 && printed_ >= options_.capture.count;
  }

  void FromClients() {
    const size_t n = listener_.Receive(batch_, counters_);
    const absl::Time now = absl::Now();
    for (size_t i = 0; i < n; ++i) {
      const std::string from =
          net::FormatSocketAddress(batch_.from(i), batch_.from_size(i));
      Flow* flow = FlowOf(from, batch_.from(i), batch_.from_size(i), now);
      if (flow == nullptr) continue;  // said on the log
      flow->last_used = now;
      const net::Outgoing datagram{&relay_to_, batch_.data(i)};
      flow->upstream.Send({&datagram, 1}, counters_);
      ++forwarded_;
      Print("forward", from, relay_to_text_, batch_.data(i));
    }
  }

  void FromRelayTo(const std::string& key) {
    auto it = flows_.find(key);
    if (it == flows_.end()) return;
    Flow& flow = it->second;
    const size_t n = flow.upstream.Receive(batch_, counters_);
    for (size_t i = 0; i < n; ++i) {
      const std::string from =
          net::FormatSocketAddress(batch_.from(i), batch_.from_size(i));
      // Only relay_to's answers go back; anything else on the flow's
      // socket is somebody else's business.
      if (from != relay_to_text_) {
        ++strays_;
        continue;
      }
      flow.last_used = absl::Now();
      const net::Outgoing datagram{&flow.client, batch_.data(i)};
      listener_.Send({&datagram, 1}, counters_);
      ++replied_;
      Print("reply", from, key, batch_.data(i));
    }
  }

  void Print(absl::string_view direction, const std::string& from,
             const std::string& to, absl::string_view datagram) {
    if (Done()) return;
    ++printed_;
    if (options_.capture.json) {
      // Addresses are printable ASCII: no escaping needed.
      std::string line =
          DatagramLine(keyring_, options_.capture, from, datagram);
      out_ << "{\"direction\":\"" << direction << "\",\"to\":\"" << to << "\","
           << absl::string_view(line).substr(1) << std::endl;
      return;
    }
    out_ << DatagramLine(keyring_, options_.capture,
                         absl::StrCat(from, " -> ", to), datagram)
         << std::endl;
  }

  // The flow of the sender `key`, made if new (evicting the least recently
  // used one when full); nullptr if no socket could be opened.
  Flow* FlowOf(const std::string& key, const sockaddr* address, socklen_t size,
               absl::Time now) {
    auto it = flows_.find(key);
    if (it != flows_.end()) return &it->second;
    if (flows_.size() >= options_.max_flows && !flows_.empty()) {
      auto oldest = std::min_element(
          flows_.begin(), flows_.end(), [](const auto& a, const auto& b) {
            return a.second.last_used < b.second.last_used;
          });
      flows_.erase(oldest);
      ++flows_evicted_;
    }
    absl::StatusOr<net::SocketAddress> any = net::ParseSocketAddress(
        relay_to_.family() == AF_INET6 ? "[::]:0" : "0.0.0.0:0");
    absl::StatusOr<net::UdpSocket> upstream =
        any.ok() ? net::UdpSocket::Bind(*any) : any.status();
    if (!upstream.ok()) {
      log_ << "swim_inspect: cannot open a socket toward " << relay_to_text_
           << " for " << key << ": " << upstream.status().message()
           << std::endl;
      return nullptr;
    }
    ++flows_made_;
    Flow flow{FromSockaddr(address, size), *std::move(upstream), now};
    return &flows_.emplace(key, std::move(flow)).first->second;
  }

  void ForgetIdle(absl::Time now) {
    for (auto it = flows_.begin(); it != flows_.end();) {
      if (now - it->second.last_used >= options_.flow_idle) {
        it = flows_.erase(it);
      } else {
        ++it;
      }
    }
  }

  const Keyring& keyring_;
  const RelayOptions& options_;
  net::UdpSocket listener_;
  const net::SocketAddress relay_to_;
  const std::string relay_to_text_;
  std::ostream& out_;
  std::ostream& log_;
  net::ReceiveBatch batch_;
  net::SocketCounters counters_;
  // By the sender's address text; ordered, so that runs repeat.
  std::map<std::string, Flow> flows_;
  int64_t printed_ = 0;
  uint64_t forwarded_ = 0;
  uint64_t replied_ = 0;
  uint64_t flows_made_ = 0;
  uint64_t flows_evicted_ = 0;
  uint64_t strays_ = 0;
};

}  // namespace

absl::Status Relay(const Keyring& keyring, const RelayOptions& options,
                   std::ostream& out, std::ostream& log) {
  const std::string& listen = options.capture.listen;
  absl::StatusOr<net::SocketAddress> address = net::ParseSocketAddress(listen);
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen=", listen, ": ", address.status().message()));
  }
  absl::StatusOr<std::vector<net::SocketAddress>> relay_to =
      net::ResolveSocketAddresses(options.relay_to);
  if (!relay_to.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--relay_to=", options.relay_to, ": ", relay_to.status().message()));
  }
  if (options.max_flows == 0) {
    return absl::InvalidArgumentError("relay: max_flows must be positive");
  }
  absl::StatusOr<net::UdpSocket> socket = net::UdpSocket::Bind(*address);
  if (!socket.ok()) {
    return absl::Status(
        socket.status().code(),
        absl::StrCat("--listen=", listen, ": ", socket.status().message()));
  }
  absl::StatusOr<net::SocketAddress> bound = socket->LocalAddress();
  if (!bound.ok()) return bound.status();
  log << "swim_inspect: listening on " << bound->ToString() << ", relaying to "
      << relay_to->front().ToString() << std::endl;
  Relayer(keyring, options, *std::move(socket), relay_to->front(), out, log)
      .Run();
  return absl::OkStatus();
}

}  // namespace swim::tools
