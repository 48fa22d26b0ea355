#!/usr/bin/env bash
# Tests //tools:swim_sim's handling of bad input: each gets a one-line error
# that names it and a non-zero exit, instead of a run that exits 0.
# Usage: swim_sim_test.sh <swim_sim>
set -euo pipefail

sim="$1"
work="${TEST_TMPDIR:-$(mktemp -d)}"

# Runs swim_sim with the arguments after the expected error text; fails
# unless it exits non-zero with exactly one line on stderr holding that text.
expect_error() {
  local want="$1"
  shift
  if "$sim" --progress=never "$@" >"$work/out" 2>"$work/err"; then
    echo "swim_sim $* exited 0" >&2
    exit 1
  fi
  if [[ "$(wc -l <"$work/err")" != 1 ]] || ! grep -qF -- "$want" "$work/err"; then
    echo "swim_sim $*: wanted one line with '$want', got:" >&2
    cat "$work/err" >&2
    exit 1
  fi
}

expect_error "--duration=-1s: must be positive" --duration=-1s
expect_error "--swarm=-1: must be a count" --swarm=-1
expect_error "--scenario=/tmp: /tmp is a directory" --scenario=/tmp

printf 'nodes 5\nduration 10s\nat 2s crash 1\nat 20s crash 2\n' >"$work/late.txt"
expect_error 'scenario line 4: "crash 2" is at 20s, after the end of the scenario' \
  --scenario="$work/late.txt"
# The default run's actions start at 30s: a shorter --duration cuts them.
expect_error '--duration=10s: scenario line 8: "metadata 5" is at 30s, after the end' \
  --duration=10s

# A scenario within its end still runs.
printf 'nodes 5\nduration 10s\nat 2s crash 1\n' >"$work/ok.txt"
"$sim" --progress=never --scenario="$work/ok.txt" >"$work/out"
grep -q '^digest' "$work/out"
echo PASS
