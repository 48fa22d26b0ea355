// JSON text for what net/ and the tools print: the one place that escapes a
// string for JSON. Bytes outside printable ASCII become \u00XX, so any input
// (a member's metadata is arbitrary bytes) gives valid JSON.
//
//   std::string line = absl::StrCat("{\"name\":", JsonString(name), "}");
#ifndef NET_JSON_TEXT_H_
#define NET_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace swim::net {

// `text` as a quoted JSON string.
std::string JsonString(absl::string_view text);

}  // namespace swim::net

#endif  // NET_JSON_TEXT_H_
