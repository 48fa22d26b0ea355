#include "sim/trace.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace swim::sim {
namespace {

// splitmix64's finaliser: a strong, cheap 64-bit mixer.
uint64_t Finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

absl::string_view TraceKindName(TraceKind kind) {
  switch (kind) {
    case TraceKind::kSend:
      return "send";
    case TraceKind::kDrop:
      return "drop";
    case TraceKind::kDeliver:
      return "deliver";
    case TraceKind::kEvent:
      return "event";
    case TraceKind::kFault:
      return "fault";
    case TraceKind::kLost:
      return "lost";
    case TraceKind::kDelivery:
      return "delivery";
    case TraceKind::kMerge:
      return "state_merge";
  }
  return "?";
}

uint64_t PayloadHash(absl::string_view bytes) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ bytes.size();
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word = 0;
    for (int b = 7; b >= 0; --b) {
      word = (word << 8) | static_cast<uint8_t>(bytes[i + b]);
    }
    h = (h ^ word) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  for (size_t j = bytes.size(); j > i; --j) {
    tail = (tail << 8) | static_cast<uint8_t>(bytes[j - 1]);
  }
  return Finalize(h ^ tail);
}

void Trace::Mix(uint64_t v) {
  digest_ = Finalize(digest_ ^ v) + 0x9e3779b97f4a7c15ULL;
}

void Trace::Record(TraceKind kind, SimTime at,
                   std::initializer_list<uint64_t> args) {
  ++records_;
  Mix(static_cast<uint64_t>(kind));
  Mix(static_cast<uint64_t>(at));
  for (uint64_t a : args) Mix(a);
  if (sink_ != nullptr) {
    std::string line = absl::StrCat(at, " ", TraceKindName(kind));
    for (uint64_t a : args) absl::StrAppend(&line, " ", a);
    line.push_back('\n');
    sink_->write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

void Trace::Note(SimTime at, absl::string_view text) {
  if (sink_ == nullptr) return;
  const std::string line = absl::StrCat(at, " # ", text, "\n");
  sink_->write(line.data(), static_cast<std::streamsize>(line.size()));
}

std::string Trace::DigestHex() const {
  return absl::StrFormat("%016x", digest_);
}

}  // namespace swim::sim
