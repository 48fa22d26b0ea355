#include "tests/testing/node_harness.h"

#include <algorithm>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/replay_guard.h"
#include "tests/testing/fake_network.h"

namespace swim::testing {

const absl::Time kStart = absl::UnixEpoch() + absl::Hours(1);

Harness::Harness(Config config, bool trust_addresses)
    : keyring_(Keyring::Create("test", {kKey}).value()), rng_(77) {
  if (trust_addresses) config.testing.trust_all_addresses = true;
  absl::StatusOr<std::unique_ptr<Node>> node =
      Node::Create(std::move(config), kStart);
  EXPECT_TRUE(node.ok()) << node.status();
  node_ = std::move(*node);
  now_ = kStart;
}

Harness::Harness() : Harness(TestConfig("me")) {}

std::string Harness::Seal(const Packet& packet, Framing framing) {
  // User traffic and coordinates exist in protocol version 2 only
  // (swim/wire_format.md).
  const Ping* ping = std::get_if<Ping>(&packet.message);
  const Ack* ack = std::get_if<Ack>(&packet.message);
  if (framing.version < 2 &&
      (!packet.broadcasts.empty() ||
       std::holds_alternative<UserMessage>(packet.message) ||
       std::holds_alternative<StateOffer>(packet.message) ||
       std::holds_alternative<StateRequest>(packet.message) ||
       std::holds_alternative<StateChunk>(packet.message) ||
       (ping != nullptr && ping->coordinate.has_value()) ||
       (ack != nullptr && ack->coordinate.has_value()))) {
    framing = Framing{2, {1, 2}};
  }
  std::string body = EncodePacket(packet, framing).value();
  EnvelopeOptions options;
  options.version = framing.version;
  std::string datagram;
  EXPECT_TRUE(SealDatagram(keyring_, options, body, rng_, &datagram).ok());
  return datagram;
}

void Harness::Deliver(const Packet& packet) {
  Packet stamped = packet;
  std::visit(
      [&](auto& message) {
        using T = std::decay_t<decltype(message)>;
        if constexpr (std::is_same_v<T, Sync> ||
                      std::is_same_v<T, SyncDigest> ||
                      std::is_same_v<T, MetaRequest> ||
                      std::is_same_v<T, StateRequest>) {
          if (message.stamp == 0) {
            message.stamp = NextRequestStamp(last_stamp_, now_);
          }
        }
      },
      stamped.message);
  node_->HandleDatagram(now_, TestAddress(packet.sender), Seal(stamped));
}

void Harness::Deliver(absl::string_view from, Message message,
                      std::vector<Update> updates) {
  Packet packet;
  packet.sender = std::string(from);
  packet.message = std::move(message);
  packet.updates = std::move(updates);
  Deliver(packet);
}

void Harness::AdvanceTo(absl::Time t) {
  while (node_->NextDeadline() <= t) {
    now_ = std::max(now_, node_->NextDeadline());
    node_->Tick(now_);
  }
  now_ = std::max(now_, t);
  node_->Tick(now_);
}

std::vector<Sent> Harness::Drain() {
  std::vector<Sent> sent;
  while (std::optional<Transmit> t = node_->PollTransmit()) {
    EXPECT_LE(t->datagram.size(), node_->config().max_datagram_bytes);
    // Either version (the envelope's first byte) when the node speaks 2.
    EnvelopeOptions options;
    options.accepted = {1, 2};
    absl::StatusOr<std::string> body =
        OpenDatagram(keyring_, options, t->datagram);
    EXPECT_TRUE(body.ok()) << body.status();
    const uint8_t version = static_cast<uint8_t>(t->datagram[0]);
    absl::StatusOr<Packet> packet =
        DecodePacket(*body, node_->config().max_datagram_bytes, version);
    EXPECT_TRUE(packet.ok()) << packet.status();
    sent.push_back(Sent{t->to_address, *packet, t->datagram.size()});
  }
  return sent;
}

std::vector<MemberEvent> Harness::Events() {
  std::vector<MemberEvent> events;
  while (std::optional<MemberEvent> e = node_->PollEvent()) {
    events.push_back(*e);
  }
  return events;
}

void Harness::Meet(const std::vector<std::string>& names) {
  std::vector<Update> updates;
  updates.reserve(names.size());
  for (const std::string& name : names) updates.push_back(AliveOf(name, 0));
  Sync sync;
  Deliver(names.front(), sync, updates);
}

Alive Harness::AliveOf(absl::string_view name, uint64_t incarnation,
                       Metadata metadata) {
  Alive alive;
  alive.member = std::string(name);
  alive.address = TestAddress(name);
  alive.incarnation = incarnation;
  alive.metadata_version = incarnation + 1;
  alive.metadata_size =
      static_cast<uint32_t>(EncodeMetadata(metadata).value().size());
  alive.metadata = std::move(metadata);
  return alive;
}

Status Harness::StatusOf(absl::string_view name) {
  std::optional<MemberView> m = node_->members().Find(name);
  return m.has_value() ? m->status : Status::kUnknown;
}

void AnswerAllBut(Harness& h, absl::string_view silent) {
  for (const Sent& s : h.Drain()) {
    if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
      if (ping->target != silent) h.Deliver(ping->target, Ack{ping->seq});
    } else if (const PingReq* req = std::get_if<PingReq>(&s.packet.message)) {
      const std::string relay = s.to.substr(0, s.to.find(':'));
      if (req->target == silent) {
        h.Deliver(relay, Nack{req->seq});
      } else {
        h.Deliver(relay, Ack{req->seq});
      }
    }
  }
}

absl::Duration RunWhileStatus(Harness& h, absl::string_view member,
                              Status status, absl::string_view silent,
                              absl::Duration limit) {
  const absl::Time start = h.now();
  while (h.StatusOf(member) == status && h.now() < start + limit) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, silent);
  }
  return h.now() - start;
}

void MeetThreeAndRunThreeSeconds(Harness& h) {
  h.Meet({"a", "b", "c"});
  for (int i = 0; i < 30; ++i) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
}

Config WithoutPeriodicSync() {
  Config config = TestConfig("me");
  config.sync_interval = absl::Hours(1);
  return config;
}

Config SuspicionTestConfig() {
  Config config = TestConfig("me");
  config.suspicion_min_intervals = 4;  // min 4 s, max 24 s, k = 2
  config.suspicion_max_mult = 6;
  return config;
}

}  // namespace swim::testing
