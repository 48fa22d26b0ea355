#!/usr/bin/env bash
# Checks that swim's version is the same everywhere: swim/version.h (where it
# is set), MODULE.bazel's module version, CHANGELOG.md's newest release, and
# what every tool given as an argument prints for --version.
set -euo pipefail

fail() {
  echo "version_test: $*" >&2
  exit 1
}

version=$(sed -n 's/^inline constexpr char kVersion\[\] = "\(.*\)";$/\1/p' \
  swim/version.h)
[[ -n $version ]] || fail "no kVersion in swim/version.h"

module=$(awk '/^module\(/ { inside = 1 } inside && /^ *version = "/ {
  gsub(/.*version = "|".*/, ""); print; exit } inside && /^\)/ { exit }' \
  MODULE.bazel)
[[ $module == "$version" ]] ||
  fail "MODULE.bazel says '$module', swim/version.h '$version'"

changelog=$(sed -n 's/^## \[\([0-9][^]]*\)\].*/\1/p' CHANGELOG.md | head -n 1)
[[ $changelog == "$version" ]] ||
  fail "CHANGELOG.md's newest release is '$changelog', swim/version.h '$version'"

for tool in "$@"; do
  got=$("$tool" --version) || fail "$tool --version exited $?"
  want="$(basename "$tool") (swim $version)"
  [[ $got == "$want" ]] || fail "$tool --version printed '$got', want '$want'"
done
echo "version $version everywhere"
