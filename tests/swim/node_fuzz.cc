// libFuzzer target: a whole swim::Node driven by fuzzer-chosen input, as an
// insider (who holds the key) could drive it. Build and run with
//
//   bazel run --config=fuzz //tests/swim:node_fuzz --
//       $PWD/tests/swim/node_fuzz_corpus   (one command line)
//
// The input is a script: each step delivers a packet (a message and
// updates about a small pool of members, at incarnations near the bounds
// of swim/incarnation_bound.h), a sealed body of raw bytes, a new metadata
// map, a user broadcast or direct message, or a leave, or advances time,
// (pings and acks may carry network coordinates, hostile ones included),
// ticking whenever the node asks. Packets may carry user broadcasts
// (origins and keys from small pools, versions near the bounds). After
// every step it checks what must always hold: no deadline in the past
// once a Tick has run (after an input, one may be: a confirmation can
// shorten a suspicion below its age, which means "tick at once"),
// every datagram sent opens with the key, decodes and fits the limit, the
// member table stays within max_members, no incarnation past the ceiling,
// the local incarnation never goes down, the user broadcasts in flight,
// remembered and waiting for delivery stay within their bounds, and the
// node sends only the protocol versions it speaks (peers write version 1,
// or version 2 with ranges that may share none with it).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/app_state.h"
#include "swim/codec.h"
#include "swim/config.h"
#include "swim/envelope.h"
#include "swim/incarnation_bound.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/prng.h"
#include "swim/protocol_version.h"
#include "swim/status.h"
#include "swim/user_broadcast_queue.h"
#include "swim/user_broadcasts.h"
#include "swim/vivaldi.h"
#include "tests/testing/fuzz_script.h"

namespace {

using Script = ::swim::testing::FuzzScript;

constexpr char kKey[] = "fuzz-key-fuzz-key-fuzz-key-fuzz!";
constexpr int kMaxMembers = 24;
constexpr absl::string_view kNames[] = {"me", "a", "b", "c", "d"};

// Aborts (a finding) naming the invariant that broke.
#define NODE_FUZZ_CHECK(condition)                                         \
  do {                                                                     \
    if (!(condition)) {                                                    \
      std::fprintf(stderr, "node_fuzz.cc:%d: %s\n", __LINE__, #condition); \
      std::abort();                                                        \
    }                                                                      \
  } while (false)

const swim::Keyring& FuzzKeyring() {
  static const swim::Keyring* const keyring = [] {
    absl::StatusOr<swim::Keyring> created =
        swim::Keyring::Create("fuzz", {kKey});
    NODE_FUZZ_CHECK(created.ok());
    return new swim::Keyring(std::move(*created));
  }();
  return *keyring;
}

// The member the node's admission check refuses: never in its view.
constexpr char kRefused[] = "x3";

std::string Name(Script& s) {
  const uint8_t b = s.Byte();
  if (b < 224) return std::string(kNames[b % 5]);
  return absl::StrCat("x", b - 224);  // a few members never seen before
}

std::string AddressOf(absl::string_view name) {
  return absl::StrCat(name, ":7946");
}

// Incarnations where the rules change their minds.
uint64_t Incarnation(Script& s) {
  const uint64_t top = ~uint64_t{0};
  switch (s.Byte() % 10) {
    case 0:
      return swim::kMaxIncarnationJump + s.Small();
    case 1:
      return swim::kMaxAccusedIncarnation - 1 + s.Small() % 3;
    case 2:
      return swim::kMaxAliveIncarnation - s.Small() % 3;
    case 3:
      return top;
    default:
      return s.Small();
  }
}

swim::Update MakeUpdate(Script& s) {
  const std::string member = Name(s);
  const uint64_t incarnation = Incarnation(s);
  switch (s.Byte() % 4) {
    case 0: {
      swim::Alive alive;
      alive.member = member;
      // Now and then another address claims the name (swim/name_policy.h).
      alive.address = incarnation % 8 == 5
                          ? AddressOf(absl::StrCat(member, "-elsewhere"))
                          : AddressOf(member);
      alive.incarnation = incarnation;
      alive.metadata_version = s.Byte() % 4 == 0
                                   ? Incarnation(s)
                                   : swim::SaturatingIncrement(incarnation);
      swim::Metadata map;
      if (s.Byte() % 2 == 0) map["k"] = s.Bytes(s.Small());
      alive.metadata_size =
          static_cast<uint32_t>(swim::EncodeMetadata(map).value().size());
      if (s.Byte() % 3 == 0) {
        alive.metadata_size = 300 + 100 * s.Small();  // fetched in chunks
      } else {
        alive.metadata = std::move(map);
      }
      return alive;
    }
    case 1:
      return swim::Suspect{member, incarnation, Name(s)};
    case 2:
      return swim::Offline{member, incarnation, Name(s)};
    default:
      return swim::Left{member, incarnation};
  }
}

// A request stamp (swim/replay_guard.h) near the run's clock, so that most
// pass and repeats exercise the replay guard;
// sometimes 0 (stale).
uint64_t Stamp(Script& s) {
  const uint8_t b = s.Byte();
  if (b == 0) return 0;
  constexpr uint64_t kHourMicros = uint64_t{3600} * 1000000;
  return kHourMicros + uint64_t{b} * 250000 + s.Small();
}

// One value of a coordinate: mostly plausible seconds, sometimes what a
// hostile peer would send (NaN, infinities, huge, negative, denormal).
double CoordinateValue(Script& s) {
  const uint8_t b = s.Byte();
  switch (b % 8) {
    case 0:
      return std::numeric_limits<double>::quiet_NaN();
    case 1:
      return b % 16 == 1 ? std::numeric_limits<double>::infinity()
                         : -std::numeric_limits<double>::infinity();
    case 2:
      return b % 16 == 2 ? 1e300 : -1e300;
    case 3:
      return std::numeric_limits<double>::denorm_min();
    default:
      return (static_cast<double>(b) - 128) / 1000;
  }
}

// A ping's or ack's coordinate (swim/coordinate.h), or none.
std::optional<swim::Coordinate> MakeCoordinate(Script& s) {
  if (s.Byte() % 2 == 0) return std::nullopt;
  swim::Coordinate c;
  for (double& x : c.vec) x = CoordinateValue(s);
  c.height = s.Byte() % 2 == 0 ? CoordinateValue(s) : 0.005;
  c.adjustment = s.Byte() % 2 == 0 ? CoordinateValue(s) : 0;
  c.error = s.Byte() % 2 == 0 ? CoordinateValue(s) : 0.5;
  return c;
}

swim::Message MakeMessage(Script& s, const std::vector<uint32_t>& seqs) {
  const uint32_t seq = seqs.empty() || s.Byte() % 4 == 0
                           ? s.Small()
                           : seqs[s.Byte() % seqs.size()];
  switch (s.Byte() % 13) {
    case 0: {
      swim::Ping ping{seq, Name(s)};
      ping.coordinate = MakeCoordinate(s);
      return ping;
    }
    case 10: {
      // Versions from a small pool, sizes near the limits.
      swim::StateOffer offer;
      offer.version = 1 + s.Small() % 4;
      offer.size = s.Byte() % 8 == 0
                       ? static_cast<uint32_t>(swim::kMaxAppStateBytes)
                       : s.Small() * 200;
      offer.join = s.Byte() % 2 == 0;
      offer.reply_wanted = s.Byte() % 2 == 0;
      return offer;
    }
    case 11:
      return swim::StateRequest{s.Small() % 4 == 0 ? ~uint64_t{0} : s.Small(),
                                s.Small() * 100u, Stamp(s)};
    case 12: {
      swim::StateChunk chunk;
      chunk.version = 1 + s.Small() % 4;
      chunk.total_size = 300 + 100 * s.Small();
      chunk.offset = s.Small() * 100;
      chunk.data = s.Bytes(1 + s.Small() * 20);
      return chunk;
    }
    case 8:
      return swim::UserMessage{s.Bytes(size_t{s.Small()} * 8)};
    case 1: {
      swim::Ack ack{seq};
      ack.coordinate = MakeCoordinate(s);
      return ack;
    }
    case 2:
      return swim::Nack{seq};
    case 3: {
      const std::string target = Name(s);
      return swim::PingReq{seq, target, AddressOf(target)};
    }
    case 4:
      return swim::Sync{s.Byte() % 2 == 0, Stamp(s)};
    case 5: {
      swim::SyncDigest digest;
      digest.reply_wanted = s.Byte() % 2 == 0;
      digest.buckets.resize(1 + s.Small());
      for (uint64_t& b : digest.buckets) b = s.Byte();
      digest.stamp = Stamp(s);
      return digest;
    }
    case 6:
      return swim::MetaRequest{Name(s), Incarnation(s), s.Small() * 100,
                               Stamp(s)};
    case 7: {
      swim::MetaChunk chunk;
      chunk.member = Name(s);
      chunk.version = Incarnation(s);
      chunk.total_size = 300 + 100 * s.Small();
      chunk.offset = s.Small() * 100;
      chunk.data = s.Bytes(1 + s.Small() * 20);
      return chunk;
    }
    default:
      return swim::Gossip{};
  }
}

// A user broadcast as the wire could carry one: origins, keys and
// versions from small pools, so that replacements and duplicates happen.
swim::UserBroadcast MakeBroadcast(Script& s) {
  swim::UserBroadcast b;
  b.origin = Name(s);
  b.key = absl::StrCat("k", s.Small() % 4);
  b.version = s.Byte() % 4 == 0 ? ~uint64_t{0} - s.Small() : s.Small();
  b.payload = s.Bytes(size_t{s.Small()} * 4);
  return b;
}

// The framing a scripted peer writes in: version 1, or version 2 with a
// range that may share no version with the node's ({3, 4}).
swim::Framing MakeFraming(Script& s) {
  const uint8_t b = s.Byte();
  if (b % 2 == 0) return swim::Framing{};
  const auto min = static_cast<uint8_t>(1 + (b >> 1) % 3);
  return swim::Framing{2, {min, static_cast<uint8_t>(min + (b >> 3) % 2)}};
}

void Deliver(swim::Node& node, absl::Time now, const std::string& from,
             const std::string& body, uint8_t version, swim::Prng& rng) {
  std::string datagram;
  swim::EnvelopeOptions options;
  options.version = version;
  if (!swim::SealDatagram(FuzzKeyring(), options, body, rng, &datagram).ok()) {
    return;  // too large to send
  }
  node.HandleDatagram(now, AddressOf(from), datagram);
}

// Everything the node sent opens, decodes and fits; remembers the seqs of
// its probes so that the script can answer them.
void DrainAndCheck(swim::Node& node, std::vector<uint32_t>& seqs) {
  while (std::optional<swim::Transmit> t = node.PollTransmit()) {
    NODE_FUZZ_CHECK(t->datagram.size() <= node.config().max_datagram_bytes);
    swim::EnvelopeOptions options;
    options.accepted = {swim::kOldestProtocolVersion,
                        swim::kNewestProtocolVersion};
    absl::StatusOr<std::string> body =
        swim::OpenDatagram(FuzzKeyring(), options, t->datagram);
    NODE_FUZZ_CHECK(body.ok());
    // Only versions the node speaks.
    const auto version = static_cast<uint8_t>(t->datagram[0]);
    NODE_FUZZ_CHECK(version >= node.config().protocol_version_min &&
                    version <= node.config().protocol_version_max);
    absl::StatusOr<swim::Packet> packet =
        swim::DecodePacket(*body, swim::kMaxDatagramBytes, version);
    NODE_FUZZ_CHECK(packet.ok());
    if (const auto* ping = std::get_if<swim::Ping>(&packet->message)) {
      seqs.push_back(ping->seq);
    } else if (const auto* req = std::get_if<swim::PingReq>(&packet->message)) {
      seqs.push_back(req->seq);
    }
  }
  if (seqs.size() > 16) seqs.erase(seqs.begin(), seqs.end() - 16);
  while (node.PollEvent().has_value()) {
  }
  size_t deliveries = 0;
  while (node.PollDelivery().has_value()) ++deliveries;
  NODE_FUZZ_CHECK(deliveries <= swim::UserBroadcasts::kMaxPendingDeliveries);
  NODE_FUZZ_CHECK(node.state_sizes().state_fetches <=
                  swim::AppState::kMaxFetches);
  size_t merges = 0;
  while (std::optional<swim::StateMerge> m = node.PollStateMerge()) {
    NODE_FUZZ_CHECK(!m->state.empty() &&
                    m->state.size() <= node.config().max_app_state_bytes);
    ++merges;
  }
  NODE_FUZZ_CHECK(merges <= swim::AppState::kMaxPendingMerges);
}

// One scripted input: a packet, time passing, raw sealed bytes, a leave
// or a metadata change.
void Step(Script& s, swim::Node& node, absl::Time& now,
          std::vector<uint32_t>& seqs, swim::Prng& rng) {
  const uint8_t op = s.Byte() % 10;
  if (op < 6) {  // a packet
    swim::Packet packet;
    packet.sender = Name(s);
    packet.message = MakeMessage(s, seqs);
    for (uint32_t n = s.Byte() % 4; n > 0; --n) {
      packet.updates.push_back(MakeUpdate(s));
    }
    for (uint32_t n = s.Byte() % 3; n > 0; --n) {
      packet.broadcasts.push_back(MakeBroadcast(s));
    }
    for (swim::Update& update : packet.updates) {
      if (auto* alive = std::get_if<swim::Alive>(&update)) {
        alive->protocol = MakeFraming(s).sender_protocol;
      }
    }
    const swim::Framing framing = MakeFraming(s);
    absl::StatusOr<std::string> body = swim::EncodePacket(packet, framing);
    if (body.ok())
      Deliver(node, now, packet.sender, *body, framing.version, rng);
  } else if (op < 8) {  // time passes
    now += absl::Milliseconds(1 + s.Byte() * 16);
    int ticks = 0;
    while (node.NextDeadline() <= now) {
      const absl::Time t = node.NextDeadline();
      node.Tick(t);
      NODE_FUZZ_CHECK(node.NextDeadline() > t);  // no deadline in the past
      NODE_FUZZ_CHECK(++ticks < 100000);
      DrainAndCheck(node, seqs);
    }
    node.Tick(now);
  } else if (op == 8) {  // raw bytes, correctly sealed
    const uint8_t version = 1 + s.Byte() % 2;
    Deliver(node, now, Name(s), s.Bytes(s.Byte()), version, rng);
  } else if (s.Byte() == 255) {
    node.Leave(now);
  } else {
    const uint8_t what = s.Byte();
    if (what == 255) {
      node.Leave(now);
    } else if (what % 7 == 6) {
      (void)node.SetLocalState(now, s.Bytes(size_t{s.Small()} * 300));
    } else if (what % 3 == 0) {
      (void)node.Broadcast(now, absl::StrCat("k", s.Small() % 4),
                           s.Bytes(size_t{s.Small()} * 64));
    } else if (what % 3 == 1) {
      (void)node.SendTo(now, Name(s), s.Bytes(size_t{s.Small()} * 64));
    } else {
      (void)node.SetMetadata(now, {{"k", s.Bytes(s.Small())}});
    }
  }
}

// What must hold after every input; `incarnation` is the local member's
// incarnation after the previous one.
void CheckInvariants(swim::Node& node, std::vector<uint32_t>& seqs,
                     uint64_t& incarnation) {
  DrainAndCheck(node, seqs);
  NODE_FUZZ_CHECK(node.members().size() <= static_cast<size_t>(kMaxMembers));
  NODE_FUZZ_CHECK(!node.members().Find(kRefused).has_value());
  const uint64_t local = node.members().local().incarnation;
  NODE_FUZZ_CHECK(local >= incarnation && local <= swim::kMaxAliveIncarnation);
  incarnation = local;
  NODE_FUZZ_CHECK(node.pending_broadcasts() <=
                  swim::UserBroadcastQueue::kMaxQueuedBroadcasts);
  NODE_FUZZ_CHECK(node.remembered_broadcasts() <=
                  swim::UserBroadcasts::kMaxRememberedBroadcasts);
  // Hostile coordinates never poison the local one (swim/vivaldi.h).
  if (std::optional<swim::Coordinate> c = node.coordinate()) {
    NODE_FUZZ_CHECK(swim::IsUsableCoordinate(*c));
    for (absl::string_view name : kNames) {
      const std::optional<absl::Duration> estimate = node.EstimatedRtt(name);
      NODE_FUZZ_CHECK(!estimate.has_value() ||
                      *estimate >= absl::ZeroDuration());
    }
  }
  for (const swim::MemberView& m :
       node.members().WithStatus(swim::Status::kAll)) {
    NODE_FUZZ_CHECK(m.incarnation <= swim::kMaxAliveIncarnation);
    NODE_FUZZ_CHECK(m.metadata_version <=
                    swim::SaturatingIncrement(m.incarnation));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Script s(data, size);
  swim::Config config;
  config.name = "me";
  config.address = AddressOf("me");
  config.cluster_name = "fuzz";
  config.keys = {kKey};
  config.seed_peers = {AddressOf("a")};
  config.seed = s.Byte();
  // Odd seeds: a version 1 node; even: versions 1 and 2.
  config.protocol_version_max = config.seed % 2 == 1 ? 1 : 2;
  config.max_members = kMaxMembers;
  config.name_takeover = config.seed % 2 == 1;  // both name policies
  config.coordinates = config.seed % 4 < 2;     // with and without
  absl::Time now = absl::UnixEpoch() + absl::Hours(1);
  absl::StatusOr<std::unique_ptr<swim::Node>> created =
      swim::Node::Create(config, now);
  NODE_FUZZ_CHECK(created.ok());
  swim::Node& node = **created;
  node.SetAdmissionCheck(
      [](const swim::Applicant& a) { return a.name != kRefused; });
  swim::Prng rng(7);
  std::vector<uint32_t> seqs;
  uint64_t incarnation = node.members().local().incarnation;
  DrainAndCheck(node, seqs);
  while (!s.done()) {
    Step(s, node, now, seqs, rng);
    CheckInvariants(node, seqs, incarnation);
  }
  return 0;
}
