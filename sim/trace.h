// The digest of a run's full event trace, and its optional text form.
//
// Every datagram sent, dropped and delivered, every membership event and
// every fault feeds a 64-bit digest built from integers only (no absl::Hash,
// which is salted per process), so two runs of the same command print the
// same digest on any build. With a sink, each record is also written as a
// line of text (--trace=FILE):
//
//   Trace trace;
//   trace.set_sink(&file);  // optional
//   trace.Record(TraceKind::kSend, now, {from, to, size, PayloadHash(bytes)});
//   std::string hex = trace.DigestHex();
#ifndef SIM_TRACE_H_
#define SIM_TRACE_H_

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "sim/sim_time.h"

namespace swim::sim {

enum class TraceKind : uint8_t {
  kSend = 1,      // from, to, bytes, payload hash
  kDrop = 2,      // from, to, DropCause
  kDeliver = 3,   // to, from, bytes
  kEvent = 4,     // observer, member, previous, current, incarnation, flags
  kFault = 5,     // fault code, arguments
  kLost = 6,      // to, from: arrived at a crashed or paused (dropping) node
  kDelivery = 7,  // node, from, kind, version, payload hash (user traffic)
  kMerge = 8,     // node, from, join, version, state hash (app state)
};

absl::string_view TraceKindName(TraceKind kind);

// A 64-bit hash of bytes, stable across builds and platforms.
uint64_t PayloadHash(absl::string_view bytes);

class Trace {
 public:
  void set_sink(std::ostream* sink) { sink_ = sink; }
  void Record(TraceKind kind, SimTime at, std::initializer_list<uint64_t> args);
  // Text-only annotation (not part of the digest), e.g. fault descriptions.
  void Note(SimTime at, absl::string_view text);

  uint64_t digest() const { return digest_; }
  std::string DigestHex() const;
  uint64_t records() const { return records_; }

 private:
  void Mix(uint64_t v);

  uint64_t digest_ = 0x5357494d53494d31;  // "SWIMSIM1"
  uint64_t records_ = 0;
  std::ostream* sink_ = nullptr;
};

}  // namespace swim::sim

#endif  // SIM_TRACE_H_
