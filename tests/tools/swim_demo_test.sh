#!/usr/bin/env bash
# Tests //tools:swim_demo in line mode: two processes on 127.0.0.1 see each
# other, the token changes even without --metadata, Ctrl-C leaves
# gracefully, a seed that never answers gets a one-line warning, and bad
# flags (a negative --token_interval, a secret file over 64 KiB) get a
# one-line error naming them.
# Usage: swim_demo_test.sh <swim_demo>
set -euo pipefail

demo="$1"
# shellcheck source=tests/testing/process_harness.sh
source tests/testing/process_harness.sh swim_demo

export SWIM_SECRET=demo-test-secret
flags=(--probe_interval=200ms --probe_timeout=100ms --join_retry=100ms
  --token_interval=500ms --leave_linger=400ms)
"$demo" --name=127.0.0.1:0 --metadata=name=one "${flags[@]}" >"$work/a.out" &
pids+=($!)
wait_for "grep -q '(local)' $work/a.out"
a_name="$(grep -m1 '(local)' "$work/a.out" | cut -d' ' -f2)"
# B starts without metadata: its token must change all the same.
"$demo" --name=127.0.0.1:0 --peer="$a_name" "${flags[@]}" >"$work/b.out" \
  2>"$work/b.err" &
b_pid=$!
pids+=("$b_pid")
wait_for "grep -q '(local)' $work/b.out"
b_name="$(grep -m1 '(local)' "$work/b.out" | cut -d' ' -f2)"

wait_for "grep -q '^[0-9:.]* $b_name online .*token=' $work/a.out"
wait_for "grep -q '^[0-9:.]* $a_name online .*name=one token=' $work/b.out"

kill -INT "$b_pid"
wait "$b_pid"
wait_for "grep -q '^[0-9:.]* $b_name offline (left)' $work/a.out"
# B's seed answered: no warning.
if grep -q warning "$work/b.err"; then exit 1; fi

# A seed peer that never answers (nothing listens on the discard port of
# the loopback): one warning line after three join retries, then quiet.
"$demo" --name=127.0.0.1:0 --peer=127.0.0.1:9 "${flags[@]}" \
  --join_retry_max=200ms >"$work/c.out" 2>"$work/c.err" &
c_pid=$!
pids+=("$c_pid")
wait_for "grep -q 'no seed peer answered within 3 join retries' $work/c.err"
sleep 1
kill -INT "$c_pid"
wait "$c_pid"
[[ "$(grep -c warning "$work/c.err")" == 1 ]]

for bad in --name=nope --peer=127.0.0.1:99999 --probe_timeout=5s \
  --token_interval=-5s --secret_file=/dev/zero; do
  if "$demo" --name=127.0.0.1:0 "$bad" 2>"$work/err"; then exit 1; fi
  [[ "$(wc -l <"$work/err")" == 1 ]]
done
# The last two name what was wrong: a negative interval used to mean
# "never", and /dev/zero was read until std::bad_alloc.
if "$demo" --name=127.0.0.1:0 --token_interval=-5s 2>"$work/err"; then exit 1; fi
grep -q -- '--token_interval=-5s: must be 0 (never) or a positive' "$work/err"
if "$demo" --name=127.0.0.1:0 --secret_file=/dev/zero 2>"$work/err"; then
  exit 1
fi
grep -q '/dev/zero: longer than 65536 bytes' "$work/err"
if env -u SWIM_SECRET "$demo" --name=127.0.0.1:0 2>"$work/err"; then exit 1; fi
grep -q SWIM_SECRET "$work/err"
echo PASS
