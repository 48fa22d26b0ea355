// Amplification of each request type toward an unvalidated source address.
//
// For each request a swim::Node sends that the receiver answers, a
// requester node makes the real, sealed datagram; a target node holding N
// members (learnt as news, so its acks carry gossip) receives it from a
// source address it has never heard from (a spoofed one), then receives
// the same datagram again (a replay). The program prints the bytes in, the
// bytes the target sent for it (to anyone, then to the source alone) and
// the factor. Deterministic: fixed seeds and times, no I/O but stdout.
//
//   bazel run -c opt //bench:amplification -- --members=100,1000
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "swim/codec.h"
#include "swim/counters.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node.h"

ABSL_FLAG(std::vector<std::string>, members,
          (std::vector<std::string>{"100", "1000"}),
          "cluster sizes N to measure at");

namespace {

constexpr char kKey[] = "amplification-bench-key!";
constexpr char kCluster[] = "bench";
constexpr char kTargetAddress[] = "10.0.0.1:7000";
constexpr char kPeerAddress[] = "10.0.0.2:7000";
constexpr char kRequesterAddress[] = "10.0.0.3:7000";
constexpr char kOtherAddress[] = "10.0.0.4:7000";
constexpr char kSpoofedAddress[] = "198.51.100.9:53";

const absl::Time kStart = absl::FromUnixSeconds(1'760'000'000);

swim::Config BaseConfig(const std::string& name, const std::string& address,
                        uint64_t seed) {
  swim::Config config;
  config.name = name;
  config.address = address;
  config.cluster_name = kCluster;
  config.keys = {kKey};
  config.seed = seed;
  return config;
}

std::unique_ptr<swim::Node> MustCreate(swim::Config config, absl::Time now) {
  absl::StatusOr<std::unique_ptr<swim::Node>> node =
      swim::Node::Create(std::move(config), now);
  if (!node.ok()) {
    std::fprintf(stderr, "Node::Create: %s\n",
                 std::string(node.status().message()).c_str());
    std::exit(1);
  }
  return std::move(*node);
}

std::vector<swim::Transmit> Drain(swim::Node& node) {
  std::vector<swim::Transmit> out;
  while (std::optional<swim::Transmit> t = node.PollTransmit()) {
    out.push_back(std::move(*t));
  }
  return out;
}

// The message type index a datagram carries; kMessageTypeCount if it does
// not open.
size_t TypeOf(const swim::Keyring& keyring, const std::string& datagram) {
  // Either version: the envelope's first byte says which.
  swim::EnvelopeOptions options;
  options.accepted = {1, 2};
  absl::StatusOr<std::string> body =
      swim::OpenDatagram(keyring, options, datagram);
  if (!body.ok()) return swim::kMessageTypeCount;
  absl::StatusOr<swim::Packet> packet = swim::DecodePacket(
      *body, options.max_datagram_bytes, static_cast<uint8_t>(datagram[0]));
  if (!packet.ok()) return swim::kMessageTypeCount;
  return packet->message.index();
}

swim::Config TargetConfig() {
  swim::Config config = BaseConfig("target", kTargetAddress, 1);
  config.metadata["blob"] = std::string(60000, 'x');
  return config;
}

// The target: N members, learnt from a peer's full state so that they are
// news it gossips; its own metadata large enough to be fetched in chunks.
std::unique_ptr<swim::Node> MakeTarget(int n) {
  swim::Config peer_config = BaseConfig("peer", kPeerAddress, 2);
  std::unique_ptr<swim::Node> peer = MustCreate(peer_config, kStart);
  std::vector<swim::Alive> known;
  for (int i = 0; i < n - 2; ++i) {
    swim::Alive alive;
    alive.member = absl::StrFormat("member-%05d", i);
    alive.address = absl::StrFormat("10.1.%d.%d:7000", i / 250, i % 250 + 1);
    alive.metadata_version = 1;
    alive.metadata_size = 1;
    alive.metadata = swim::Metadata{};
    known.push_back(alive);
  }
  if (!peer->AddKnownMembers(kStart, known).ok()) std::exit(1);
  Drain(*peer);

  swim::Config target_config = TargetConfig();
  target_config.seed_peers = {kPeerAddress};
  std::unique_ptr<swim::Node> target = MustCreate(target_config, kStart);
  // The target's join goes to the peer, whose full state comes back.
  absl::Time now = kStart;
  for (int round = 0; round < 4; ++round) {
    now += absl::Milliseconds(1);
    for (swim::Transmit& t : Drain(*target)) {
      if (t.to_address == kPeerAddress) {
        peer->HandleDatagram(now, kTargetAddress, t.datagram);
      }
    }
    for (swim::Transmit& t : Drain(*peer)) {
      if (t.to_address == kTargetAddress) {
        target->HandleDatagram(now, kPeerAddress, t.datagram);
      }
    }
  }
  Drain(*target);
  return target;
}

// What the target sends because of `datagram` from the spoofed source: to
// the source, and to `also` (the member a ping request names), including
// what its timers send there within `settle` (a relay's nack). The
// target's own probes and gossip rounds go to its members, not counted.
size_t Measure(swim::Node& target, absl::Time now, const std::string& datagram,
               absl::string_view also, absl::Duration settle) {
  target.HandleDatagram(now, kSpoofedAddress, datagram);
  std::vector<swim::Transmit> out = Drain(target);
  const absl::Time end = now + settle;
  while (target.NextDeadline() <= end) {
    target.Tick(target.NextDeadline());
    for (swim::Transmit& t : Drain(target)) out.push_back(std::move(t));
  }
  size_t bytes = 0;
  for (const swim::Transmit& t : out) {
    if (t.to_address == kSpoofedAddress || t.to_address == also) {
      bytes += t.datagram.size();
    }
  }
  return bytes;
}

// The requester: knows only the target (and, for ping requests, one other
// member to ask a relay about), so every request it makes goes there.
std::vector<std::pair<std::string, std::string>> CaptureRequests(
    const swim::Alive& target_alive) {
  const swim::Keyring keyring = swim::Keyring::Create(kCluster, {kKey}).value();
  std::vector<std::pair<std::string, std::string>> captured;
  const auto keep = [&](const std::string& label, size_t type,
                        const std::vector<swim::Transmit>& out) {
    for (const swim::Transmit& t : out) {
      if (TypeOf(keyring, t.datagram) == type) {
        captured.emplace_back(label, t.datagram);
        return;
      }
    }
  };
  {
    // A join: the full-state Sync with reply_wanted to a seed.
    swim::Config config = BaseConfig("requester", kRequesterAddress, 3);
    config.seed_peers = {kTargetAddress};
    std::unique_ptr<swim::Node> r = MustCreate(config, kStart);
    keep("sync (join, reply wanted)", swim::MessageTypeIndex<swim::Sync>(),
         Drain(*r));
  }
  {
    // Knowing the target: a metadata fetch (its map is not inline), a
    // probe, then a periodic digest with reply wanted (its view of two
    // members is stale against the target's N).
    swim::Config config = BaseConfig("requester", kRequesterAddress, 3);
    // Its periodic exchange before its unanswered probes make the target
    // OFFLINE to it.
    config.sync_interval = absl::Seconds(1);
    std::unique_ptr<swim::Node> r = MustCreate(config, kStart);
    if (!r->AddKnownMembers(kStart, {target_alive}).ok()) std::exit(1);
    std::vector<swim::Transmit> out = Drain(*r);
    absl::Time now = kStart;
    for (int i = 0; i < 200 && now < kStart + absl::Seconds(120); ++i) {
      now = r->NextDeadline();
      r->Tick(now);
      for (swim::Transmit& t : Drain(*r)) out.push_back(std::move(t));
    }
    keep("meta_request", swim::MessageTypeIndex<swim::MetaRequest>(), out);
    keep("ping", swim::MessageTypeIndex<swim::Ping>(), out);
    keep("sync_digest (stale, reply wanted)",
         swim::MessageTypeIndex<swim::SyncDigest>(), out);
  }
  {
    // A ping request: the requester's probe of "other" goes unanswered,
    // so it asks the target to relay.
    swim::Config config = BaseConfig("requester", kRequesterAddress, 3);
    config.indirect_checks = 1;
    std::unique_ptr<swim::Node> r = MustCreate(config, kStart);
    swim::Alive other = target_alive;
    other.member = "other";
    other.address = kOtherAddress;
    other.metadata_size = 0;
    other.metadata = swim::Metadata{};
    if (!r->AddKnownMembers(kStart, {target_alive, other}).ok()) std::exit(1);
    std::vector<swim::Transmit> out = Drain(*r);
    absl::Time now = kStart;
    for (int i = 0; i < 200 && now < kStart + absl::Seconds(10); ++i) {
      now = r->NextDeadline();
      r->Tick(now);
      for (swim::Transmit& t : Drain(*r)) out.push_back(std::move(t));
    }
    keep("ping_req", swim::MessageTypeIndex<swim::PingReq>(), out);
  }
  return captured;
}

void MeasureAt(int n) {
  const swim::Alive target_alive =
      swim::Node::Announcement(TargetConfig()).value();
  for (const auto& [label, datagram] : CaptureRequests(target_alive)) {
    std::unique_ptr<swim::Node> target = MakeTarget(n);
    const absl::Time now = kStart + absl::Seconds(1);
    const absl::string_view also =
        label == "ping_req" ? absl::string_view(kOtherAddress) : "";
    const size_t in = datagram.size();
    const size_t fresh =
        Measure(*target, now, datagram, also, absl::Seconds(1));
    const size_t replay = Measure(*target, now + absl::Seconds(2), datagram,
                                  also, absl::Seconds(1));
    const auto factor = [&](size_t out) {
      return absl::StrFormat(
          "x%.1f", static_cast<double>(out) / static_cast<double>(in));
    };
    std::printf("| %d | %s | %zu | %zu | %s | %zu | %s |\n", n, label.c_str(),
                in, fresh, factor(fresh).c_str(), replay,
                factor(replay).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::printf(
      "| N | request | bytes in | fresh: bytes out | factor "
      "| replay: bytes out | factor |\n"
      "| --- | --- | --- | --- | --- | --- | --- |\n");
  for (const std::string& members : absl::GetFlag(FLAGS_members)) {
    int n = 0;
    if (!absl::SimpleAtoi(members, &n) || n < 3 || n > 5000) {
      std::fprintf(stderr, "--members: %s is not a size from 3 to 5000\n",
                   members.c_str());
      return 2;
    }
    MeasureAt(n);
  }
  return 0;
}
