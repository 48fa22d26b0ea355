#include "swim/chunked_download.h"

namespace swim {

ChunkedDownload::Step ChunkedDownload::Take(
    uint64_t chunk_version, uint32_t chunk_total_size, uint32_t offset,
    absl::string_view bytes, size_t max_bytes, int chunks_per_request,
    absl::Time next_deadline) {
  if (chunk_version != version || bytes.empty() || offset != data.size() ||
      chunk_total_size > max_bytes ||
      (size_fixed && chunk_total_size != total_size) ||
      uint64_t{offset} + bytes.size() > chunk_total_size) {
    return Step::kRejected;
  }
  total_size = chunk_total_size;
  data.append(bytes.data(), bytes.size());
  deadline = next_deadline;
  attempts = 0;
  if (chunk_bytes == 0) chunk_bytes = static_cast<uint32_t>(bytes.size());
  if (data.size() >= total_size) return Step::kComplete;
  const uint64_t window_end =
      uint64_t{window_start} +
      uint64_t{chunk_bytes} * static_cast<uint64_t>(chunks_per_request);
  return data.size() >= window_end ? Step::kAskMore : Step::kWait;
}

}  // namespace swim
