#include "tools/version_flag.h"

#include <string>

#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "swim/version.h"

namespace swim::tools {

void SetVersionFlag(absl::string_view program) {
  absl::FlagsUsageConfig config;
  config.version_string = [name = std::string(program)] {
    return absl::StrCat(name, " (swim ", swim::kVersion, ")\n");
  };
  absl::SetFlagsUsageConfig(config);
}

}  // namespace swim::tools
