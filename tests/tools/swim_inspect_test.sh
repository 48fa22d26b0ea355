#!/usr/bin/env bash
# End-to-end checks of the datagram inspector: it takes the cluster secret
# as the nodes do, decodes what it should, and rejects with the right reason
# and exit status what it should not.
set -euo pipefail

inspect="$1"
demo="$2"
# The README's demo secret (14 bytes: too short as a raw key) and the key
# the nodes derive from it, SHA-256("swim secret v1" || secret).
secret='my-demo-secret'
key_hex="$(printf 'swim secret v1%s' "$secret" | sha256sum | cut -d' ' -f1)"
unset SWIM_SECRET SWIM_SECRET_FILE
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

# The secret, every way the nodes take it.
expect 0 'alive "127.0.0.1:2003" inc=3' -- --secret="$secret"
expect 0 'suspect "127.0.0.1:2004" inc=1' -- --secret="$secret"
printf '%s\n' "$secret" >"$tmp/secret"
expect 0 'authenticated' -- --secret_file="$tmp/secret"
SWIM_SECRET_FILE="$tmp/secret" expect 0 'authenticated' --
SWIM_SECRET="$secret" expect 0 'authenticated' --
# --secret wins over the environment, as for the nodes.
SWIM_SECRET="$secret" expect 2 'drop reason: unknown_key' -- \
  --secret='another secret'
SWIM_SECRET_FILE=/nonexistent expect 1 'SWIM_SECRET_FILE=/nonexistent' --
expect 1 '--secret_file=/nonexistent' -- --secret_file=/nonexistent
# The cluster name is part of the key.
expect 2 'drop reason: auth_failed' -- --secret="$secret" --cluster=prod
expect 2 'hint: ' -- --secret="$secret" --cluster=prod
SWIM_SECRET="$secret" expect 2 'drop reason: auth_failed' -- --cluster=prod
expect 2 'drop reason: unknown_key' -- --secret='another secret'
# Raw keys: the derived key as hex opens it; the secret as a raw key is
# too short; the second key of a ring opens it too.
expect 0 'authenticated' -- --key_hex="$key_hex"
expect 1 'at least 16' -- --key="$secret"
expect 0 'authenticated' -- --key='another sixteen-byte key' \
  --secret="$secret"
expect 2 'drop reason: not_encrypted' -- --secret="$secret" \
  --require_encryption
expect 2 'drop reason: oversized' -- --secret="$secret" \
  --max_datagram_bytes=100

# A raw key file with a trailing newline.
printf '%s\n' 'a raw sixteen-byte key' >"$tmp/key"
expect 2 'drop reason: unknown_key' -- --key_file="$tmp/key"

# Damaged input.
head -c 40 "$tmp/datagram.hex" >"$tmp/short.hex"
input="$tmp/short.hex"
expect 2 'drop reason: truncated' -- --secret="$secret"
sed 's/^01/07/' "$tmp/datagram.hex" >"$tmp/version.hex"
input="$tmp/version.hex"
expect 2 'drop reason: bad_version' -- --secret="$secret"
echo 'not hex at all' >"$tmp/garbage"
input="$tmp/garbage"
expect 1 'is not hex' -- --secret="$secret"

# Usage errors.
input="$tmp/datagram.hex"
expect 1 'no key: give the cluster.s secret' --
expect 1 'at least 16' -- --key=short
expect 1 'max_datagram_bytes' -- --secret="$secret" --max_datagram_bytes=0
expect 1 'cannot read' -- --secret="$secret" --file=/nonexistent

# A bare body: the demo's payload is its bytes 18..(end - 16), in clear.
hex=$(cat "$tmp/datagram.hex")
body_hex="${hex:36:$((${#hex} - 36 - 32))}"
# shellcheck disable=SC2001,SC2059 # sed pairs hex digits; the format is the bytes
printf "$(sed 's/../\\x&/g' <<<"$body_hex")" >"$tmp/body.bin"
expect 0 'message: ping seq=42' -- --body --file="$tmp/body.bin"
printf '\x0a\x01a\x00' >"$tmp/bad-body.bin"
expect 2 'drop reason: unknown_type' -- --body --file="$tmp/bad-body.bin"

# Capture mode, against real swim_demo processes that take the inspector
# for their seed peer (so they send it their join syncs).
# shellcheck source=tests/testing/process_harness.sh
source tests/testing/process_harness.sh swim_inspect
demo_flags=(--name=127.0.0.1:0 --join_retry=100ms --join_retry_max=200ms
  --lines)
# capture NAME FLAGS...: starts a capture on a free port; sets $port.
capture() {
  local name="$1"
  shift
  "$inspect" --listen=127.0.0.1:0 --duration=20s "$@" >"$work/$name.out" \
    2>"$work/$name.err" &
  capture_pid=$!
  pids+=("$capture_pid")
  wait_for "grep -q 'listening on 127.0.0.1:' $work/$name.err"
  port="$(sed -n 's/.*listening on 127.0.0.1://p' "$work/$name.err")"
}

# The demo's own secret, as the nodes take it: every datagram decodes.
capture good --count=2 --json --secret="$secret"
SWIM_SECRET="$secret" "$demo" "${demo_flags[@]}" --peer="127.0.0.1:$port" \
  >/dev/null 2>&1 &
demo_pid=$!
pids+=("$demo_pid")
wait "$capture_pid" || fail "capture exited $?"
kill -INT "$demo_pid"
wait "$demo_pid" || true
[[ "$(wc -l <"$work/good.out")" == 2 ]] || fail "$(cat "$work/good.out")"
while read -r line; do
  grep -q '^{"from":"127.0.0.1:[0-9]*","bytes":[0-9]*,"key_id":"2cde12fc","encrypted":false,"sender":"127.0.0.1:[0-9]*","message":"sync reply_wanted=yes stamp=[0-9]*","updates":\["alive ' <<<"$line" ||
    fail "not a decoded join sync: $line"
done <"$work/good.out"

# Another secret: dropped, with the reason, as text.
capture wrong --count=1 --secret="$secret"
SWIM_SECRET='not the demo secret' "$demo" "${demo_flags[@]}" \
  --peer="127.0.0.1:$port" >/dev/null 2>&1 &
demo_pid=$!
pids+=("$demo_pid")
wait "$capture_pid" || fail "capture exited $?"
kill -INT "$demo_pid"
wait "$demo_pid" || true
grep -q '^127.0.0.1:[0-9]* [0-9]*B dropped unknown_key: ' "$work/wrong.out" ||
  fail "no drop line: $(cat "$work/wrong.out")"

# --duration bounds a quiet capture.
SWIM_SECRET="$secret" "$inspect" --listen=127.0.0.1:0 --duration=300ms \
  >"$work/quiet.out" 2>/dev/null || fail "quiet capture exited $?"
[[ ! -s "$work/quiet.out" ]] || fail "quiet capture printed $(cat "$work/quiet.out")"
expect 1 'listen=nonsense' -- --secret="$secret" --listen=nonsense
expect 1 'duration must be positive' -- --secret="$secret" \
  --listen=127.0.0.1:0 --duration=0s

echo "swim_inspect: all checks passed"
