// Reads the primitive fields of swim's wire format from untrusted bytes.
//
// Internal to the codec. Every read checks the remaining length first and
// fails with a DropError (swim/drop_reason.h); nothing is allocated beyond
// the bytes actually present.
//
//   WireReader reader(body);
//   uint64_t incarnation;
//   if (absl::Status s = reader.ReadVarint(&incarnation); !s.ok()) return s;
#ifndef SWIM_WIRE_READER_H_
#define SWIM_WIRE_READER_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "swim/drop_reason.h"

namespace swim {
namespace wire {

class WireReader {
 public:
  explicit WireReader(absl::string_view bytes) : rest_(bytes) {}

  size_t remaining() const { return rest_.size(); }
  bool empty() const { return rest_.empty(); }

  absl::Status ReadU8(absl::string_view field, uint8_t* value) {
    if (ABSL_PREDICT_FALSE(rest_.empty())) return Truncated(field);
    *value = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return absl::OkStatus();
  }

  // An unsigned LEB128 varint of at most 10 bytes in its shortest form, so
  // every value has exactly one encoding.
  absl::Status ReadVarint(absl::string_view field, uint64_t* value) {
    // Most varints on the wire (lengths, small counts) are one byte; keep
    // that path small enough to inline.
    if (ABSL_PREDICT_TRUE(!rest_.empty() &&
                          static_cast<uint8_t>(rest_[0]) < 0x80)) {
      *value = static_cast<uint8_t>(rest_[0]);
      rest_.remove_prefix(1);
      return absl::OkStatus();
    }
    return ReadLongVarint(field, value);
  }

  absl::Status ReadVarint32(absl::string_view field, uint32_t* value) {
    uint64_t wide = 0;
    if (absl::Status s = ReadVarint(field, &wide); !s.ok()) return s;
    if (ABSL_PREDICT_FALSE(wide > std::numeric_limits<uint32_t>::max())) {
      return Over32Bits(field, wide);
    }
    *value = static_cast<uint32_t>(wide);
    return absl::OkStatus();
  }

  // Exactly `length` bytes, viewed in the input.
  absl::Status ReadFixedView(absl::string_view field, size_t length,
                             absl::string_view* bytes) {
    if (ABSL_PREDICT_FALSE(length > rest_.size())) return Truncated(field);
    *bytes = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return absl::OkStatus();
  }

  // A length-prefixed byte string of at most `max_bytes`; `bytes` views the
  // input and is valid as long as it is.
  absl::Status ReadBytesView(absl::string_view field, size_t max_bytes,
                             absl::string_view* bytes) {
    uint64_t length = 0;
    if (absl::Status s = ReadVarint(field, &length); !s.ok()) return s;
    if (ABSL_PREDICT_FALSE(length > max_bytes || length > rest_.size())) {
      return BadLength(field, length, max_bytes);
    }
    *bytes = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return absl::OkStatus();
  }

 private:
  // The rare paths, out of line so the common ones inline.
  ABSL_ATTRIBUTE_NOINLINE absl::Status ReadLongVarint(absl::string_view field,
                                                      uint64_t* value) {
    uint64_t result = 0;
    for (size_t i = 0; i < 10; ++i) {
      if (i >= rest_.size()) return Truncated(field);
      const auto byte = static_cast<uint8_t>(rest_[i]);
      if (i == 9 && byte > 1) {
        return DropError(DropReason::kBadValue,
                         absl::StrCat(field, ": varint exceeds 64 bits"));
      }
      result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) {
        if (byte == 0 && i > 0) {
          return DropError(
              DropReason::kBadValue,
              absl::StrCat(field, ": varint not in shortest form"));
        }
        rest_.remove_prefix(i + 1);
        *value = result;
        return absl::OkStatus();
      }
    }
    return DropError(DropReason::kBadValue,
                     absl::StrCat(field, ": varint longer than 10 bytes"));
  }

  ABSL_ATTRIBUTE_NOINLINE absl::Status BadLength(absl::string_view field,
                                                 uint64_t length,
                                                 size_t max_bytes) const {
    if (length > max_bytes) {
      return DropError(DropReason::kBadLength,
                       absl::StrCat(field, ": length ", length,
                                    " exceeds the limit of ", max_bytes));
    }
    return DropError(DropReason::kTruncated,
                     absl::StrCat(field, ": length ", length, " but only ",
                                  rest_.size(), " bytes remain"));
  }

  ABSL_ATTRIBUTE_NOINLINE static absl::Status Over32Bits(
      absl::string_view field, uint64_t value) {
    return DropError(DropReason::kBadValue,
                     absl::StrCat(field, ": ", value, " exceeds 32 bits"));
  }

  ABSL_ATTRIBUTE_NOINLINE static absl::Status Truncated(
      absl::string_view field) {
    return DropError(DropReason::kTruncated,
                     absl::StrCat("datagram ends inside ", field));
  }

  absl::string_view rest_;
};

}  // namespace wire
}  // namespace swim

#endif  // SWIM_WIRE_READER_H_
