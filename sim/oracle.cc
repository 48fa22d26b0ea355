#include "sim/oracle.h"

#include <cstddef>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace swim::sim {

void Oracle::Report(SimTime at, std::string detail) {
  ++violation_count_;
  if (violations_.size() < kMaxKept) {
    violations_.push_back(
        Violation{std::string(name()), at, std::move(detail)});
  }
}

std::string ListSome(const std::vector<std::string>& names, size_t limit) {
  if (names.size() <= limit) return absl::StrJoin(names, ", ");
  std::vector<std::string> head(
      names.begin(), names.begin() + static_cast<std::ptrdiff_t>(limit));
  return absl::StrCat(absl::StrJoin(head, ", "), " ... (", names.size() - limit,
                      " more)");
}

}  // namespace swim::sim
