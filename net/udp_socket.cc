#include "net/udp_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "net/socket_address.h"
#include "net/socket_counters.h"

namespace swim::net {
namespace {

// sendmmsg takes at most this many datagrams per call here; enough to
// amortise the call, small enough to live on the stack.
constexpr size_t kSendBatch = 64;

// Room for one SO_RXQ_OVFL message (a uint32_t) per datagram, in words.
constexpr size_t kControlWords =
    (CMSG_SPACE(sizeof(uint32_t)) + sizeof(uint64_t) - 1) / sizeof(uint64_t);

absl::Status ErrnoError(absl::string_view what, int error) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(error)));
}

}  // namespace

ReceiveBatch::ReceiveBatch(size_t capacity, size_t datagram_bytes)
    : capacity_(std::max<size_t>(capacity, 1)),
      datagram_bytes_(std::max<size_t>(datagram_bytes, 1)),
      buffer_(capacity_ * datagram_bytes_, '\0'),
      from_(capacity_),
      iov_(capacity_),
      headers_(capacity_),
      control_(capacity_ * kControlWords) {
  for (size_t i = 0; i < capacity_; ++i) {
    iov_[i].iov_base = &buffer_[i * datagram_bytes_];
    iov_[i].iov_len = datagram_bytes_;
  }
}

ReceiveBatch::~ReceiveBatch() = default;

absl::string_view ReceiveBatch::data(size_t i) const {
  return absl::string_view(
      &buffer_[i * datagram_bytes_],
      std::min<size_t>(headers_[i].msg_len, datagram_bytes_));
}

const sockaddr* ReceiveBatch::from(size_t i) const {
  return reinterpret_cast<const sockaddr*>(&from_[i]);
}

socklen_t ReceiveBatch::from_size(size_t i) const {
  return headers_[i].msg_hdr.msg_namelen;
}

absl::StatusOr<UdpSocket> UdpSocket::Bind(const SocketAddress& address,
                                          int buffer_bytes) {
  int fd =
      socket(address.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket", errno);
  UdpSocket result(fd, address.family());
  if (address.family() == AF_INET6) {
    // Dual-stack when bound to [::]; harmless for a specific address.
    int v6only = 0;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
  }
  if (buffer_bytes > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof(buffer_bytes));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof(buffer_bytes));
  }
  // Have the kernel tell, with each datagram, how many it dropped for want
  // of room in the receive buffer (Linux 2.6.33 and later).
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
  if (bind(fd, address.addr(), address.size) != 0) {
    return ErrnoError(absl::StrCat("bind ", address.ToString()), errno);
  }
  return result;
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), family_(other.family_) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    family_ = other.family_;
  }
  return *this;
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<SocketAddress> UdpSocket::LocalAddress() const {
  SocketAddress address;
  address.size = sizeof(address.storage);
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address.storage),
                  &address.size) != 0) {
    return ErrnoError("getsockname", errno);
  }
  return address;
}

size_t UdpSocket::Receive(ReceiveBatch& batch, SocketCounters& counters) {
  for (size_t i = 0; i < batch.capacity_; ++i) {
    msghdr& h = batch.headers_[i].msg_hdr;
    h = msghdr();
    h.msg_name = &batch.from_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &batch.iov_[i];
    h.msg_iovlen = 1;
    h.msg_control = &batch.control_[i * kControlWords];
    h.msg_controllen = kControlWords * sizeof(uint64_t);
    batch.headers_[i].msg_len = 0;
  }
  for (;;) {
    int n = recvmmsg(fd_, batch.headers_.data(),
                     static_cast<unsigned int>(batch.capacity_), MSG_DONTWAIT,
                     nullptr);
    if (n > 0) {
      ++counters.receive_calls;
      counters.datagrams_received += static_cast<uint64_t>(n);
      for (int i = 0; i < n; ++i) {
        counters.bytes_received += batch.headers_[i].msg_len;
        msghdr& h = batch.headers_[i].msg_hdr;
        if (h.msg_flags & MSG_TRUNC) ++counters.truncated_received;
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr;
             c = CMSG_NXTHDR(&h, c)) {
          if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) {
            continue;
          }
          // The socket's running total, not a delta.
          uint32_t dropped = 0;
          std::memcpy(&dropped, CMSG_DATA(c), sizeof(dropped));
          counters.kernel_receive_drops =
              std::max<uint64_t>(counters.kernel_receive_drops, dropped);
        }
      }
      return static_cast<size_t>(n);
    }
    if (n == 0) return 0;
    int error = errno;
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) return 0;
    // A pending ICMP error is reported (and cleared) by this call; the
    // next call receives normally. The caller retries while readable.
    counters.receive_errors.Count(error);
    return 0;
  }
}

void UdpSocket::Send(absl::Span<const Outgoing> datagrams,
                     SocketCounters& counters) {
  mmsghdr headers[kSendBatch];
  iovec iov[kSendBatch];
  SocketAddress mapped[kSendBatch];
  size_t next = 0;
  while (next < datagrams.size()) {
    size_t count = std::min(kSendBatch, datagrams.size() - next);
    for (size_t i = 0; i < count; ++i) {
      const Outgoing& out = datagrams[next + i];
      const SocketAddress* to = out.to;
      if (family_ == AF_INET6 && to->family() == AF_INET) {
        mapped[i] = to->AsIpv6();
        to = &mapped[i];
      }
      iov[i].iov_base = const_cast<char*>(out.data.data());
      iov[i].iov_len = out.data.size();
      headers[i] = mmsghdr();
      headers[i].msg_hdr.msg_name = const_cast<sockaddr*>(to->addr());
      headers[i].msg_hdr.msg_namelen = to->size;
      headers[i].msg_hdr.msg_iov = &iov[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    int n = sendmmsg(fd_, headers, static_cast<unsigned int>(count), 0);
    ++counters.send_calls;
    if (n < 0) {
      int error = errno;
      if (error == EINTR) continue;
      // The first datagram failed: count it, skip it, send the rest.
      counters.send_errors.Count(error);
      ++next;
      continue;
    }
    if (n == 0) {  // Not expected; never spin on it.
      counters.send_errors.Count(0);
      ++next;
      continue;
    }
    for (int i = 0; i < n; ++i) counters.bytes_sent += headers[i].msg_len;
    counters.datagrams_sent += static_cast<uint64_t>(n);
    next += static_cast<size_t>(n);
  }
}

}  // namespace swim::net
