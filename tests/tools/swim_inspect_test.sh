#!/usr/bin/env bash
# End-to-end checks of the datagram inspector: it decodes what it should,
# and rejects with the right reason and exit status what it should not.
set -euo pipefail

inspect="$1"
key='an example key: never use it'
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect STATUS PATTERN -- ARGS...: runs the inspector on $input.
expect() {
  local want_status="$1" pattern="$2"
  shift 3
  local status=0
  "$inspect" "$@" <"$input" >"$tmp/out" 2>&1 || status=$?
  [[ "$status" == "$want_status" ]] ||
    fail "exit $status, want $want_status for $*: $(cat "$tmp/out")"
  grep -q -- "$pattern" "$tmp/out" ||
    fail "no '$pattern' in the output for $*: $(cat "$tmp/out")"
}

"$inspect" --demo >"$tmp/demo" || fail "--demo exited $?"
grep -q 'message: ping seq=42' "$tmp/demo" || fail "--demo did not decode"
sed -n 2p "$tmp/demo" >"$tmp/datagram.hex"
input="$tmp/datagram.hex"

expect 0 'alive "127.0.0.1:2003" inc=3' -- --key="$key" --cluster=demo
expect 0 'suspect "127.0.0.1:2004" inc=1' -- --key="$key" --cluster=demo
expect 2 'drop reason: auth_failed' -- --key="$key" --cluster=prod
expect 2 'hint: ' -- --key="$key" --cluster=prod
expect 2 'drop reason: unknown_key' -- --key='another sixteen-byte key' --cluster=demo
# The second key of a ring opens it too.
expect 0 'authenticated' -- --key='another sixteen-byte key' \
  --key_hex="$(printf '%s' "$key" | od -An -tx1 | tr -d ' \n')" --cluster=demo
expect 2 'drop reason: not_encrypted' -- --key="$key" --cluster=demo \
  --require_encryption
expect 2 'drop reason: oversized' -- --key="$key" --cluster=demo \
  --max_datagram_bytes=100

# A key file with a trailing newline.
printf '%s\n' "$key" >"$tmp/key"
expect 0 'authenticated' -- --key_file="$tmp/key" --cluster=demo

# Damaged input.
head -c 40 "$tmp/datagram.hex" >"$tmp/short.hex"
input="$tmp/short.hex"
expect 2 'drop reason: truncated' -- --key="$key"
sed 's/^01/07/' "$tmp/datagram.hex" >"$tmp/version.hex"
input="$tmp/version.hex"
expect 2 'drop reason: bad_version' -- --key="$key"
echo 'not hex at all' >"$tmp/garbage"
input="$tmp/garbage"
expect 1 'is not hex' -- --key="$key"

# Usage errors.
input="$tmp/datagram.hex"
expect 1 'no key' --
expect 1 'at least 16' -- --key=short
expect 1 'max_datagram_bytes' -- --key="$key" --max_datagram_bytes=0
expect 1 'cannot read' -- --key="$key" --file=/nonexistent

# A bare body: the demo's payload is its bytes 18..(end - 16), in clear.
hex=$(cat "$tmp/datagram.hex")
body_hex="${hex:36:$((${#hex} - 36 - 32))}"
# shellcheck disable=SC2001,SC2059 # sed pairs hex digits; the format is the bytes
printf "$(sed 's/../\\x&/g' <<<"$body_hex")" >"$tmp/body.bin"
expect 0 'message: ping seq=42' -- --body --file="$tmp/body.bin"
printf '\x0a\x01a\x00' >"$tmp/bad-body.bin"
expect 2 'drop reason: unknown_type' -- --body --file="$tmp/bad-body.bin"

echo "swim_inspect: all checks passed"
