#!/usr/bin/env bash
# Tests //tools:swim_sync: two processes on 127.0.0.1 mirror the cluster
# into folders; metadata files, status links, SIGHUP, the on-update hook and
# a graceful leave. Usage: swim_sync_test.sh <swim_sync>
set -euo pipefail

sync_tool="$1"
# shellcheck source=tests/testing/process_harness.sh
source tests/testing/process_harness.sh swim_sync

export SWIM_SECRET=sync-test-secret
timing=(--probe_interval=200ms --probe_timeout=100ms --join_retry=100ms
  --leave_linger=400ms)
cat >"$work/hook" <<HOOK
#!/bin/sh
echo "\$1 \$2 \$3" >>"$work/hook.log"
HOOK
chmod +x "$work/hook"

"$sync_tool" --dir="$work/a" --name=127.0.0.1:0 --metadata=name=a \
  --metadata=a/b=slash "${timing[@]}" --on_update="$work/hook" &
pids+=($!)
wait_for "[[ -L $work/a/local ]]"
a_name="$(basename "$(readlink "$work/a/local")")"
"$sync_tool" "$work/b" --name=127.0.0.1:0 --peer="$a_name" "${timing[@]}" &
b_pid=$!
pids+=("$b_pid")
wait_for "[[ -L $work/b/local ]]"
b_name="$(basename "$(readlink "$work/b/local")")"

# Each sees both online, with A's metadata (keys escaped as file names).
wait_for "[[ -L $work/a/online/$b_name && -L $work/b/online/$a_name ]]"
wait_for "[[ -f $work/b/members/$a_name/name ]]"
[[ "$(cat "$work/b/members/$a_name/name")" == a ]]
[[ "$(cat "$work/b/members/$a_name/a%2Fb")" == slash ]]
[[ "$(readlink "$work/b/online/$a_name")" == "../members/$a_name" ]]

# SIGHUP publishes B's edited folder as its metadata.
printf 'blue' >"$work/b/members/$b_name/color"
kill -HUP "$b_pid"
wait_for "[[ -f $work/a/members/$b_name/color ]]"
[[ "$(cat "$work/a/members/$b_name/color")" == blue ]]

# No temporary file is left behind.
if find "$work/a" "$work/b" -name '.swim-tmp-*' | grep -q .; then
  echo "FAIL: temporary files left" >&2
  exit 1
fi

# The hook ran with name, status and folder.
wait_for "grep -q '^$b_name online $work/a/members/$b_name\$' $work/hook.log"

# Ctrl-C leaves gracefully: A moves B to offline.
kill -INT "$b_pid"
wait "$b_pid"
wait_for "[[ -L $work/a/offline/$b_name && ! -e $work/a/online/$b_name ]]"
wait_for "grep -q '^$b_name offline ' $work/hook.log"

# Errors name what is wrong.
if "$sync_tool" --name=127.0.0.1:0 2>"$work/err"; then exit 1; fi
grep -q -- '--dir' "$work/err"
echo PASS
