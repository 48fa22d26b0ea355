# shellcheck shell=bash
# Shared by the shell tests that start swim programs as processes: a scratch
# folder, background processes killed on exit, and polling for a condition.
#
#   source tests/testing/process_harness.sh swim_demo
#   "$demo" ... >"$work/a.out" 2>&1 &
#   pids+=($!)
#   wait_for "grep -q ONLINE '$work/a.out'"
#
# Sourced with the test's name; defines `work`, `pids` and `wait_for`.

work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/${1:-swim_test}.XXXXXX")"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Polls a shell condition for up to 30 s (a loaded machine is slow); on a
# time-out prints the programs' outputs ($work/*.out) and fails the test.
wait_for() {
  local i
  for ((i = 0; i < 300; i++)); do
    if eval "$1"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: timed out waiting for: $1" >&2
  cat "$work"/*.out >&2 2>/dev/null || true
  exit 1
}
