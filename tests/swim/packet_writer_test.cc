// PacketWriter (swim/codec.h): packets filled up to a byte budget, never
// over it, and unchanged by an update that does not fit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "swim/codec.h"
#include "swim/message.h"

namespace swim {
namespace {

// `count` updates of every type in turn, some Alives with metadata inline.
std::vector<Update> ManyUpdates(size_t count) {
  std::vector<Update> updates;
  updates.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const std::string name = absl::StrCat("member-", i);
    switch (i % 4) {
      case 0: {
        Alive alive;
        alive.member = name;
        alive.address = "10.0.0.1:7946";
        alive.incarnation = i;
        if (i % 8 == 0) {
          alive.metadata = Metadata{{"token", std::string(i % 64, 'x')}};
          alive.metadata_size =
              static_cast<uint32_t>(EncodeMetadata(*alive.metadata)->size());
        }
        updates.push_back(alive);
        break;
      }
      case 1:
        updates.push_back(Suspect{name, i, "accuser"});
        break;
      case 2:
        updates.push_back(Offline{name, i, "accuser"});
        break;
      default:
        updates.push_back(Left{name, i});
    }
  }
  return updates;
}

TEST(PacketWriterTest, NeverExceedsTheBudgetWithThousandsOfUpdates) {
  const std::vector<Update> updates = ManyUpdates(5000);
  for (size_t budget : {128u, 512u, 1366u, 9000u}) {
    SCOPED_TRACE(budget);
    size_t next = 0;
    size_t packets = 0;
    while (next < updates.size()) {
      absl::StatusOr<PacketWriter> writer = PacketWriter::Start(
          budget, "sender", Ack{static_cast<uint32_t>(next)});
      ASSERT_TRUE(writer.ok()) << writer.status();
      const size_t first = next;
      while (next < updates.size() && writer->Add(updates[next])) {
        ASSERT_LE(writer->size(), budget);
        ++next;
      }
      // Every update fits an empty packet of these budgets, so each packet
      // carries at least one, and stops only when the next does not fit.
      ASSERT_GT(next, first);
      if (next < updates.size()) {
        EXPECT_GT(writer->size() + EncodedSize(updates[next]), budget - 3);
      }
      const size_t size = writer->size();
      const std::string body = std::move(*writer).Finish();
      ASSERT_EQ(body.size(), size);
      ASSERT_LE(body.size(), budget);
      absl::StatusOr<Packet> packet = DecodePacket(body, budget);
      ASSERT_TRUE(packet.ok()) << packet.status();
      ASSERT_EQ(packet->updates.size(), next - first);
      for (size_t i = first; i < next; ++i) {
        ASSERT_EQ(packet->updates[i - first], updates[i]);
      }
      ++packets;
    }
    EXPECT_GT(packets, 0u);
  }
}

TEST(PacketWriterTest, UpdateThatDoesNotFitLeavesThePacketUnchanged) {
  absl::StatusOr<PacketWriter> writer = PacketWriter::Start(20, "s", Ack{1});
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE(writer->Add(Left{"c", 1}));
  const size_t size = writer->size();
  EXPECT_FALSE(writer->Add(Left{std::string(40, 'x'), 1}));
  EXPECT_FALSE(writer->Add(Suspect{"c", 1, ""}));  // invalid, not just large
  EXPECT_EQ(writer->size(), size);
  EXPECT_EQ(writer->update_count(), 1u);
  absl::StatusOr<Packet> packet = DecodePacket(std::move(*writer).Finish());
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->updates.size(), 1u);
}

TEST(PacketWriterTest, StartFailsWhenTheMessageAloneIsOverBudget) {
  absl::StatusOr<PacketWriter> writer =
      PacketWriter::Start(10, "sender", Ping{1, "a-long-target-name"});
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace swim
