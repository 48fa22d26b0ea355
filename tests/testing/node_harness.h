// One swim::Node driven by hand through its public API, with the rest of
// the cluster played by the test: the harness of the node's test suites
// (tests/swim/node_test.cc and the suites of each part of the node).
//
//   Harness h;                     // a node named "me" (TestConfig)
//   h.Meet({"a", "b", "c"});       // a full-state exchange from "a"
//   h.Advance(absl::Seconds(1));   // ticks whenever the node asks
//   for (const Sent& s : OfType<Ping>(h.Drain())) ...
//   h.Deliver("a", Ack{seq});
#ifndef TESTS_TESTING_NODE_HARNESS_H_
#define TESTS_TESTING_NODE_HARNESS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/codec.h"
#include "swim/config.h"
#include "swim/keyring.h"
#include "swim/message.h"
#include "swim/node.h"
#include "swim/prng.h"
#include "swim/status.h"

namespace swim::testing {

// The key of the harness's keyring (cluster "test").
inline constexpr char kKey[] = "0123456789abcdef0123456789abcdef";
// When every harness starts.
extern const absl::Time kStart;

// A datagram the node sent, opened and decoded.
struct Sent {
  std::string to;
  Packet packet;
  size_t bytes = 0;
};

// Plays the rest of the cluster around one node under test.
class Harness {
 public:
  // Unless `trust_addresses` is false, the node treats every source as
  // validated (Config::testing.trust_all_addresses), as the tests of other
  // rules expect.
  explicit Harness(Config config, bool trust_addresses = true);
  Harness();

  Node& node() { return *node_; }
  absl::Time now() const { return now_; }

  // In `framing` (version 1 unless told; request stamps travel only in
  // version 2).
  std::string Seal(const Packet& packet, Framing framing = {});

  // Requests that need a stamp (swim/replay_guard.h) and have none get a
  // fresh one.
  void Deliver(const Packet& packet);
  void Deliver(absl::string_view from, Message message,
               std::vector<Update> updates = {});

  // Advances to `t`, ticking whenever the node asks.
  void AdvanceTo(absl::Time t);
  void Advance(absl::Duration d) { AdvanceTo(now_ + d); }

  std::vector<Sent> Drain();
  std::vector<MemberEvent> Events();

  // Introduces members through a full-state exchange from the first one.
  void Meet(const std::vector<std::string>& names);

  static Alive AliveOf(absl::string_view name, uint64_t incarnation,
                       Metadata metadata = {});

  Status StatusOf(absl::string_view name);
  uint64_t LocalIncarnation() { return node_->members().local().incarnation; }

 private:
  Keyring keyring_;
  Prng rng_;
  std::unique_ptr<Node> node_;
  absl::Time now_;
  uint64_t last_stamp_ = 0;  // for requests delivered without one
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
void AnswerAllBut(Harness& h, absl::string_view silent);

// Plays AnswerAllBut(h, silent) in 100 ms steps while `member` is in
// `status`, for at most `limit`; returns how long that took.
absl::Duration RunWhileStatus(Harness& h, absl::string_view member,
                              Status status, absl::string_view silent,
                              absl::Duration limit);

// Meets a, b and c, then probes them (all answer) for three seconds.
void MeetThreeAndRunThreeSeconds(Harness& h);

// A config whose periodic exchange is an hour away: any exchange in the
// test's minutes has another cause.
Config WithoutPeriodicSync();

// Suspicion timeouts of 4 s at least, 24 s at most, k = 2.
Config SuspicionTestConfig();

}  // namespace swim::testing

#endif  // TESTS_TESTING_NODE_HARNESS_H_
