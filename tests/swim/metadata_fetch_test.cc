// Metadata fetch: maps too large to gossip are fetched in chunks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
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

}  // namespace
}  // namespace swim
