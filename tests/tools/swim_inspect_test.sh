#!/usr/bin/env bash
# End-to-end checks of the datagram inspector: it takes the cluster secret
# as the nodes do, decodes what it should, and rejects with the right reason
# and exit status what it should not; capture and relay modes against real
# swim_demo processes.
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
printf '\x0e\x01a\x00' >"$tmp/bad-body.bin"  # 14: no such type
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

# The demo's own secret, as the nodes take it: every datagram decodes. A
# version 1 demo sends only its join syncs to a peer that never answers (a
# version 2 one follows some with an announcement, checked below).
capture good --count=2 --json --secret="$secret"
SWIM_SECRET="$secret" "$demo" "${demo_flags[@]}" --protocol_version_max=1 \
  --peer="127.0.0.1:$port" \
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

# A version 2 demo (the default) follows its first join sync to a peer of
# unknown version with a version 2 announcement, its own Alive with its
# range: the capture decodes both.
capture v2 --count=2 --json --secret="$secret"
SWIM_SECRET="$secret" "$demo" "${demo_flags[@]}" --peer="127.0.0.1:$port" \
  >/dev/null 2>&1 &
demo_pid=$!
pids+=("$demo_pid")
wait "$capture_pid" || fail "capture exited $?"
kill -INT "$demo_pid"
wait "$demo_pid" || true
# (in version 1, which carries no request stamp: stamp=0)
sed -n 1p "$work/v2.out" | grep -q '"message":"sync reply_wanted=yes stamp=0"' ||
  fail "no join sync first: $(cat "$work/v2.out")"
sed -n 2p "$work/v2.out" |
  grep -q '"message":"gossip","updates":\["alive .* protocol=1..2"' ||
  fail "no version 2 announcement: $(cat "$work/v2.out")"
# Relay mode between two real nodes: X's seed is the relay, which forwards
# to B; B's answer comes back through it. Both directions print decoded.
SWIM_SECRET="$secret" "$demo" "${demo_flags[@]}" >"$work/b.out" 2>&1 &
pids+=($!)
wait_for "grep -q '(local)' $work/b.out"
b_name="$(grep -m1 '(local)' "$work/b.out" | cut -d' ' -f2)"
"$inspect" --listen=127.0.0.1:0 --relay_to="$b_name" --count=6 --json \
  --duration=20s --secret="$secret" >"$work/relay.out" 2>"$work/relay.err" &
relay_pid=$!
pids+=("$relay_pid")
wait_for "grep -q 'listening on 127.0.0.1:[0-9]*, relaying to $b_name' $work/relay.err"
port="$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\),.*/\1/p' "$work/relay.err")"
# (A join retry only after 2 s. Each side follows its first datagram to the
# other, a peer of unknown version, with a version 2 announcement; B
# answers the join only after X acks its challenge ping, since the relay's
# address is not validated yet: six datagrams cover it.)
SWIM_SECRET="$secret" "$demo" "${demo_flags[@]}" --peer="127.0.0.1:$port" \
  --join_retry=2s --join_retry_max=2s >"$work/x.out" 2>&1 &
x_pid=$!
pids+=("$x_pid")
wait "$relay_pid" || fail "relay exited $?"
wait_for "grep -q '(local)' $work/x.out"
x_name="$(grep -m1 '(local)' "$work/x.out" | cut -d' ' -f2)"
# X reached B through the relay and took it in.
wait_for "grep -q '^[0-9:.]* $b_name online' $work/x.out"
kill -INT "$x_pid"
grep -q "^{\"direction\":\"forward\",\"to\":\"$b_name\",\"from\":\"$x_name\",\"bytes\":[0-9]*,\"key_id\":\"2cde12fc\",.*\"message\":\"sync reply_wanted=yes stamp=0\"" "$work/relay.out" ||
  fail "no decoded forward line: $(cat "$work/relay.out")"
grep "^{\"direction\":\"reply\",\"to\":\"$x_name\",\"from\":\"$b_name\",\"bytes\":[0-9]*,\"key_id\":\"2cde12fc\",.*\"message\":\"sync reply_wanted=no stamp=0\"" "$work/relay.out" >"$work/reply.line" ||
  fail "no decoded reply line: $(cat "$work/relay.out")"
grep -qF "\"updates\":[\"alive \\\"$b_name\\\"" "$work/reply.line" ||
  fail "B's reply does not list B: $(cat "$work/relay.out")"
grep -q 'relayed [0-9]* datagrams to .* and [0-9]* back; 1 flows' "$work/relay.err" ||
  fail "no summary: $(cat "$work/relay.err")"
# As text, with the direction as an arrow; a wrong secret still relays
# (the relay forwards whatever it gets) and says why a node drops it.
"$inspect" --listen=127.0.0.1:0 --relay_to="$b_name" --count=4 \
  --duration=20s --secret='not the demo secret' >"$work/relay2.out" \
  2>"$work/relay2.err" &
relay_pid=$!
pids+=("$relay_pid")
wait_for "grep -q 'relaying to' $work/relay2.err"
port="$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\),.*/\1/p' "$work/relay2.err")"
SWIM_SECRET="$secret" "$demo" "${demo_flags[@]}" --peer="127.0.0.1:$port" \
  --join_retry=2s --join_retry_max=2s >"$work/y.out" 2>&1 &
y_pid=$!
pids+=("$y_pid")
wait "$relay_pid" || fail "relay exited $?"
kill -INT "$y_pid"
grep -q "^127.0.0.1:[0-9]* -> $b_name [0-9]*B dropped unknown_key: " \
  "$work/relay2.out" || fail "no text forward line: $(cat "$work/relay2.out")"
grep -q "^$b_name -> 127.0.0.1:[0-9]* [0-9]*B dropped unknown_key: " \
  "$work/relay2.out" || fail "no text reply line: $(cat "$work/relay2.out")"
expect 1 'relay_to needs --listen' -- --secret="$secret" \
  --relay_to=127.0.0.1:9
expect 1 'relay_to=nonsense' -- --secret="$secret" --listen=127.0.0.1:0 \
  --relay_to=nonsense

# --duration bounds a quiet capture.
SWIM_SECRET="$secret" "$inspect" --listen=127.0.0.1:0 --duration=300ms \
  >"$work/quiet.out" 2>/dev/null || fail "quiet capture exited $?"
[[ ! -s "$work/quiet.out" ]] || fail "quiet capture printed $(cat "$work/quiet.out")"
expect 1 'listen=nonsense' -- --secret="$secret" --listen=nonsense
expect 1 'duration must be positive' -- --secret="$secret" \
  --listen=127.0.0.1:0 --duration=0s

echo "swim_inspect: all checks passed"
