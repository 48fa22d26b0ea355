#!/usr/bin/env bash
# --help on every program lists its own flags and the node flags it takes
# (not only under --helpfull) and exits 0.
# Usage: help_test.sh <swim_demo> <swim_sync> <swim_inspect> <swim_sim>
set -euo pipefail

demo="$1" sync="$2" inspect="$3" sim="$4"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_help PROGRAM FLAG...: PROGRAM --help (and -h) exits 0 and lists
# each --FLAG.
expect_help() {
  local program="$1"
  shift
  for help in --help -h; do
    local status=0
    "$program" "$help" >"$tmp/out" 2>"$tmp/err" || status=$?
    [[ "$status" == 0 ]] || fail "$program $help exited $status"
    [[ ! -s "$tmp/err" ]] || fail "$program $help wrote to stderr"
    for flag in "$@"; do
      grep -q -- "^  --$flag (default: " "$tmp/out" ||
        fail "$program $help does not list --$flag: $(cat "$tmp/out")"
    done
  done
}

node_flags=(name address bind peer secret secret_file cluster metadata
  probe_interval join_retry leave_on_exit)
expect_help "$demo" token_interval lines "${node_flags[@]}"
expect_help "$sync" dir on_update "${node_flags[@]}"
expect_help "$inspect" file key key_hex body demo secret secret_file cluster
expect_help "$sim" scenario seed nodes

# The inspector takes no node identity flags.
"$inspect" --help >"$tmp/out"
if grep -q -- '^  --name ' "$tmp/out"; then fail "inspector lists --name"; fi
# --help wins over other flags, even bad ones, and a usage line comes first.
"$demo" --probe_interval=nonsense --help >"$tmp/out" ||
  fail "--help after a bad flag exited $?"
head -1 "$tmp/out" | grep -q 'swim demo' || fail "no usage message first"
# Flags after "--" are not looked at.
if "$inspect" -- --help </dev/null >"$tmp/out" 2>&1; then
  fail "-- --help was taken for --help"
fi
grep -q "unexpected argument '--help'" "$tmp/out" || fail "$(cat "$tmp/out")"
echo "help: all checks passed"
