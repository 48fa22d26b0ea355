#ifndef TOOLS_VERSION_FLAG_H_
#define TOOLS_VERSION_FLAG_H_

#include "absl/strings/string_view.h"

namespace swim::tools {

// Makes Abseil's built-in --version flag print "PROGRAM (swim VERSION)" and
// exit 0. Call it before absl::ParseCommandLine.
void SetVersionFlag(absl::string_view program);

}  // namespace swim::tools

#endif  // TOOLS_VERSION_FLAG_H_
