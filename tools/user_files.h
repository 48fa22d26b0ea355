// Files named on a tool's command line. Under `bazel run` a tool runs in
// the runfiles tree, so a relative path is taken relative to where the user
// ran it from (BUILD_WORKING_DIRECTORY); and reading a file says plainly
// what was wrong with it:
//
//   absl::StatusOr<std::string> text =
//       ReadFile(UserPath(absl::GetFlag(FLAGS_scenario)));
//   if (!text.ok()) return Fail(text.status());
//   std::ofstream out(UserPath(absl::GetFlag(FLAGS_json)), std::ios::binary);
#ifndef TOOLS_USER_FILES_H_
#define TOOLS_USER_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace swim::tools {

// `path` as the user meant it: absolute, empty and outside `bazel run`
// unchanged, otherwise under BUILD_WORKING_DIRECTORY.
std::string UserPath(const std::string& path);

// The whole of the file at `path`: InvalidArgument for a directory,
// NotFound if it cannot be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace swim::tools

#endif  // TOOLS_USER_FILES_H_
