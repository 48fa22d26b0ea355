// Relays: a ping-req's ack is forwarded, or a nack sent, then forgotten.
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/message.h"
#include "swim/node.h"
#include "tests/testing/fake_network.h"
#include "tests/testing/node_harness.h"

namespace swim {
namespace {

using ::swim::testing::Harness;
using ::swim::testing::OfType;
using ::swim::testing::Sent;
using ::swim::testing::TestAddress;

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

}  // namespace
}  // namespace swim
