#!/usr/bin/env bash
# interrupt_real.sh COMMAND [ARGS...]: starts a real-backend run of COMMAND, waits until it says
# it is running (its start event printed "real: running"), sends it SIGINT, and passes when it
# reports the interruption: exit status 130 and "interrupted: N of M tasks completed" with N < M.
# The run is long (a million tasks) next to the time a signal takes to arrive; the waiting below
# only bounds how long to wait for the start line, it decides nothing.
set -u
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Job control on: without it, bash starts a background command with SIGINT ignored, and the
# real backend leaves an ignored SIGINT ignored (docs/real_backend.md).
set -m
"$@" >"$out" 2>&1 &
pid=$!
for _ in $(seq 1 6000); do
  grep -q "^real: running" "$out" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.01
done
kill -INT "$pid"
wait "$pid"
rc=$?
tail -n 5 "$out"
fail=0
[ "$rc" = 130 ] || { echo "interrupt_real.sh: exit status $rc, expected 130"; fail=1; }
line=$(grep -E "^interrupted: [0-9]+ of [0-9]+ tasks completed, [0-9]+ cancelled" "$out")
if [ -z "$line" ]; then
  echo "interrupt_real.sh: no 'interrupted: N of M tasks completed' line"
  fail=1
else
  read -r n m <<<"$(echo "$line" | sed -E 's/^interrupted: ([0-9]+) of ([0-9]+).*/\1 \2/')"
  [ "$n" -lt "$m" ] || { echo "interrupt_real.sh: $n of $m completed is not an interruption"; fail=1; }
fi
grep -q " correct$" "$out" && { echo "interrupt_real.sh: an interrupted run reported 'correct'"; fail=1; }
exit $fail
