// The prober: probe pacing, indirect probes, health, nacks, probing suspects.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/status.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::FindUpdate;
using ::swim::testing::Harness;
using ::swim::testing::kStart;
using ::swim::testing::OfType;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;

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

}  // namespace
}  // namespace swim
