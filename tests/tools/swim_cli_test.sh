#!/usr/bin/env bash
# Tests //tools:swim against two swim_demo processes on 127.0.0.1 that serve
# a control socket (--control_socket) and metrics (--metrics_address):
# members, stats, keys, metrics, monitor and leave, the socket file's mode
# and removal on exit, and one-line errors with a non-zero exit for a wrong
# socket, the primary key, an unknown key id and a bad subcommand.
# Usage: swim_cli_test.sh <swim> <swim_demo>
set -euo pipefail

swim="$1" demo="$2"
# shellcheck source=tests/testing/process_harness.sh
source tests/testing/process_harness.sh swim_cli
# Bazel's TEST_TMPDIR is too long for a Unix socket's path (108 bytes).
sockets="$(mktemp -d /tmp/swim_cli_test.XXXXXX)"
trap 'cleanup; rm -rf "$sockets"' EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND" >&2' ERR

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# has PATTERN FILE: FILE has a line matching PATTERN.
has() {
  grep -q -- "$1" "$2" || fail "no '$1' in $2: $(cat "$2")"
}

export SWIM_SECRET=cli-test-secret
flags=(--lines --probe_interval=200ms --probe_timeout=100ms --join_retry=100ms
  --token_interval=0 --leave_linger=400ms)
"$demo" --name=127.0.0.1:0 --metadata=name=one "${flags[@]}" \
  --control_socket="$sockets/a.sock" --metrics_address=127.0.0.1:0 \
  >"$work/a.out" 2>"$work/a.err" &
a_pid=$!
pids+=("$a_pid")
wait_for "grep -q '(local)' $work/a.out"
a_name="$(grep -m1 '(local)' "$work/a.out" | cut -d' ' -f2)"
"$demo" --name=127.0.0.1:0 --peer="$a_name" --metadata=name=two "${flags[@]}" \
  --control_socket="$sockets/b.sock" >"$work/b.out" 2>"$work/b.err" &
b_pid=$!
pids+=("$b_pid")
wait_for "grep -q '(local)' $work/b.out"
b_name="$(grep -m1 '(local)' "$work/b.out" | cut -d' ' -f2)"
# Online with its metadata, which may come after the member itself.
wait_for "grep -q '^[0-9:.]* $b_name online .*name=two' $work/a.out"

grep -q "^swim_demo: control socket $sockets/a.sock$" "$work/a.err" ||
  fail "no control socket line: $(cat "$work/a.err")"
[[ "$(stat -c %a "$sockets/a.sock")" == 600 ]] || fail "mode not 0600"

a=(--socket="$sockets/a.sock")
"$swim" "${a[@]}" members >"$work/members"
has "^NAME  *ADDRESS  *STATUS  *INCARNATION  *RTT  *METADATA$" "$work/members"
has "^\*$a_name  *$a_name  *online  *[0-9]*  *-  *name=one$" "$work/members"
has "^$b_name  *$b_name  *online  *[0-9]*  *.*  *name=two$" "$work/members"
# Within a few probes, b's round trip is measured (swim::Node::Rtt).
wait_for "\"$swim\" ${a[*]} members | grep -q '^$b_name .*ms +/-'"
SWIM_CONTROL_SOCKET="$sockets/a.sock" "$swim" members --json >"$work/members.json"
grep -q "\"name\":\"$b_name\",\"address\":\"$b_name\",\"status\":\"online\"" \
  "$work/members.json"
grep -q "\"rtt_ms\":[0-9.]*,\"rttvar_ms\":" "$work/members.json" ||
  fail "no round trip in members --json: $(cat "$work/members.json")"

"$swim" "${a[@]}" stats --json >"$work/stats.json"
has '"members":{"online":2,"suspect":0,"offline":0}' "$work/stats.json"
has '"drops_total":{"truncated":0,' "$work/stats.json"
has '"health_score":[0-9]' "$work/stats.json"
has '"socket_kernel_receive_drops_total":[0-9]' "$work/stats.json"
# (Into files, not `| grep -q`: grep would stop reading at the first match,
# and pipefail would see the writer's SIGPIPE.)
"$swim" "${a[@]}" stats >"$work/stats"
has '^drops_total{auth_failed}  *[0-9]*$' "$work/stats"

"$swim" "${a[@]}" metrics >"$work/metrics"
has '^swim_members{status="online"} 2$' "$work/metrics"
has '^# TYPE swim_drops_total counter$' "$work/metrics"
has '^swim_drops_total{reason="auth_failed"} [0-9]*$' "$work/metrics"
has '^swim_socket_kernel_receive_drops_total [0-9]*$' "$work/metrics"
# The same text over HTTP, on the loopback only.
url="$(sed -n 's/^swim_demo: metrics at //p' "$work/a.err")"
[[ "$url" == http://127.0.0.1:*/metrics ]] || fail "metrics url '$url'"
port="${url##*:}"
exec 3<>"/dev/tcp/127.0.0.1/${port%/metrics}"
printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3
cat <&3 >"$work/http"
exec 3<&-
has '^HTTP/1.1 200 OK' "$work/http"
has '^swim_members{status="online"} 2' "$work/http"

# Keys: the cluster rotates (add on both, use on both, remove on both), with
# the errors on the way.
b=(--socket="$sockets/b.sock")
old_id="$("$swim" "${a[@]}" keys list | sed -n 's/ primary$//p')"
[[ "$old_id" =~ ^[0-9a-f]{8}$ ]] || fail "keys list: '$old_id'"
new_id="$(echo next-secret | "$swim" "${a[@]}" keys add - | sed -n 's/^added key //p')"
[[ "$new_id" =~ ^[0-9a-f]{8}$ ]] || fail "keys add: '$new_id'"
"$swim" "${b[@]}" keys add next-secret | grep -q "^added key $new_id$"
# expect_error WANT ARGS...: swim ARGS fails with one line holding WANT.
expect_error() {
  local want="$1" status=0
  shift
  "$swim" "$@" >"$work/out" 2>"$work/err" || status=$?
  [[ "$status" != 0 ]] || fail "swim $* exited 0"
  [[ "$(wc -l <"$work/err")" == 1 ]] || fail "swim $*: $(cat "$work/err")"
  grep -qF -- "$want" "$work/err" || fail "swim $*: $(cat "$work/err")"
  [[ ! -s "$work/out" ]] || fail "swim $* wrote $(cat "$work/out")"
}
expect_error "swim: keys remove $old_id: cannot remove the primary key" \
  "${a[@]}" keys remove "$old_id"
expect_error "swim: keys use 0badc0de: no key with id 0badc0de" \
  "${a[@]}" keys use 0badc0de
expect_error "key id 'zz'" "${a[@]}" keys use zz
expect_error "swim: control socket $sockets/nope.sock: No such file" \
  --socket="$sockets/nope.sock" members
expect_error "swim: unknown command 'frobnicate'" "${a[@]}" frobnicate
expect_error "swim: keys: unknown subcommand 'rotate'" "${a[@]}" keys rotate
expect_error "swim: members: unexpected argument 'now'" "${a[@]}" members now
expect_error "swim: no control socket: give --socket=PATH" members
for s in a b; do
  "$swim" --socket="$sockets/$s.sock" keys use "$new_id" |
    grep -q "^using key $new_id$"
done
for s in a b; do
  "$swim" --socket="$sockets/$s.sock" keys remove "$old_id" |
    grep -q "^removed key $old_id$"
done
[[ "$("$swim" "${a[@]}" keys list --json)" == \
  "{\"primary\":\"$new_id\",\"keys\":[\"$new_id\"]}" ]]
# Nobody noticed.
if grep -q suspect "$work/a.out" "$work/b.out"; then fail "suspected"; fi

# monitor on A sees B leave (asked through B's socket) as it happens.
"$swim" "${a[@]}" monitor --duration=20s >"$work/monitor.out" &
monitor_pid=$!
pids+=("$monitor_pid")
"$swim" "${a[@]}" monitor --json --duration=20s >"$work/monitor.json.out" &
pids+=($!)
sleep 1  # both subscribed (events are not replayed)
"$swim" "${b[@]}" leave | grep -q "^$b_name left the cluster$"
wait_for "grep -q ' $b_name online -> offline (left) incarnation=' $work/monitor.out"
wait_for "grep -q '\"member\":\"$b_name\",.*\"status\":\"offline\",\"offline_reason\":\"left\"' $work/monitor.json.out"

# Sockets go away with their process.
kill -INT "$b_pid"
wait "$b_pid"
[[ ! -e "$sockets/b.sock" ]] || fail "b.sock left behind"
# A killed process leaves its socket file; the next start replaces it.
kill -KILL "$a_pid"
wait "$a_pid" || true
[[ -S "$sockets/a.sock" ]] || fail "a.sock gone after SIGKILL?"
"$demo" --name=127.0.0.1:0 "${flags[@]}" --control_socket="$sockets/a.sock" \
  >"$work/c.out" 2>"$work/c.err" &
c_pid=$!
pids+=("$c_pid")
wait_for "grep -q '(local)' $work/c.out"
"$swim" "${a[@]}" members >"$work/members"
has online "$work/members"
# A second process on a live socket, or a non-loopback metrics address:
# a one-line error naming it, before joining.
for bad in "--control_socket=$sockets/a.sock" --metrics_address=0.0.0.0:9464; do
  status=0
  "$demo" --name=127.0.0.1:0 "${flags[@]}" "$bad" >/dev/null 2>"$work/err" ||
    status=$?
  [[ "$status" != 0 ]] || fail "$bad accepted"
  [[ "$(wc -l <"$work/err")" == 1 ]] || fail "$bad: $(cat "$work/err")"
done
grep -q "^swim_demo: --metrics_address=0.0.0.0:9464: not a loopback address" \
  "$work/err"

"$swim" --help >"$work/help"
has '^  --socket (default: ' "$work/help"
[[ "$("$swim" --version)" == "swim (swim "*")" ]] || fail "--version"
echo "swim_cli: all checks passed"
