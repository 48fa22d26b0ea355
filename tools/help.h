// --help for swim's programs. Abseil's own --help lists only the flags of
// the file that holds main() (so a node program's --name, --peer and
// --secret hide behind --helpfull) and exits 1; HandleHelp lists the
// program's flags and the shared node flags it takes, and exits 0.
//
//   int main(int argc, char** argv) {
//     absl::SetProgramUsageMessage("The swim demo ...");
//     swim::tools::HandleHelp(argc, argv, {{"Flags", "tools/swim_demo.cc"},
//                                          swim::tools::kNodeFlags,
//                                          swim::tools::kSecretFlags});
//     swim::net::ParseNodeCommandLine(argc, argv);
#ifndef TOOLS_HELP_H_
#define TOOLS_HELP_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace swim::tools {

// A heading and the source file whose flags it lists.
struct HelpSection {
  absl::string_view title;
  absl::string_view file;  // as the flags' Filename() ends, e.g. "net/x.cc"
};

// The sections of the flags every node program takes.
inline constexpr HelpSection kNodeFlags = {"Node flags (net/node_flags.h)",
                                           "net/node_flags.cc"};
inline constexpr HelpSection kSecretFlags = {
    "Secret and cluster flags (net/secret_flags.h)", "net/secret_flags.cc"};

// The program's usage message, then each section's flags (name, default,
// help), sorted by name.
std::string HelpText(absl::Span<const HelpSection> sections);

// If argv (before any "--") holds --help, -help or -h: prints HelpText on
// stdout and exits 0. Otherwise returns.
void HandleHelp(int argc, char** argv, absl::Span<const HelpSection> sections);

}  // namespace swim::tools

#endif  // TOOLS_HELP_H_
