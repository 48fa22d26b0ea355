#ifndef SWIM_VERSION_H_
#define SWIM_VERSION_H_

namespace swim {

// swim's version (semantic versioning). This is the one place it is set:
// MODULE.bazel's module version and the newest release in CHANGELOG.md say
// the same, which //tools:version_test checks, and every tool prints it with
// --version.
inline constexpr char kVersion[] = "0.1.0";

}  // namespace swim

#endif  // SWIM_VERSION_H_
