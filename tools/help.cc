#include "tools/help.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace swim::tools {
namespace {

constexpr size_t kWidth = 80;
constexpr absl::string_view kIndent = "      ";

// `text` wrapped at kWidth, each line indented.
std::string Wrapped(absl::string_view text) {
  std::string out;
  std::string line(kIndent);
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (line.size() > kIndent.size() &&
        line.size() + 1 + word.size() > kWidth) {
      absl::StrAppend(&out, line, "\n");
      line = std::string(kIndent);
    }
    if (line.size() > kIndent.size()) line += ' ';
    absl::StrAppend(&line, word);
  }
  absl::StrAppend(&out, line, "\n");
  return out;
}

}  // namespace

std::string HelpText(absl::Span<const HelpSection> sections) {
  std::string out = absl::StrCat(absl::ProgramUsageMessage(), "\n");
  std::vector<const absl::CommandLineFlag*> all;
  for (const auto& [name, flag] : absl::GetAllFlags()) all.push_back(flag);
  std::sort(all.begin(), all.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  for (const HelpSection& section : sections) {
    absl::StrAppend(&out, "\n", section.title, ":\n");
    for (const absl::CommandLineFlag* flag : all) {
      if (!absl::EndsWith(flag->Filename(), section.file)) continue;
      std::string value = flag->DefaultValue();
      if (value.empty()) value = "\"\"";
      absl::StrAppend(&out, "  --", flag->Name(), " (default: ", value, ")\n",
                      Wrapped(flag->Help()));
    }
  }
  absl::StrAppend(&out,
                  "\n--helpfull lists every flag, Abseil's own included.\n");
  return out;
}

void HandleHelp(int argc, char** argv, absl::Span<const HelpSection> sections) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") return;
    if (arg == "--help" || arg == "-help" || arg == "-h") {
      const std::string text = HelpText(sections);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
      std::exit(0);
    }
  }
}

}  // namespace swim::tools
