#include "tools/capture.h"

#include <poll.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/json_text.h"
#include "net/socket_address.h"
#include "net/socket_counters.h"
#include "net/udp_socket.h"
#include "swim/codec.h"
#include "swim/drop_reason.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/message_text.h"

namespace swim::tools {
namespace {

// JSON strings as everywhere in net/ and the tools (net/json_text.h).
constexpr auto& Json = net::JsonString;

std::string Dropped(const CaptureOptions& options, absl::string_view from,
                    size_t bytes, const absl::Status& status) {
  const absl::string_view reason = DropReasonName(DropReasonOf(status));
  if (options.json) {
    return absl::StrCat("{\"from\":", Json(from), ",\"bytes\":", bytes,
                        ",\"dropped\":", Json(reason),
                        ",\"error\":", Json(status.message()), "}");
  }
  return absl::StrCat(from, " ", bytes, "B dropped ", reason, ": ",
                      absl::CHexEscape(status.message()));
}

}  // namespace

std::string DatagramLine(const Keyring& keyring, const CaptureOptions& options,
                         absl::string_view from, absl::string_view datagram) {
  absl::StatusOr<EnvelopeHeader> header =
      ParseEnvelopeHeader(options.envelope, datagram);
  if (!header.ok())
    return Dropped(options, from, datagram.size(), header.status());
  absl::StatusOr<std::string> body =
      OpenDatagram(keyring, options.envelope, datagram);
  if (!body.ok()) return Dropped(options, from, datagram.size(), body.status());
  absl::StatusOr<Packet> packet = DecodePacket(
      *body, MaxEnvelopeBodyBytes(options.envelope.max_datagram_bytes),
      header->version);
  if (!packet.ok())
    return Dropped(options, from, datagram.size(), packet.status());

  std::vector<std::string> updates;
  updates.reserve(packet->updates.size());
  for (const Update& update : packet->updates) {
    updates.push_back(UpdateToText(update));
  }
  const std::string key_id = KeyIdText(header->key_id);
  if (options.json) {
    std::vector<std::string> json_updates;
    json_updates.reserve(updates.size());
    for (const std::string& u : updates) json_updates.push_back(Json(u));
    return absl::StrCat(
        "{\"from\":", Json(from), ",\"bytes\":", datagram.size(),
        ",\"key_id\":", Json(key_id),
        ",\"encrypted\":", header->encrypted ? "true" : "false",
        ",\"sender\":", Json(packet->sender),
        ",\"message\":", Json(MessageToText(packet->message)), ",\"updates\":[",
        absl::StrJoin(json_updates, ","), "]}");
  }
  return absl::StrCat(from, " ", datagram.size(), "B key=", key_id,
                      header->encrypted ? " encrypted " : " ",
                      PacketToText(*packet));
}

absl::Status Capture(const Keyring& keyring, const CaptureOptions& options,
                     std::ostream& out, std::ostream& log) {
  absl::StatusOr<net::SocketAddress> address =
      net::ParseSocketAddress(options.listen);
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen=", options.listen, ": ", address.status().message()));
  }
  absl::StatusOr<net::UdpSocket> socket = net::UdpSocket::Bind(*address);
  if (!socket.ok()) {
    return absl::Status(socket.status().code(),
                        absl::StrCat("--listen=", options.listen, ": ",
                                     socket.status().message()));
  }
  absl::StatusOr<net::SocketAddress> bound = socket->LocalAddress();
  if (!bound.ok()) return bound.status();
  log << "swim_inspect: listening on " << bound->ToString() << std::endl;

  // One byte more than a node accepts, so that oversized ones show as such.
  net::ReceiveBatch batch(16, options.envelope.max_datagram_bytes + 1);
  net::SocketCounters counters;
  const absl::Time end = absl::Now() + options.duration;
  int64_t seen = 0;
  while (options.count == 0 || seen < options.count) {
    const absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    pollfd ready{socket->fd(), POLLIN, 0};
    const int timeout_ms =
        left == absl::InfiniteDuration()
            ? -1
            : static_cast<int>(std::min<int64_t>(
                  absl::ToInt64Milliseconds(left) + 1, 60'000));
    if (poll(&ready, 1, timeout_ms) <= 0) continue;
    const size_t n = socket->Receive(batch, counters);
    for (size_t i = 0; i < n; ++i) {
      if (options.count != 0 && seen >= options.count) break;
      out << DatagramLine(
                 keyring, options,
                 net::FormatSocketAddress(batch.from(i), batch.from_size(i)),
                 batch.data(i))
          << std::endl;
      ++seen;
    }
  }
  return absl::OkStatus();
}

}  // namespace swim::tools
