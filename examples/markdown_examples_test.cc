// Keeps the READMEs' code in step with the example files CI builds and runs.
//
// A Markdown file names the file a code block shows with a comment on the
// line before the block:
//
//   <!-- example: examples/getting_started.cc -->          the whole file
//   <!-- example: examples/getting_started.cc#start -->    one region
//
// A region is the lines between "// [START start]" and "// [END start]" (or
// "# [START ...]" in other files), less their common indentation. The block
// must equal the file or region exactly, and every C++ block of a checked
// Markdown file must name its file.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace {

const char* const kMarkdownFiles[] = {"README.md", "net/README.md"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> Lines(absl::string_view text) {
  absl::ConsumeSuffix(&text, "\n");
  return absl::StrSplit(text, '\n');
}

// The region's lines, or the whole file when region is empty.
std::vector<std::string> Example(const std::string& path,
                                 const std::string& region) {
  std::vector<std::string> lines = Lines(ReadFile(path));
  if (region.empty()) return lines;
  std::vector<std::string> out;
  bool inside = false;
  bool found = false;
  for (const std::string& line : lines) {
    absl::string_view t = absl::StripLeadingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&t, "// ") || absl::ConsumePrefix(&t, "# ")) {
      if (t == absl::StrCat("[START ", region, "]")) {
        inside = found = true;
        continue;
      }
      if (t == absl::StrCat("[END ", region, "]")) {
        inside = false;
        continue;
      }
    }
    if (inside) out.push_back(line);
  }
  EXPECT_TRUE(found) << path << " has no region " << region;
  size_t indent = std::string::npos;
  for (const std::string& line : out) {
    size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos && first < indent) indent = first;
  }
  for (std::string& line : out) {
    line = line.size() >= indent ? line.substr(indent) : "";
  }
  return out;
}

TEST(MarkdownExamplesTest, CodeBlocksShowTheExampleFiles) {
  int checked = 0;
  for (const char* markdown : kMarkdownFiles) {
    std::vector<std::string> lines = Lines(ReadFile(markdown));
    std::string pending;  // the file#region named by the last marker
    for (size_t i = 0; i < lines.size(); ++i) {
      absl::string_view line = lines[i];
      if (absl::ConsumePrefix(&line, "<!-- example: ") &&
          absl::ConsumeSuffix(&line, " -->")) {
        pending = std::string(line);
        continue;
      }
      if (!absl::StartsWith(line, "```")) {
        if (!absl::StripAsciiWhitespace(line).empty()) pending.clear();
        continue;
      }
      absl::string_view language = absl::string_view(line).substr(3);
      size_t end = i + 1;
      while (end < lines.size() && !absl::StartsWith(lines[end], "```")) ++end;
      std::vector<std::string> block(lines.begin() + i + 1,
                                     lines.begin() + end);
      const std::string where = absl::StrCat(markdown, ":", i + 1);
      if (pending.empty()) {
        EXPECT_FALSE(language == "c++" || language == "cpp" || language == "cc")
            << where << ": a C++ block that names no example file";
      } else {
        std::vector<std::string> parts = absl::StrSplit(pending, '#');
        const std::string region = parts.size() > 1 ? parts[1] : "";
        EXPECT_EQ(absl::StrJoin(block, "\n"),
                  absl::StrJoin(Example(parts[0], region), "\n"))
            << where << " differs from " << pending;
        ++checked;
      }
      pending.clear();
      i = end;
    }
  }
  EXPECT_GT(checked, 0);
}

}  // namespace
