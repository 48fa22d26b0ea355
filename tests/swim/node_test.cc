// One Node driven by hand: every rule of the protocol, and each defect of
// the seed library as a regression test.
#include "swim/node.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/envelope.h"
#include "swim/keyring.h"
#include "swim/prng.h"
#include "tests/testing/fake_network.h"

namespace swim {
namespace {

using ::swim::testing::TestAddress;
using ::swim::testing::TestConfig;

constexpr char kKey[] = "0123456789abcdef0123456789abcdef";
const absl::Time kStart = absl::UnixEpoch() + absl::Hours(1);

struct Sent {
  std::string to;
  Packet packet;
  size_t bytes = 0;
};

// Plays the rest of the cluster around one node under test.
class Harness {
 public:
  explicit Harness(Config config)
      : keyring_(Keyring::Create("test", {kKey}).value()), rng_(77) {
    absl::StatusOr<std::unique_ptr<Node>> node = Node::Create(config, kStart);
    EXPECT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
    now_ = kStart;
  }
  Harness() : Harness(TestConfig("me")) {}

  Node& node() { return *node_; }
  absl::Time now() const { return now_; }

  std::string Seal(const Packet& packet) {
    std::string body = EncodePacket(packet).value();
    std::string datagram;
    EXPECT_TRUE(
        SealDatagram(keyring_, EnvelopeOptions(), body, rng_, &datagram).ok());
    return datagram;
  }

  void Deliver(const Packet& packet) {
    node_->HandleDatagram(now_, TestAddress(packet.sender), Seal(packet));
  }
  void Deliver(absl::string_view from, Message message,
               std::vector<Update> updates = {}) {
    Packet packet;
    packet.sender = std::string(from);
    packet.message = std::move(message);
    packet.updates = std::move(updates);
    Deliver(packet);
  }

  // Advances to `t`, ticking whenever the node asks.
  void AdvanceTo(absl::Time t) {
    while (node_->NextDeadline() <= t) {
      now_ = std::max(now_, node_->NextDeadline());
      node_->Tick(now_);
    }
    now_ = std::max(now_, t);
    node_->Tick(now_);
  }
  void Advance(absl::Duration d) { AdvanceTo(now_ + d); }

  std::vector<Sent> Drain() {
    std::vector<Sent> sent;
    while (std::optional<Transmit> t = node_->PollTransmit()) {
      EXPECT_LE(t->datagram.size(), node_->config().max_datagram_bytes);
      absl::StatusOr<std::string> body =
          OpenDatagram(keyring_, EnvelopeOptions(), t->datagram);
      EXPECT_TRUE(body.ok()) << body.status();
      absl::StatusOr<Packet> packet = DecodePacket(*body);
      EXPECT_TRUE(packet.ok()) << packet.status();
      sent.push_back(Sent{t->to_address, *packet, t->datagram.size()});
    }
    return sent;
  }
  std::vector<MemberEvent> Events() {
    std::vector<MemberEvent> events;
    while (std::optional<MemberEvent> e = node_->PollEvent()) {
      events.push_back(*e);
    }
    return events;
  }

  // Introduces members through a full-state exchange from the first one.
  void Meet(const std::vector<std::string>& names) {
    std::vector<Update> updates;
    for (const std::string& name : names) updates.push_back(AliveOf(name, 0));
    Sync sync;
    Deliver(names.front(), sync, updates);
  }

  static Alive AliveOf(absl::string_view name, uint64_t incarnation,
                       Metadata metadata = {}) {
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

  Status StatusOf(absl::string_view name) {
    std::optional<MemberView> m = node_->members().Find(name);
    return m.has_value() ? m->status : Status::kUnknown;
  }
  uint64_t LocalIncarnation() { return node_->members().local().incarnation; }

 private:
  Keyring keyring_;
  Prng rng_;
  std::unique_ptr<Node> node_;
  absl::Time now_;
};

template <class T>
std::vector<Sent> OfType(const std::vector<Sent>& sent) {
  std::vector<Sent> out;
  for (const Sent& s : sent) {
    if (std::holds_alternative<T>(s.packet.message)) out.push_back(s);
  }
  return out;
}

template <class U>
const U* FindUpdate(const Packet& packet, absl::string_view member) {
  for (const Update& update : packet.updates) {
    if (const U* u = std::get_if<U>(&update);
        u != nullptr && u->member == member) {
      return u;
    }
  }
  return nullptr;
}

// Answers the node's datagrams as a cluster in which `silent` is dead:
// everyone else acks, relays nack pings to it.
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

// Plays AnswerAllBut(h, silent) in 100 ms steps while `member` is in
// `status`, for at most `limit`; returns how long that took.
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

// ---- Start-up, ticks and inputs. ----

TEST(NodeTest, AnAccuserProbesItsSuspectAgainNextWithTheSuspicion) {
  Harness h;
  h.Meet({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  h.Drain();
  // Out of turn: after each probe that raises a suspicion, the next one
  // goes to the same suspect and tells it (buddy system), so that a live
  // suspect refutes at once.
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE(round);
    std::string target;
    while (target.empty()) {
      h.Advance(absl::Milliseconds(100));
      for (const Sent& s : h.Drain()) {
        const Ping* ping = std::get_if<Ping>(&s.packet.message);
        if (ping == nullptr) continue;
        if (h.StatusOf(ping->target) == Status::kOnline) {
          target = ping->target;
        } else {
          h.Deliver(ping->target, Ack{ping->seq});
        }
      }
    }
    h.Advance(h.node().config().probe_timeout);
    for (const Sent& s : OfType<PingReq>(h.Drain())) {
      h.Deliver(s.to.substr(0, s.to.find(':')),
                Nack{std::get<PingReq>(s.packet.message).seq});
    }
    h.AdvanceTo(h.now());
    ASSERT_EQ(h.StatusOf(target), Status::kSuspect);
    h.Advance(h.node().config().probe_interval);
    std::vector<Sent> pings = OfType<Ping>(h.Drain());
    ASSERT_FALSE(pings.empty());
    const Ping& ping = std::get<Ping>(pings.front().packet.message);
    EXPECT_EQ(ping.target, target);
    EXPECT_NE(FindUpdate<Suspect>(pings.front().packet, target), nullptr);
    // It refutes in its ack.
    Packet ack;
    ack.sender = target;
    ack.message = Ack{ping.seq};
    ack.updates = {Harness::AliveOf(target, 1)};
    h.Deliver(ack);
    EXPECT_EQ(h.StatusOf(target), Status::kOnline);
  }
}

TEST(NodeTest, NextDeadlineIsARealTimeWhenAChurnExchangeIsDue) {
  // Gossip of many new members at once makes a churn exchange due at once;
  // the deadline must say "now", not absl::InfinitePast(), on which a shell
  // computing a wait overflows.
  Harness h;
  h.Deliver("a", Gossip{},
            {Harness::AliveOf("a", 0), Harness::AliveOf("b", 0),
             Harness::AliveOf("c", 0), Harness::AliveOf("d", 0),
             Harness::AliveOf("e", 0), Harness::AliveOf("f", 0),
             Harness::AliveOf("g", 0), Harness::AliveOf("h", 0),
             Harness::AliveOf("i", 0), Harness::AliveOf("j", 0)});
  EXPECT_GE(h.node().NextDeadline(), kStart - absl::Seconds(1));
  EXPECT_LE(h.node().NextDeadline(), h.now());
}

TEST(NodeTest, NoSeedPeersWaitsQuietlyWithoutCrashing) {
  // Seed defect: with no peers its failure detector crashed.
  Harness h;
  EXPECT_TRUE(h.Drain().empty());
  h.Advance(absl::Minutes(5));
  EXPECT_TRUE(h.Drain().empty());
  EXPECT_EQ(h.node().members().size(), 1u);
  EXPECT_LT(h.node().NextDeadline(), absl::InfiniteFuture());
  // And it can still be contacted.
  h.Meet({"a"});
  EXPECT_EQ(h.StatusOf("a"), Status::kOnline);
}

TEST(NodeTest, EarlyOrRepeatedTicksAreHarmless) {
  Config config = TestConfig("me");
  config.gossip_fanout = 0;  // only the probe is due
  Harness h(config);
  h.Meet({"a", "b"});
  h.Drain();
  const absl::Time deadline = h.node().NextDeadline();
  h.node().Tick(deadline - absl::Milliseconds(1));
  EXPECT_TRUE(h.Drain().empty());
  h.node().Tick(deadline);
  const size_t once = h.Drain().size();
  EXPECT_EQ(once, 1u);  // one probe
  h.node().Tick(deadline);
  h.node().Tick(deadline);
  EXPECT_TRUE(h.Drain().empty());
}

TEST(NodeTest, AnswersPingsMeantForItOnly) {
  Harness h;
  Ping ping;
  ping.seq = 41;
  ping.target = "me";
  h.Deliver("a", ping, {Harness::AliveOf("a", 0)});
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, TestAddress("a"));
  ASSERT_TRUE(std::holds_alternative<Ack>(sent[0].packet.message));
  EXPECT_EQ(std::get<Ack>(sent[0].packet.message).seq, 41u);
  EXPECT_EQ(h.StatusOf("a"), Status::kOnline);

  ping.target = "someone-else";  // who used to live at this address
  h.Deliver("a", ping);
  EXPECT_TRUE(h.Drain().empty());
  EXPECT_EQ(h.node().counters().ignored, 1u);
}

TEST(NodeTest, BadDatagramsAreCountedAndNothingInThemIsActedOn) {
  Harness h;
  h.node().HandleDatagram(h.now(), "x:1", "short");
  h.node().HandleDatagram(h.now(), "x:1", std::string(200, '\x01'));
  // Authentic envelope, wrong cluster: the tag does not verify.
  Keyring other = Keyring::Create("other", {kKey}).value();
  Prng rng(1);
  Packet packet;
  packet.sender = "evil";
  packet.message = Gossip{};
  packet.updates.push_back(Harness::AliveOf("evil", 9));
  std::string body = EncodePacket(packet).value();
  std::string datagram;
  ASSERT_TRUE(
      SealDatagram(other, EnvelopeOptions(), body, rng, &datagram).ok());
  h.node().HandleDatagram(h.now(), "x:1", datagram);
  // A key we do not hold.
  Keyring stranger = Keyring::Create("test", {std::string(32, 's')}).value();
  ASSERT_TRUE(
      SealDatagram(stranger, EnvelopeOptions(), body, rng, &datagram).ok());
  h.node().HandleDatagram(h.now(), "x:1", datagram);
  // Authentic, but the body is not a packet.
  ASSERT_TRUE(SealDatagram(Keyring::Create("test", {kKey}).value(),
                           EnvelopeOptions(), "\x01garbage", rng, &datagram)
                  .ok());
  h.node().HandleDatagram(h.now(), "x:1", datagram);

  const Counters& c = h.node().counters();
  // "short", and the garbage body (a ping cut short).
  EXPECT_EQ(c.drops[static_cast<size_t>(DropReason::kTruncated)], 2u);
  // 200 bytes of 0x01 parse as version 1 with key id 0x01010101.
  EXPECT_EQ(c.drops[static_cast<size_t>(DropReason::kUnknownKey)], 2u);
  EXPECT_EQ(c.drops[static_cast<size_t>(DropReason::kAuthFailed)], 1u);
  uint64_t total = 0;
  for (uint64_t d : c.drops) total += d;
  EXPECT_EQ(total, 5u);
  EXPECT_EQ(h.node().members().size(), 1u);
  EXPECT_TRUE(h.Drain().empty());
}

// ---- Incarnations and refutation. ----

TEST(NodeTest, StaleSuspicionOfItselfIsIgnored) {
  // Seed defect: stale gossip made the local member mark itself suspect.
  Harness h;
  ASSERT_TRUE(h.node().SetMetadata(h.now(), {{"k", "v"}}).ok());
  ASSERT_EQ(h.LocalIncarnation(), 1u);
  h.Events();
  Suspect suspect;
  suspect.member = "me";
  suspect.incarnation = 0;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {Harness::AliveOf("a", 0), suspect});
  EXPECT_EQ(h.LocalIncarnation(), 1u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
  EXPECT_EQ(h.node().counters().refutations, 0u);
  Offline offline;
  offline.member = "me";
  offline.incarnation = 0;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  EXPECT_EQ(h.LocalIncarnation(), 1u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
}

TEST(NodeTest, RefutationRaisesTheIncarnationPastTheAccusation) {
  // Seed defect: a refutation did not raise the clock past the suspicion's.
  Harness h;
  h.Meet({"a"});
  h.Drain();
  Suspect suspect;
  suspect.member = "me";
  suspect.incarnation = 5;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  EXPECT_EQ(h.LocalIncarnation(), 6u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
  EXPECT_EQ(h.node().counters().refutations, 1u);
  EXPECT_EQ(h.node().counters().health_score, 1);
  // The next packet carries the refutation.
  Ping ping;
  ping.seq = 1;
  ping.target = "me";
  h.Deliver("a", ping);
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  const Alive* alive = FindUpdate<Alive>(sent[0].packet, "me");
  ASSERT_NE(alive, nullptr);
  EXPECT_EQ(alive->incarnation, 6u);

  Offline offline;
  offline.member = "me";
  offline.incarnation = 6;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  EXPECT_EQ(h.LocalIncarnation(), 7u);
  // A leave from a previous life (same name) is refuted too.
  Left left;
  left.member = "me";
  left.incarnation = 9;
  h.Deliver("a", Gossip{}, {left});
  EXPECT_EQ(h.LocalIncarnation(), 10u);
  EXPECT_EQ(h.node().members().local().status, Status::kOnline);
}

TEST(NodeTest, RefutationCanBeSwitchedOffForTests) {
  Config config = TestConfig("me");
  config.testing.disable_refutation = true;
  Harness h(config);
  Suspect suspect;
  suspect.member = "me";
  suspect.incarnation = 0;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {Harness::AliveOf("a", 0), suspect});
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  EXPECT_EQ(h.node().counters().refutations, 0u);
}

TEST(NodeTest, GossipFollowsThePrecedenceRules) {
  Harness h;
  h.Meet({"a", "b"});
  Suspect suspect;
  suspect.member = "b";
  suspect.incarnation = 0;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  // alive(0) does not beat suspect(0); alive(1) does.
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 0)});
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 1)});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  Offline offline;
  offline.member = "b";
  offline.incarnation = 1;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
  EXPECT_EQ(h.node().members().Find("b")->offline_reason,
            OfflineReason::kFailed);
  suspect.incarnation = 3;  // a suspicion never revives the offline
  h.Deliver("a", Gossip{}, {suspect});
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 2)});  // rejoined
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);

  std::vector<MemberEvent> events = h.Events();
  std::vector<std::pair<Status, Status>> b_changes;
  for (const MemberEvent& e : events) {
    if (e.member == "b") b_changes.push_back({e.previous, e.current});
  }
  EXPECT_EQ(b_changes, (std::vector<std::pair<Status, Status>>{
                           {Status::kUnknown, Status::kOnline},
                           {Status::kOnline, Status::kSuspect},
                           {Status::kSuspect, Status::kOnline},
                           {Status::kOnline, Status::kOffline},
                           {Status::kOffline, Status::kOnline}}));
}

TEST(NodeTest, StaleAccusationOfItselfReSpreadsItsAliveWithoutANewLife) {
  Harness h;
  h.Meet({"a"});
  Suspect suspect;
  suspect.member = "me";
  suspect.incarnation = 3;
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  ASSERT_EQ(h.LocalIncarnation(), 4u);
  // Drain the refutation's retransmissions.
  for (int i = 0; i < 20; ++i) {
    Ping ping;
    ping.seq = static_cast<uint32_t>(i);
    ping.target = "me";
    h.Deliver("a", ping);
  }
  h.Drain();
  // Someone who missed the refutation probes us with the old suspicion
  // (buddy system): the ack carries our current Alive, same incarnation.
  Ping ping;
  ping.seq = 99;
  ping.target = "me";
  h.Deliver("a", ping, {suspect});
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  const Alive* alive = FindUpdate<Alive>(sent[0].packet, "me");
  ASSERT_NE(alive, nullptr);
  EXPECT_EQ(alive->incarnation, 4u);
  EXPECT_EQ(h.LocalIncarnation(), 4u);
  EXPECT_EQ(h.node().counters().refutations, 1u);
}

TEST(NodeTest, StaleAccusationOfAnotherIsAnsweredWithItsRefutation) {
  Harness h;
  h.Meet({"a", "b"});
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 5)});
  for (int i = 0; i < 20; ++i) {  // let that gossip run its course
    Ping ping;
    ping.seq = static_cast<uint32_t>(i);
    ping.target = "me";
    h.Deliver("a", ping);
  }
  h.Drain();
  Suspect suspect;
  suspect.member = "b";
  suspect.incarnation = 4;  // b has refuted this already
  suspect.accuser = "c";
  Ping ping;
  ping.seq = 100;
  ping.target = "me";
  h.Deliver("a", ping, {suspect});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  const Alive* alive = FindUpdate<Alive>(sent[0].packet, "b");
  ASSERT_NE(alive, nullptr);
  EXPECT_EQ(alive->incarnation, 5u);
}

TEST(NodeTest, OfflineNewsInAFullStateExchangeOnlyRaisesASuspicion) {
  Harness h;
  h.Meet({"a", "b"});
  Offline offline;
  offline.member = "b";
  offline.incarnation = 0;
  offline.accuser = "a";
  h.Deliver("a", Sync{}, {offline});
  EXPECT_EQ(h.StatusOf("b"), Status::kSuspect);
  h.Deliver("a", Gossip{}, {offline});
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
}

TEST(NodeTest, OfflineNewsInAFullStateExchangeIsCheckedAtOnce) {
  // The node missed the declaration (it was cut off, say): it probes the
  // member next and, finding it dead, agrees after the minimum timeout.
  Harness h;
  h.Meet({"a", "b", "c", "d", "x"});
  h.Drain();
  Offline offline;
  offline.member = "x";
  offline.incarnation = 0;
  offline.accuser = "a";
  h.Deliver("a", Sync{}, {offline});
  ASSERT_EQ(h.StatusOf("x"), Status::kSuspect);
  const absl::Time heard = h.now();
  h.AdvanceTo(heard + h.node().config().probe_interval);
  std::vector<Sent> pings = OfType<Ping>(h.Drain());
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_EQ(std::get<Ping>(pings[0].packet.message).target, "x");
  RunWhileStatus(h, "x", Status::kSuspect, "x", absl::Seconds(10));
  EXPECT_EQ(h.StatusOf("x"), Status::kOffline);
  // min = 2 intervals; no more than the minimum passed.
  EXPECT_LE(h.now() - heard, absl::Milliseconds(2100));
}

TEST(NodeTest, BackInTouchAfterBeingCutOffItExchangesStateAtOnce) {
  Harness h;
  h.Meet({"a", "b", "c", "d"});
  h.Drain();
  // A probe fails without a word from any relay: cut off.
  h.Advance(absl::Seconds(2));
  h.Drain();
  ASSERT_EQ(h.node().counters().accusations_withheld, 1u);
  const uint64_t digests = h.node().counters().digests_sent;
  // The next probe is answered: a digest exchange starts right away.
  absl::Time acked;
  while (h.node().counters().digests_sent == digests &&
         h.now() < kStart + absl::Seconds(30)) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        h.Deliver(ping->target, Ack{ping->seq});
        acked = h.now();
      }
    }
  }
  EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
  EXPECT_LE(h.now() - acked, absl::Milliseconds(100));
}

// Meets a, b and c, then probes them (all answer) for three seconds.
void MeetThreeAndRunThreeSeconds(Harness& h) {
  h.Meet({"a", "b", "c"});
  for (int i = 0; i < 30; ++i) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
}

// A config whose periodic exchange is an hour away: any exchange in the
// test's minutes has another cause.
Config WithoutPeriodicSync() {
  Config config = TestConfig("me");
  config.sync_interval = absl::Hours(1);
  return config;
}

TEST(NodeTest, AfterAStallItExchangesStateAtOnce) {
  // A long pause (no ticks, input dropped) may have hidden news.
  Harness h(WithoutPeriodicSync());
  MeetThreeAndRunThreeSeconds(h);
  const uint64_t digests = h.node().counters().digests_sent;
  h.node().Tick(h.now() + absl::Seconds(1));  // on time: nothing special
  AnswerAllBut(h, "");
  EXPECT_EQ(h.node().counters().digests_sent, digests);
  h.node().Tick(h.now() + absl::Seconds(20));  // 20 s without a tick
  EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
  EXPECT_EQ(OfType<SyncDigest>(h.Drain()).size(), 1u);
}

TEST(NodeTest, DeclaredOfflineItRefutesThenExchangesStateAtOnce) {
  // While the cluster held it OFFLINE nobody gossiped to it: news of that
  // time (refutations, say) must come some other way.
  Harness h(WithoutPeriodicSync());
  MeetThreeAndRunThreeSeconds(h);
  const uint64_t digests = h.node().counters().digests_sent;
  Suspect suspect;  // a mere suspicion is only refuted
  suspect.member = "me";
  suspect.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect});
  h.Advance(absl::Milliseconds(10));
  EXPECT_EQ(h.node().counters().digests_sent, digests);
  EXPECT_EQ(h.LocalIncarnation(), 1u);
  h.Drain();
  Offline offline;
  offline.member = "me";
  offline.incarnation = 1;
  offline.accuser = "b";
  h.Deliver("b", Gossip{}, {offline});
  h.Advance(absl::Milliseconds(10));
  EXPECT_EQ(h.LocalIncarnation(), 2u);
  EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
  EXPECT_EQ(OfType<SyncDigest>(h.Drain()).size(), 1u);
  // An old declaration, already refuted, starts nothing.
  offline.incarnation = 0;
  h.Deliver("c", Gossip{}, {offline});
  h.Advance(absl::Milliseconds(10));
  EXPECT_EQ(h.node().counters().digests_sent, digests + 1);
}

TEST(NodeTest, ANodeThatNeverRefutesNeverCatchesUpOnEachDeclaration) {
  // Every copy of the declaration stays current for it: exchanging state
  // at each would flood the cluster (the refutation-off canary did).
  Config config = WithoutPeriodicSync();
  config.testing.disable_refutation = true;
  Harness h(config);
  MeetThreeAndRunThreeSeconds(h);
  const uint64_t digests = h.node().counters().digests_sent;
  Offline offline;
  offline.member = "me";
  offline.accuser = "b";
  for (int i = 0; i < 5; ++i) {
    h.Deliver("b", Gossip{}, {offline});
    h.Advance(absl::Milliseconds(10));
  }
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  EXPECT_EQ(h.node().counters().digests_sent, digests);
}

TEST(NodeTest, GossipAboutUnknownMembersWithoutAddressIsIgnored) {
  Harness h;
  h.Meet({"a"});
  Suspect suspect;
  suspect.member = "ghost";
  suspect.incarnation = 1;
  suspect.accuser = "a";
  Offline offline;
  offline.member = "ghost2";
  offline.incarnation = 1;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {suspect, offline});
  EXPECT_EQ(h.node().members().size(), 2u);
}

TEST(NodeTest, ChurnStartsFullStateExchangesThenSettles) {
  Harness h(WithoutPeriodicSync());
  h.Meet({"a"});
  h.Drain();
  std::vector<Update> news;
  for (int i = 0; i < 10; ++i) {
    news.push_back(Harness::AliveOf(absl::StrCat("new-", i), 0));
  }
  h.Deliver("a", Gossip{}, news);  // 10 >= churn_sync_threshold
  std::vector<absl::Duration> syncs;
  std::vector<absl::Duration> settles;
  const absl::Time start = h.now();
  while (h.now() < start + absl::Seconds(20)) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      if (std::holds_alternative<Sync>(s.packet.message)) {
        if (std::get<Sync>(s.packet.message).reply_wanted) {
          syncs.push_back(h.now() - start);
        }
      } else if (std::holds_alternative<SyncDigest>(s.packet.message)) {
        if (std::get<SyncDigest>(s.packet.message).reply_wanted) {
          settles.push_back(h.now() - start);
        }
      } else if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        Ack ack;
        ack.seq = ping->seq;
        h.Deliver(ping->target, ack);
      }
    }
  }
  // One full exchange at once (churn), one digest exchange when it has
  // settled (gossip has carried most of it), and none otherwise.
  ASSERT_EQ(syncs.size(), 1u);
  EXPECT_LE(syncs[0], absl::Milliseconds(100));
  ASSERT_EQ(settles.size(), 1u);
  // (Times are when the harness looked: within 100 ms.)
  EXPECT_GE(settles[0] - syncs[0], absl::Milliseconds(7900));
  EXPECT_LE(settles[0] - syncs[0], absl::Milliseconds(8100));
  EXPECT_EQ(h.node().counters().churn_syncs, 2u);
}

TEST(NodeTest, KnownMembersAreAddedAsOldNewsAndProbed) {
  Harness h(WithoutPeriodicSync());
  h.Events();
  std::vector<Alive> known;
  for (int i = 0; i < 10; ++i) {  // 10 >= churn_sync_threshold
    Config other = TestConfig(absl::StrCat("k", i));
    if (i == 3) other.metadata = {{"role", "db"}};
    known.push_back(Node::Announcement(other).value());
  }
  known.push_back(Node::Announcement(TestConfig("me")).value());  // ignored
  ASSERT_TRUE(h.node().AddKnownMembers(h.now(), known).ok());
  EXPECT_EQ(h.node().members().size(), 11u);
  EXPECT_EQ(h.Events().size(), 10u);  // one per new member, ONLINE
  EXPECT_EQ(h.node().members().Find("k3")->metadata->at("role"), "db");
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  // Old news: nothing to gossip, no churn exchange; but each is probed.
  EXPECT_EQ(h.node().pending_gossip(), 0u);
  std::set<std::string> probed;
  const absl::Time start = h.now();
  while (h.now() < start + absl::Seconds(12)) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      EXPECT_FALSE(std::holds_alternative<Sync>(s.packet.message));
      EXPECT_TRUE(s.packet.updates.empty());
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        probed.insert(ping->target);
        h.Deliver(ping->target, Ack{ping->seq});
      }
    }
  }
  EXPECT_EQ(probed.size(), 10u);
  EXPECT_EQ(h.node().counters().churn_syncs, 0u);
}

TEST(NodeTest, KnownMembersAreCheckedFirstAndAddedWholeOrNotAtAll) {
  Harness h;
  std::vector<Alive> known = {Harness::AliveOf("a", 0),
                              Harness::AliveOf("b", 0)};
  known[1].address = "no port";
  absl::Status bad = h.node().AddKnownMembers(h.now(), known);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.message(), "entry 1")) << bad;
  known[1] = Harness::AliveOf("bad name", 0);
  EXPECT_FALSE(h.node().AddKnownMembers(h.now(), known).ok());
  known[1] = Harness::AliveOf("b", 0);
  known[1].metadata = Metadata{{std::string(300, 'k'), "v"}};  // key too long
  EXPECT_FALSE(h.node().AddKnownMembers(h.now(), known).ok());
  EXPECT_EQ(h.node().members().size(), 1u);
  // A saved view of a previous life of ours: out-incarnated.
  known[1] = Harness::AliveOf("me", 5);
  ASSERT_TRUE(h.node().AddKnownMembers(h.now(), known).ok());
  EXPECT_EQ(h.node().members().size(), 2u);
  EXPECT_GT(h.LocalIncarnation(), 5u);
  h.node().Leave(h.now());
  EXPECT_EQ(h.node().AddKnownMembers(h.now(), known).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(NodeTest, AnnouncementIsWhatOthersHoldOfANewNode) {
  Config config = TestConfig("x");
  config.initial_incarnation = 7;
  config.metadata = {{"zone", "b"}};
  const Alive alive = Node::Announcement(config).value();
  Harness h(config);
  const MemberView local = h.node().members().local();
  EXPECT_EQ(alive.member, "x");
  EXPECT_EQ(alive.address, local.address);
  EXPECT_EQ(alive.incarnation, local.incarnation);
  EXPECT_EQ(alive.metadata_version, local.metadata_version);
  EXPECT_EQ(alive.metadata, std::optional<Metadata>(*local.metadata));
  config.name = "";
  EXPECT_EQ(Node::Announcement(config).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ---- Probing. ----

TEST(NodeTest, IndirectProbesNeverGoToTheTargetOrItself) {
  // Seed defect: a ping-req could be sent to the very member being checked.
  Harness h;
  h.Meet({"a", "b", "c", "t"});
  h.Drain();
  bool saw_failed_probe_of_t = false;
  for (int round = 0; round < 20 && !saw_failed_probe_of_t; ++round) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        if (ping->target != "t") {
          Ack ack;
          ack.seq = ping->seq;
          h.Deliver(ping->target, ack);
        }
      }
      if (const PingReq* req = std::get_if<PingReq>(&s.packet.message)) {
        EXPECT_EQ(req->target, "t");
        EXPECT_EQ(req->target_address, TestAddress("t"));
        EXPECT_NE(s.to, TestAddress("t"));
        EXPECT_NE(s.to, TestAddress("me"));
        saw_failed_probe_of_t = true;
      }
    }
  }
  EXPECT_TRUE(saw_failed_probe_of_t);
  EXPECT_EQ(h.node().counters().indirect_probes, 3u);
}

TEST(NodeTest, ProbesNeverOverlap) {
  Harness h;
  h.Meet({"a", "b", "c"});
  h.Drain();
  // Nobody answers, so every probe runs to the end of its interval (and
  // the intervals stretch as local health worsens): probes of available
  // members start at least an interval apart, one at a time.
  std::vector<absl::Time> probe_starts;
  std::set<uint32_t> seqs;
  while (h.now() < kStart + absl::Seconds(60)) {
    h.Advance(absl::Milliseconds(50));
    for (const Sent& s : h.Drain()) {
      const Ping* ping = std::get_if<Ping>(&s.packet.message);
      if (ping == nullptr) continue;
      // Pings of offline members (their own low rate) are not probes, nor
      // is a probe's fallback ping.
      if (FindUpdate<Offline>(s.packet, ping->target) != nullptr) continue;
      if (!seqs.insert(ping->seq).second) continue;
      probe_starts.push_back(h.now());
    }
  }
  ASSERT_GE(probe_starts.size(), 5u);
  EXPECT_EQ(probe_starts.size(), h.node().counters().probes);
  for (size_t i = 1; i < probe_starts.size(); ++i) {
    EXPECT_GE(probe_starts[i] - probe_starts[i - 1], absl::Seconds(1));
  }
}

TEST(NodeTest, LocalHealthRisesOnMissedNacksAndFallsOnAcks) {
  Harness h;
  h.Meet({"a", "b", "c", "d"});
  h.Drain();
  // The first probe: nobody answers, relays not even with a nack.
  h.Advance(absl::Seconds(1));
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(OfType<Ping>(sent).size(), 1u);
  h.Advance(absl::Milliseconds(500));
  ASSERT_EQ(OfType<PingReq>(h.Drain()).size(), 3u);
  h.Advance(absl::Milliseconds(500));
  EXPECT_EQ(h.node().counters().health_score, 3);  // three missed nacks
  EXPECT_EQ(h.node().counters().nacks_missed, 3u);
  // The interval is now stretched to 4 s; answer the next probe.
  std::vector<Sent> pings = OfType<Ping>(h.Drain());
  ASSERT_EQ(pings.size(), 1u);
  Ack ack;
  ack.seq = std::get<Ping>(pings[0].packet.message).seq;
  h.Deliver(std::get<Ping>(pings[0].packet.message).target, ack);
  EXPECT_EQ(h.node().counters().health_score, 2);
  h.Advance(absl::Seconds(3));
  EXPECT_TRUE(OfType<Ping>(h.Drain()).empty());  // still within 4 s
  h.Advance(absl::Seconds(1));
  EXPECT_EQ(OfType<Ping>(h.Drain()).size(), 1u);
}

TEST(NodeTest, NacksFromRelaysKeepTheNodeHealthy) {
  Harness h;
  h.Meet({"a", "b", "c", "d"});
  h.Drain();
  h.Advance(absl::Seconds(1));
  h.Drain();
  h.Advance(absl::Milliseconds(500));
  for (const Sent& s : OfType<PingReq>(h.Drain())) {
    Nack nack;
    nack.seq = std::get<PingReq>(s.packet.message).seq;
    h.Deliver(s.to.substr(0, s.to.find(':')), nack);
  }
  // Every relay failed too: the probe is judged now, not at the
  // interval's end.
  h.AdvanceTo(h.now());
  EXPECT_EQ(h.node().counters().nacks_received, 3u);
  EXPECT_EQ(h.node().counters().health_score, 0);
  EXPECT_EQ(h.node().counters().suspicions_raised, 1u);
}

TEST(NodeTest, AProberThatHearsFromNoRelayAccusesNobody) {
  // Rapid's bad nodes: a member whose inbound traffic is lost gets neither
  // acks nor nacks, and must not accuse the healthy members it probes.
  Harness h;
  h.Meet({"a", "b", "c", "d"});
  h.Drain();
  h.Advance(absl::Seconds(1));
  std::vector<Sent> pings = OfType<Ping>(h.Drain());
  ASSERT_EQ(pings.size(), 1u);
  const Ping first = std::get<Ping>(pings[0].packet.message);
  h.Advance(absl::Milliseconds(500));
  std::vector<Sent> sent = h.Drain();
  EXPECT_EQ(OfType<PingReq>(sent).size(), 3u);
  // With the relays, one more direct ping (memberlist's fallback ping).
  std::vector<Sent> fallback = OfType<Ping>(sent);
  ASSERT_EQ(fallback.size(), 1u);
  EXPECT_EQ(std::get<Ping>(fallback[0].packet.message).seq, first.seq);
  EXPECT_EQ(fallback[0].to, TestAddress(first.target));
  h.Advance(absl::Milliseconds(500));
  EXPECT_EQ(h.node().counters().probes_failed, 1u);
  EXPECT_EQ(h.node().counters().accusations_withheld, 1u);
  EXPECT_EQ(h.node().counters().suspicions_raised, 0u);
  EXPECT_EQ(h.StatusOf(first.target), Status::kOnline);
  EXPECT_EQ(h.node().counters().health_score, 3);  // but it knows it
}

TEST(NodeTest, RelayForwardsTheAckOrNacksAndForgets) {
  Harness h;
  h.Meet({"a", "t"});
  h.Drain();
  PingReq req;
  req.seq = 900;
  req.target = "t";
  req.target_address = TestAddress("t");
  h.Deliver("a", req);
  std::vector<Sent> sent = OfType<Ping>(h.Drain());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, TestAddress("t"));
  Ack ack;
  ack.seq = std::get<Ping>(sent[0].packet.message).seq;
  h.Deliver("t", ack);
  sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, TestAddress("a"));
  EXPECT_EQ(std::get<Ack>(sent[0].packet.message).seq, 900u);
  h.Deliver("t", ack);  // a late duplicate is not forwarded twice
  EXPECT_TRUE(h.Drain().empty());

  // Silence: a nack after 80% of the probe timeout, then nothing.
  req.seq = 901;
  h.Deliver("a", req);
  h.Drain();
  h.AdvanceTo(h.now() + absl::Milliseconds(399));
  EXPECT_TRUE(OfType<Nack>(h.Drain()).empty());
  h.AdvanceTo(h.now() + absl::Milliseconds(1));
  sent = OfType<Nack>(h.Drain());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<Nack>(sent[0].packet.message).seq, 901u);
  EXPECT_EQ(h.node().counters().nacks_sent, 1u);
  h.Advance(absl::Seconds(10));
  EXPECT_TRUE(OfType<Nack>(h.Drain()).empty());
}

TEST(NodeTest, ProbingASuspectTellsItSo) {
  // Lifeguard's buddy system.
  Harness h;
  h.Meet({"a"});
  Suspect suspect;
  suspect.member = "a";
  suspect.incarnation = 0;
  suspect.accuser = "z";
  h.Deliver("a", Gossip{}, {suspect});
  h.Drain();
  h.Advance(absl::Seconds(1));
  std::vector<Sent> pings = OfType<Ping>(h.Drain());
  ASSERT_EQ(pings.size(), 1u);
  ASSERT_FALSE(pings[0].packet.updates.empty());
  const Suspect* told = std::get_if<Suspect>(&pings[0].packet.updates[0]);
  ASSERT_NE(told, nullptr);
  EXPECT_EQ(told->member, "a");
}

// ---- Suspicion. ----

Config SuspicionTestConfig() {
  Config config = TestConfig("me");
  config.suspicion_min_intervals = 4;  // min 4 s, max 24 s, k = 2
  config.suspicion_max_mult = 6;
  return config;
}

TEST(NodeTest, HeardSuspicionTimesOutSoonerWithConfirmationsThenIsVerified) {
  Harness h(SuspicionTestConfig());
  std::vector<std::string> names;
  for (int i = 0; i < 9; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  Suspect suspect;
  suspect.member = "m5";
  suspect.incarnation = 0;
  suspect.accuser = "m1";
  h.Deliver("m1", Gossip{}, {suspect});
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  const absl::Time suspected = h.now();
  suspect.accuser = "m2";
  h.Deliver("m2", Gossip{}, {suspect});
  h.Deliver("m2", Gossip{}, {suspect});  // not independent
  EXPECT_EQ(h.node().counters().suspicion_confirmations, 1u);
  // 24 - 20 × log 2 / log 3 = 11.38 s. Until then m5 answers our pings
  // but does not refute.
  while (h.now() < suspected + absl::Seconds(11)) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  EXPECT_EQ(h.node().counters().suspicions_verified, 0u);
  // Expired: having no evidence of its own, the node waits an interval
  // (for the accusers' OFFLINE), then probes m5 rather than condemn it on
  // others' word.
  h.AdvanceTo(suspected + absl::Milliseconds(11400));
  EXPECT_EQ(h.node().counters().suspicions_verified, 0u);
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  AnswerAllBut(h, "");
  h.AdvanceTo(suspected + absl::Milliseconds(12400));
  EXPECT_EQ(h.node().counters().suspicions_verified, 1u);
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  // m5 answers again: not condemned; it is looked at again a minimum
  // timeout (4 s) later.
  for (int i = 0; i < 20; ++i) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  // Now m5 is dead: by the postponed deadline our own probes have found
  // it so (or the next verification does), and it is condemned.
  const absl::Duration took =
      RunWhileStatus(h, "m5", Status::kSuspect, "m5", absl::Seconds(30));
  EXPECT_EQ(h.StatusOf("m5"), Status::kOffline);
  // At worst: the rest of the postponement (4 s), a wait for a probe slot
  // and the probe (an interval each).
  EXPECT_LE(took, absl::Seconds(6));
  EXPECT_EQ(h.node().members().Find("m5")->offline_reason,
            OfflineReason::kFailed);
  EXPECT_EQ(h.node().counters().members_declared_offline, 1u);
}

TEST(NodeTest, AVerificationCondemnsOnlyAfterTwoFailedProbesInARow) {
  Harness h(SuspicionTestConfig());
  std::vector<std::string> names;
  for (int i = 0; i < 9; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  h.Deliver("m1", Gossip{}, {Suspect{"m5", 0, "m1"}});
  // m5 answers (without refuting) until the node starts verifying it.
  while (h.node().counters().suspicions_verified == 0 &&
         h.now() < kStart + absl::Minutes(1)) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
  ASSERT_EQ(h.node().counters().suspicions_verified, 1u);
  // Then it is silent; relays nack. The first failed probe is not enough.
  int failed_probes = 0;
  while (h.StatusOf("m5") == Status::kSuspect &&
         h.now() < kStart + absl::Minutes(2)) {
    const uint64_t before = h.node().counters().probes_failed;
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "m5");
    if (h.node().counters().probes_failed > before) ++failed_probes;
  }
  EXPECT_EQ(h.StatusOf("m5"), Status::kOffline);
  EXPECT_EQ(failed_probes, 2);
}

TEST(NodeTest, AnAccuserDeclaresOfflineAtTheDeadlineWithoutVerifying) {
  Harness h(SuspicionTestConfig());
  std::vector<std::string> names;
  for (int i = 0; i < 9; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);
  h.Drain();
  // m5 is dead; our own probe finds it (relays nack).
  absl::Time suspected;
  while (h.StatusOf("m5") == Status::kOnline) {
    suspected = h.now();  // nacks answered now are judged at once
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "m5");
  }
  ASSERT_EQ(h.StatusOf("m5"), Status::kSuspect);
  EXPECT_EQ(h.node().counters().suspicions_raised, 1u);
  // Nobody confirms: the maximum timeout, 24 s.
  while (h.now() < suspected + absl::Milliseconds(23900)) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "m5");
  }
  EXPECT_EQ(h.StatusOf("m5"), Status::kSuspect);
  h.Advance(absl::Milliseconds(200));
  EXPECT_EQ(h.StatusOf("m5"), Status::kOffline);
  EXPECT_EQ(h.node().counters().suspicions_verified, 0u);
  EXPECT_EQ(h.node().counters().members_declared_offline, 1u);
}

// ---- Dissemination. ----

TEST(NodeTest, EachUpdateIsPiggybackedRetransmitLimitTimes) {
  Harness h;
  std::vector<std::string> names;
  for (int i = 0; i < 11; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);  // N = 12 → limit 4 × 2
  ASSERT_EQ(h.node().RetransmitLimit(), 8);
  h.Drain();
  h.Deliver("m1", Gossip{}, {Harness::AliveOf("news", 0)});
  int carried = 0;
  for (int i = 0; i < 30; ++i) {
    Ping ping;
    ping.seq = static_cast<uint32_t>(i);
    ping.target = "me";
    h.Deliver("m2", ping);
    for (const Sent& s : h.Drain()) {
      if (FindUpdate<Alive>(s.packet, "news") != nullptr) ++carried;
    }
  }
  EXPECT_EQ(carried, 8);

  Config config = TestConfig("me");
  config.testing.zero_retransmits = true;
  Harness quiet(config);
  quiet.Meet(names);
  quiet.Deliver("m1", Gossip{}, {Harness::AliveOf("news", 0)});
  Ping ping;
  ping.seq = 1;
  ping.target = "me";
  quiet.Deliver("m2", ping);
  std::vector<Sent> sent = quiet.Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].packet.updates.empty());
}

TEST(NodeTest, NewsIsGossipedToFanoutMembersEachIntervalUntilSpent) {
  Harness h;
  std::vector<std::string> names;
  for (int i = 0; i < 11; ++i) names.push_back(absl::StrCat("m", i));
  h.Meet(names);  // N = 12 → limit 8
  // Let what the exchange queued run out.
  for (int i = 0; i < 30; ++i) {
    h.Advance(absl::Milliseconds(100));
    AnswerAllBut(h, "");
  }
  ASSERT_EQ(h.node().pending_gossip(), 0u);
  h.Deliver("m1", Gossip{}, {Harness::AliveOf("news", 0)});
  // At once: fanout (3) Gossip datagrams to distinct members.
  h.AdvanceTo(h.now());
  std::vector<Sent> round = OfType<Gossip>(h.Drain());
  ASSERT_EQ(round.size(), 3u);
  EXPECT_NE(round[0].to, round[1].to);
  EXPECT_NE(round[1].to, round[2].to);
  EXPECT_NE(round[0].to, round[2].to);
  for (const Sent& s : round) {
    EXPECT_NE(FindUpdate<Alive>(s.packet, "news"), nullptr);
  }
  // Then every 200 ms while the update has sends left: 8 sends in all,
  // probes' piggybacking included.
  int carried = 3;
  auto count = [&](const std::vector<Sent>& sent) {
    for (const Sent& s : sent) {
      if (FindUpdate<Alive>(s.packet, "news") != nullptr) ++carried;
    }
    return OfType<Gossip>(sent).size();
  };
  h.Advance(absl::Milliseconds(199));
  EXPECT_EQ(count(h.Drain()), 0u);
  for (int i = 0; i < 10; ++i) {
    h.Advance(absl::Milliseconds(i == 0 ? 1 : 200));
    const size_t gossip = count(h.Drain());
    EXPECT_LE(gossip, 3u);
    if (i == 0) {
      EXPECT_GE(gossip, 1u);
    }
  }
  EXPECT_EQ(carried, 8);
  EXPECT_EQ(h.node().pending_gossip(), 0u);

  Config config = TestConfig("me");
  config.gossip_fanout = 0;  // piggybacking only
  Harness quiet(config);
  quiet.Meet(names);
  quiet.Deliver("m1", Gossip{}, {Harness::AliveOf("news", 0)});
  quiet.Advance(absl::Seconds(1));
  EXPECT_TRUE(OfType<Gossip>(quiet.Drain()).empty());
}

TEST(NodeTest, DatagramsNeverExceedTheLimitAndSyncSplits) {
  Config config = TestConfig("me");
  config.max_datagram_bytes = 600;
  Harness h(config);
  std::vector<Update> updates;
  for (int i = 0; i < 300; ++i) {
    updates.push_back(Harness::AliveOf(absl::StrCat("member-", i), 0,
                                       {{"k", std::string(40, 'v')}}));
  }
  // Gossip (not a sync), so all of them are queued for piggybacking.
  for (size_t i = 0; i < updates.size(); i += 5) {
    h.Deliver(
        "member-0", Gossip{},
        std::vector<Update>(updates.begin() + i, updates.begin() + i + 5));
  }
  EXPECT_EQ(h.node().members().size(), 301u);
  Ping ping;
  ping.seq = 1;
  ping.target = "me";
  h.Deliver("member-1", ping);
  std::vector<Sent> sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_LE(sent[0].bytes, 600u);
  EXPECT_GT(sent[0].packet.updates.size(), 3u);
  // A full state exchange: many datagrams, each within the limit (Drain
  // checks) and each decodable on its own.
  Sync sync;
  sync.reply_wanted = true;
  h.Deliver("member-2", sync, {});
  sent = OfType<Sync>(h.Drain());
  EXPECT_GT(sent.size(), 20u);
  size_t carried = 0;
  for (const Sent& s : sent) carried += s.packet.updates.size();
  EXPECT_EQ(carried, 301u);
  EXPECT_TRUE(std::get<Sync>(sent[0].packet.message).reply_wanted == false);
}

// ---- Join and leave. ----

TEST(NodeTest, JoinRetriesSeedPeersWithBackoffUntilItKnowsSomeone) {
  Config config =
      TestConfig("me", {TestAddress("seed1"), TestAddress("seed2")});
  Harness h(config);
  std::vector<absl::Duration> attempts;
  auto record = [&] {
    for (const Sent& s : h.Drain()) {
      if (std::holds_alternative<Sync>(s.packet.message) &&
          s.to == TestAddress("seed1")) {
        EXPECT_TRUE(std::get<Sync>(s.packet.message).reply_wanted);
        attempts.push_back(h.now() - kStart);
      }
    }
  };
  record();
  while (h.now() < kStart + absl::Seconds(100)) {
    h.Advance(absl::Milliseconds(500));
    record();
  }
  ASSERT_GE(attempts.size(), 6u);
  EXPECT_EQ(attempts[0], absl::ZeroDuration());
  EXPECT_EQ(attempts[1], absl::Seconds(1));
  EXPECT_EQ(attempts[2], absl::Seconds(3));
  EXPECT_EQ(attempts[3], absl::Seconds(7));
  EXPECT_EQ(attempts[4], absl::Seconds(15));
  EXPECT_EQ(attempts[5], absl::Seconds(31));
  EXPECT_EQ(attempts[6], absl::Seconds(61));  // capped at 30 s
  // Once it knows a live member, it stops.
  h.Meet({"seed1"});
  h.Drain();
  attempts.clear();
  const absl::Time met = h.now();
  while (h.now() < met + absl::Seconds(120)) {
    h.Advance(absl::Milliseconds(100));
    for (const Sent& s : h.Drain()) {
      if (std::holds_alternative<Sync>(s.packet.message)) {
        attempts.push_back(h.now() - kStart);
      }
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        Ack ack;
        ack.seq = ping->seq;
        h.Deliver(ping->target, ack);
      }
    }
  }
  // Only the periodic push-pull with the member it knows (every 30 s).
  EXPECT_LE(attempts.size(), 4u);
  EXPECT_EQ(h.StatusOf("seed1"), Status::kOnline);
}

TEST(NodeTest, LeaveTellsOthersAndGoesInert) {
  Harness h;
  h.Meet({"a", "b", "c", "d", "e"});
  h.Drain();
  h.Events();
  h.node().Leave(h.now());
  std::vector<Sent> sent = h.Drain();
  EXPECT_EQ(sent.size(), 3u);  // leave_fanout
  for (const Sent& s : sent) {
    const Left* left = FindUpdate<Left>(s.packet, "me");
    ASSERT_NE(left, nullptr);
  }
  std::vector<MemberEvent> events = h.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].current, Status::kOffline);
  EXPECT_EQ(events[0].offline_reason, OfflineReason::kLeft);
  EXPECT_EQ(h.node().NextDeadline(), absl::InfiniteFuture());
  // It still answers probes, with the news first, but does nothing else.
  Ping ping;
  ping.seq = 1;
  ping.target = "me";
  h.Deliver("a", ping);
  sent = h.Drain();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<Ack>(sent[0].packet.message));
  ASSERT_FALSE(sent[0].packet.updates.empty());
  EXPECT_TRUE(std::holds_alternative<Left>(sent[0].packet.updates[0]));
  h.Deliver("a", Sync{}, {Harness::AliveOf("zz", 0)});
  EXPECT_FALSE(h.node().members().Find("zz").has_value());
  h.Advance(absl::Minutes(1));
  EXPECT_TRUE(h.Drain().empty());
  EXPECT_FALSE(h.node().SetMetadata(h.now(), {}).ok());
}

TEST(NodeTest, OfflineMembersArePingedRarelyThenForgotten) {
  Config config = TestConfig("me");
  config.offline_retention = absl::Minutes(2);
  Harness h(config);
  h.Meet({"a", "b"});
  Offline offline;
  offline.member = "b";
  offline.incarnation = 0;
  offline.accuser = "a";
  h.Deliver("a", Gossip{}, {offline});
  ASSERT_EQ(h.StatusOf("b"), Status::kOffline);
  h.Drain();
  h.Events();
  int offline_pings = 0;
  while (h.now() < kStart + absl::Seconds(100)) {
    h.Advance(absl::Milliseconds(250));
    for (const Sent& s : h.Drain()) {
      if (const Ping* ping = std::get_if<Ping>(&s.packet.message)) {
        if (ping->target == "b") {
          ++offline_pings;
          // It leads with the news, so a live "b" would refute.
          EXPECT_NE(FindUpdate<Offline>(s.packet, "b"), nullptr);
        } else {
          Ack ack;
          ack.seq = ping->seq;
          h.Deliver(ping->target, ack);
        }
      }
    }
  }
  EXPECT_GE(offline_pings, 15);  // every 5 s
  EXPECT_LE(offline_pings, 21);
  EXPECT_EQ(h.StatusOf("b"), Status::kOffline);
  h.Advance(absl::Seconds(30));
  EXPECT_EQ(h.StatusOf("b"), Status::kUnknown);
  std::vector<MemberEvent> events = h.Events();
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events.back().forgotten);
  EXPECT_EQ(events.back().member, "b");
  // Ready to be met again.
  h.Deliver("a", Gossip{}, {Harness::AliveOf("b", 1)});
  EXPECT_EQ(h.StatusOf("b"), Status::kOnline);
}

// ---- Metadata. ----

TEST(NodeTest, SetMetadataRejectsMapsOverTheLimits) {
  Harness h;
  absl::Status s =
      h.node().SetMetadata(h.now(), {{"blob", std::string(200 * 1024, 'x')}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "max_metadata_bytes")) << s;
  s = h.node().SetMetadata(h.now(), {{std::string(256, 'k'), "v"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(h.LocalIncarnation(), 0u);
  ASSERT_TRUE(h.node()
                  .SetMetadata(h.now(), {{"blob", std::string(64 * 1024, 'x')}})
                  .ok());
  EXPECT_EQ(h.LocalIncarnation(), 1u);
  EXPECT_EQ(h.node().members().local().metadata->at("blob").size(), 64u * 1024);
}

TEST(NodeTest, LargeMetadataIsFetchedInChunks) {
  Harness h;
  h.Meet({"a", "owner"});
  h.Drain();
  Metadata big = {{"blob", std::string(10000, 'z')}, {"role", "x"}};
  const std::string encoded = EncodeMetadata(big).value();
  Alive alive = Harness::AliveOf("owner", 3);
  alive.metadata_version = 4;
  alive.metadata_size = static_cast<uint32_t>(encoded.size());
  alive.metadata.reset();
  h.Deliver("a", Gossip{}, {alive});
  std::vector<Sent> requests = OfType<MetaRequest>(h.Drain());
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].to, TestAddress("a"));  // whoever told us
  const MetaRequest& req = std::get<MetaRequest>(requests[0].packet.message);
  EXPECT_EQ(req.member, "owner");
  EXPECT_EQ(req.version, 4u);
  EXPECT_EQ(req.offset, 0u);
  // "a" does not answer; the fetch moves on to the owner.
  h.Advance(absl::Milliseconds(250));
  requests = OfType<MetaRequest>(h.Drain());
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].to, TestAddress("owner"));
  h.Events();
  for (size_t offset = 0; offset < encoded.size(); offset += 1000) {
    MetaChunk chunk;
    chunk.member = "owner";
    chunk.version = 4;
    chunk.total_size = static_cast<uint32_t>(encoded.size());
    chunk.offset = static_cast<uint32_t>(offset);
    chunk.data = encoded.substr(offset, 1000);
    h.Deliver("owner", chunk);
  }
  EXPECT_EQ(*h.node().members().Find("owner")->metadata, big);
  EXPECT_EQ(h.node().counters().metadata_fetched, 1u);
  std::vector<MemberEvent> events = h.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].metadata_changed);

  // And it serves the map to others, in chunks within the datagram limit.
  MetaRequest ask;
  ask.member = "owner";
  ask.version = 4;
  ask.offset = 0;
  h.Deliver("a", ask);
  std::vector<Sent> chunks = OfType<MetaChunk>(h.Drain());
  ASSERT_GE(chunks.size(), 8u);
  std::string reassembled;
  for (const Sent& s : chunks) {
    reassembled += std::get<MetaChunk>(s.packet.message).data;
  }
  EXPECT_EQ(reassembled, encoded);
}

// ---- Determinism. ----

std::vector<std::string> Script(uint64_t seed) {
  Config config = TestConfig("me", {TestAddress("a")}, seed);
  Harness h(config);
  h.Meet({"a", "b", "c", "d", "e", "f"});
  std::vector<std::string> out;
  for (int i = 0; i < 40; ++i) {
    h.Advance(absl::Milliseconds(300));
    Ping ping;
    ping.seq = static_cast<uint32_t>(i);
    ping.target = "me";
    h.Deliver("b", ping);
    while (std::optional<Transmit> t = h.node().PollTransmit()) {
      out.push_back(t->to_address + "|" + t->datagram);
    }
  }
  return out;
}

TEST(NodeTest, SameSeedSameInputsSameBytes) {
  EXPECT_EQ(Script(5), Script(5));
  EXPECT_NE(Script(5), Script(6));
}

}  // namespace
}  // namespace swim
