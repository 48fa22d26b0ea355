#include "net/prometheus_text.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "net/node_metrics.h"

namespace swim::net {
namespace {

// The format escapes backslash and newline in HELP, and also the double
// quote in label values.
std::string Escaped(absl::string_view text, bool quote) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string FormatPrometheusText(absl::Span<const MetricSample> samples) {
  std::string out;
  absl::string_view family;
  for (const MetricSample& s : samples) {
    if (s.family != family) {
      family = s.family;
      absl::StrAppend(&out, "# HELP ", s.family, " ",
                      Escaped(s.help, /*quote=*/false), "\n# TYPE ", s.family,
                      " ", MetricTypeName(s.type), "\n");
    }
    absl::StrAppend(&out, s.family);
    if (!s.label_name.empty()) {
      absl::StrAppend(&out, "{", s.label_name, "=\"",
                      Escaped(s.label_value, /*quote=*/true), "\"}");
    }
    absl::StrAppend(&out, " ", s.value, "\n");
  }
  return out;
}

}  // namespace swim::net
