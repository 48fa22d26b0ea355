#!/usr/bin/env bash
# Tests //tools:swim_real: --help; statements that cannot be done for real
# are refused naming the statement and its line; --check starts nothing;
# a tiny real run (4 nodes, a crash) passes its oracles and leaves no
# namespace behind; SIGTERM mid-run cleans up too. The real parts need
# root and network namespaces; without them they say so and are skipped.
# Usage: swim_real_test.sh <swim_real> <swim_real_node>
set -euo pipefail

real="$1"
node="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
work="${TEST_TMPDIR:-$(mktemp -d)}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

"$real" --help >"$work/help" 2>&1 || true
grep -q -- "--scenario" "$work/help" || fail "--help does not list --scenario"

# expect_refusal WANT STATEMENT: a scenario whose line 4 is STATEMENT is
# refused (exit 2) with one line naming it.
expect_refusal() {
  local want="$1" statement="$2" rc=0
  printf 'nodes 4\nduration 20s\n# line 3\n%s\n' "$statement" >"$work/bad.txt"
  "$real" --scenario="$work/bad.txt" --check >"$work/out" 2>"$work/err" ||
    rc=$?
  ((rc == 2)) || fail "'$statement': exit $rc, wanted 2"
  grep -qF -- "$want" "$work/err" ||
    fail "'$statement': wanted '$want', got: $(cat "$work/err")"
}
expect_refusal 'scenario line 4: `drift 1 +1%`' 'at 5s drift 1 +1%'
expect_refusal 'clog holds datagrams' 'at 5s clog 1 -> 2 for 2s'
expect_refusal 'scenario line 4: `slow 1 1ms`' 'at 5s slow 1 1ms'
expect_refusal 'needs tc netem' 'at 5s duplicate 1%'
expect_refusal 'scenario line 4: `latency`' 'latency 5ms 1ms'
expect_refusal 'scenario line 4: `formed`' 'formed'
expect_refusal 'sends no user messages' 'at 5s broadcast 1'

# A scenario the simulator's parser rejects is rejected the same way.
printf 'nodes 4\nat 5s explode 1\n' >"$work/syntax.txt"
rc=0
"$real" --scenario="$work/syntax.txt" --check >/dev/null 2>"$work/err" ||
  rc=$?
((rc == 2)) || fail "a syntax error: exit $rc, wanted 2"
grep -q "line 2" "$work/err" || fail "syntax error without its line"

cat >"$work/tiny.txt" <<'SCENARIO'
name tiny
nodes 4
duration 14s
at 3s crash 2
at 11s liveness
SCENARIO
"$real" --scenario="$work/tiny.txt" --check >"$work/out" ||
  fail "--check refused a playable scenario"
grep -q "can be played for real" "$work/out" || fail "--check said nothing"

# --report is for --compare runs only.
rc=0
"$real" --scenario="$work/tiny.txt" --report="$work/r.html" >/dev/null \
  2>"$work/err" || rc=$?
((rc == 2)) || fail "--report without --compare: exit $rc, wanted 2"
grep -q -- "--report is for --compare" "$work/err" ||
  fail "--report without --compare: $(cat "$work/err")"

if ((EUID != 0)) || ! ip netns add "swimreal-test-$$" 2>/dev/null; then
  echo "SKIPPED: the real runs need root and network namespaces" >&2
  exit 0
fi
ip netns del "swimreal-test-$$"

# The tiny run: the crash is seen OFFLINE everywhere and every oracle
# passes.
rc=0
"$real" --scenario="$work/tiny.txt" --node_binary="$node" \
  --work_dir="$work/logs" >"$work/out" 2>"$work/err" || rc=$?
((rc == 0)) || fail "tiny run exit $rc: $(cat "$work/out" "$work/err")"
grep -q "^crashes *1 crash, 1 of them seen OFFLINE by every live node" "$work/out" ||
  fail "the crash was not detected: $(cat "$work/out")"
grep -q "all passed" "$work/out" || fail "oracles: $(cat "$work/out")"
grep -q " event n2 " "$work/logs/n0.log" || fail "n0 logged nothing about n2"
# Its namespace is gone (named after its pid, which we do not know here:
# none of the swimreal-<pid> namespaces may belong to a finished run).
for ns in $(ip netns list | awk '{print $1}' | grep '^swimreal-[0-9]*$' || true); do
  pid="${ns#swimreal-}"
  kill -0 "$pid" 2>/dev/null || fail "namespace $ns left behind"
done

# --compare --report: the table, and a page with the simulator's band
# and the real run's curve on the same axes.
rc=0
"$real" --scenario="$work/tiny.txt" --node_binary="$node" --compare \
  --runs=1 --sim_seeds=3 --report="$work/compare.html" >"$work/out" \
  2>"$work/err" || rc=$?
((rc == 0)) || fail "compare exit $rc: $(cat "$work/out" "$work/err")"
grep -q "^OFFLINE at observer p50 (ms)" "$work/out" ||
  fail "no comparison table: $(cat "$work/out")"
grep -q "<polygon" "$work/compare.html" || fail "no simulator band"
grep -q ">real run 1</text>" "$work/compare.html" || fail "no real curve"
grep -q ">simulator p10-p90 (3 seeds)</text>" "$work/compare.html" ||
  fail "the band is not named"

# SIGTERM mid-run: exit 130, nodes and namespace gone.
"$real" --scenario="$work/tiny.txt" --node_binary="$node" \
  >"$work/out" 2>"$work/err" &
runner=$!
sleep 3
ns="swimreal-${runner}"
ip netns list | grep -q "^${ns}\b" || fail "no namespace ${ns} during the run"
kill -TERM "$runner"
rc=0
wait "$runner" || rc=$?
((rc == 130)) || fail "SIGTERM: exit $rc, wanted 130: $(cat "$work/err")"
if ip netns list | grep -q "^${ns}\b"; then
  fail "namespace ${ns} left after SIGTERM"
fi
echo PASS
