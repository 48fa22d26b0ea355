// A large value that travels in chunks, both ways: the receiver's side
// (ChunkedDownload: the bytes so far, the window asked for last, the checks
// every chunk passes) and the holder's (SendChunks: a window of chunks that
// each fill a datagram). A member's metadata map (MetaRequest / MetaChunk,
// swim/metadata_fetch.h) and an application's state (StateRequest /
// StateChunk, swim/app_state.h) both travel this way.
//
//   switch (download.Take(chunk.version, chunk.total_size, chunk.offset,
//                         chunk.data, max_bytes, per_request, deadline)) {
//     case ChunkedDownload::Step::kAskMore: Request(download); break;
//     case ChunkedDownload::Step::kComplete: Install(download.data); break;
//     default: break;  // rejected, or more of the window is on its way
//   }
//   SendChunks(outbox, to_address, first_chunk, bytes, per_request);
#ifndef SWIM_CHUNKED_DOWNLOAD_H_
#define SWIM_CHUNKED_DOWNLOAD_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "swim/outbox.h"

namespace swim {

struct ChunkedDownload {
  enum class Step {
    kRejected,  // duplicate, out of order or inconsistent: ignored
    kWait,      // taken; the rest of the window is on its way
    kAskMore,   // taken; the window is done, ask from data.size()
    kComplete,  // taken; data holds all total_size bytes
  };

  // Takes bytes [offset, offset + bytes.size()) of a value of `total_size`
  // (at most `max_bytes`, and total_size itself when size_fixed) at
  // `version`; only the next bytes in order are taken. A taken chunk
  // renews the deadline and the attempts.
  Step Take(uint64_t chunk_version, uint32_t chunk_total_size, uint32_t offset,
            absl::string_view bytes, size_t max_bytes, int chunks_per_request,
            absl::Time next_deadline);

  uint64_t version = 0;
  uint32_t total_size = 0;
  // Whether total_size is known for sure (an offer's), not a hint that
  // the first chunk corrects (an announcement's, which may be older).
  bool size_fixed = false;
  std::string data;           // the value's first bytes
  std::string source;         // address asked last
  uint32_t window_start = 0;  // offset of the last request
  uint32_t chunk_bytes = 0;   // data per chunk from the source; 0 unknown
  int attempts = 0;
  absl::Time deadline;
};

// Sends `chunk` (a MetaChunk or a StateChunk with every field but `data`
// set) and up to count - 1 more after it: `bytes` from chunk.offset on,
// each chunk as much as fits a datagram to `to_address`.
template <typename Chunk>
void SendChunks(Outbox& outbox, absl::string_view to_address, Chunk chunk,
                absl::string_view bytes, int count) {
  // Room for data: the budget less the chunk's own fields and a generous
  // allowance for the data's length prefix.
  const size_t budget = outbox.body_budget();
  chunk.data.clear();
  absl::StatusOr<PacketWriter> empty = outbox.StartPacket(to_address, chunk);
  if (!empty.ok() || empty->size() + 8 >= budget) return;
  const size_t room = budget - empty->size() - 8;
  for (int i = 0; i < count; ++i) {
    if (chunk.offset >= bytes.size()) break;
    const size_t take = std::min(room, bytes.size() - chunk.offset);
    chunk.data = std::string(bytes.substr(chunk.offset, take));
    absl::StatusOr<PacketWriter> writer = outbox.StartPacket(to_address, chunk);
    if (!writer.ok()) return;
    outbox.Send(to_address, std::move(*writer), MessageTypeIndex<Chunk>());
    chunk.offset += static_cast<uint32_t>(take);
  }
}

}  // namespace swim

#endif  // SWIM_CHUNKED_DOWNLOAD_H_
