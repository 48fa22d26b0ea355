#include "sim/scenario_cursor.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace swim::sim {

absl::Status LineError(int line, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("scenario line ", line, ": ", message));
}

bool TokenCursor::Consume(absl::string_view word) {
  if (!NextIs(word)) return false;
  ++next_;
  return true;
}

absl::Status TokenCursor::Word(absl::string_view what, absl::string_view& out) {
  if (AtEnd()) return Error(absl::StrCat("expected ", what));
  out = tokens_[next_++];
  return absl::OkStatus();
}

absl::Status TokenCursor::Set(NodeSet& out) {
  absl::string_view word;
  SIM_RETURN_IF_ERROR(Word("a node set", word));
  absl::StatusOr<NodeSet> set = ParseNodeSet(word);
  if (!set.ok()) return Error(set.status().message());
  out = *std::move(set);
  return absl::OkStatus();
}

absl::Status TokenCursor::Arrow() {
  if (!Consume("->")) return Error("expected ->");
  return absl::OkStatus();
}

absl::Status TokenCursor::Duration(SimTime& out) {
  absl::string_view word;
  SIM_RETURN_IF_ERROR(Word("a duration", word));
  absl::StatusOr<SimTime> d = ParseSimDuration(word);
  if (!d.ok()) return Error(d.status().message());
  out = *d;
  return absl::OkStatus();
}

absl::Status TokenCursor::Percent(uint32_t& out) {
  absl::string_view word;
  SIM_RETURN_IF_ERROR(Word("a percentage", word));
  absl::StatusOr<uint32_t> p = ParsePercent(word);
  if (!p.ok()) return Error(p.status().message());
  out = *p;
  return absl::OkStatus();
}

absl::Status TokenCursor::OptionalFor(SimTime& out) {
  out = 0;
  if (!Consume("for")) return absl::OkStatus();
  return Duration(out);
}

absl::Status TokenCursor::End() const {
  if (!AtEnd()) {
    return Error(absl::StrCat("unexpected \"", tokens_[next_], "\""));
  }
  return absl::OkStatus();
}

}  // namespace swim::sim
