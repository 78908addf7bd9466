#!/usr/bin/env bash
# Record on the real backend, replay in the simulator (docs/record_replay.md), end to end.
#   record_replay.sh failing ORDER_BUG TRACE_VIZ WORKDIR
#     runs order_bug --real --record (lcores 0-1) until its order-dependent check fails, then
#     replays the recording: the same failure and message, the same trace hash 10 times, shrunk,
#     drawn with trace_viz.
#   record_replay.sh correct ORDER_BUG WORKDIR
#     a recording of a correct run replays to `stopped` with the real run's event count.
#   record_replay.sh bad ORDER_BUG CROSS_CORE RECORDING WORKDIR
#     truncated, corrupted, another program's, renamed functions, a simulator trace: exit 2 and a
#     message naming the place; nothing replayed.
set -uo pipefail
mode=$1
shift
eal=(-l 0-1 --no-huge --no-pci -m 256)
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

case $mode in
failing)
  prog=$1 viz=$2 work=$3
  mkdir -p "$work" && cd "$work" || exit 1
  rec=order.rec
  found=0
  for attempt in $(seq 1 40); do
    rm -f "$rec"
    "$prog" --rounds 2000 --real --record "$rec" -- "${eal[@]}" >real.out 2>real.err
    rc=$?
    if [ $rc -eq 0 ]; then continue; fi
    grep -q "check failed on lcore" real.err || { cat real.err; fail "real run exit $rc without a failed check"; }
    found=1
    echo "attempt $attempt: the check failed on the real backend (exit $rc)"
    break
  done
  [ $found -eq 1 ] || fail "the order-dependent check never failed in 40 real runs"
  [ -s "$rec" ] || fail "no recording written"
  grep -q "^outcome failed" "$rec" || fail "the recording does not say the run failed"
  message=$(sed -n 's/^lockstep: check failed on lcore [0-9]*: //p' real.err)
  [ -n "$message" ] || fail "no check message on stderr"
  hashes=()
  for i in $(seq 1 10); do
    "$prog" --rounds 2000 --replay-recording "$rec" >replay.out 2>replay.err
    rc=$?
    [ $rc -eq 1 ] || { cat replay.out replay.err; fail "replay $i: exit $rc, expected 1 (the failure)"; }
    grep -q "^replay-recording: matched" replay.out || fail "replay $i did not match"
    grep -qF "failure: $message" replay.out || { cat replay.out; fail "replay $i: not the real failure '$message'"; }
    hashes+=("$(sed -n 's/.*trace_hash=\([0-9a-f]*\).*/\1/p' replay.out)")
  done
  [ "$(printf '%s\n' "${hashes[@]}" | sort -u | wc -l)" -eq 1 ] || fail "trace hashes differ: ${hashes[*]}"
  echo "10 replays: the same failure, trace_hash ${hashes[0]}"
  "$prog" --rounds 2000 --replay-recording "$rec" --shrink --trace-out replay.trace >shrink.out 2>&1
  [ $? -eq 1 ] || { cat shrink.out; fail "--shrink: exit code"; }
  grep -q "^shrunk in .*verdict: outcome failed: $(printf '%s' "$message" | sed 's/[][\.*^$]/\\&/g')" shrink.out ||
    { cat shrink.out; fail "--shrink did not keep the failure"; }
  line=$(sed -n "s/^  rerun: .* --replay '\(.*\)' --trace-out shrunk.trace$/\1/p" shrink.out)
  [ -n "$line" ] || fail "no rerun line after the shrink"
  "$prog" --rounds 2000 --replay "$line" --trace-out shrunk.trace >shrunk.out 2>&1
  [ $? -eq 1 ] || fail "the shrunk line does not fail"
  grep -qF "failure: $message" shrunk.out || fail "the shrunk run fails otherwise"
  "$viz" replay.trace -o replay.svg >viz.out 2>&1 || { cat viz.out; fail "trace_viz"; }
  grep -q "<svg" replay.svg || fail "trace_viz drew no svg"
  grep -q "mark_b" replay.svg || fail "the drawing does not show mark_b"
  echo "shrunk and drawn"
  ;;
correct)
  prog=$1 work=$2
  mkdir -p "$work" && cd "$work" || exit 1
  rec=fixed.rec
  "$prog" --variant fixed --rounds 300 --real --record "$rec" -- "${eal[@]}" >real.out 2>real.err ||
    { cat real.out real.err; fail "the correct real run failed"; }
  real_events=$(sed -n 's/^real: rc=0 .* events=\([0-9]*\) correct$/\1/p' real.out)
  [ -n "$real_events" ] || { cat real.out; fail "no event count from the real run"; }
  "$prog" --variant fixed --rounds 300 --replay-recording "$rec" >replay.out 2>&1 ||
    { cat replay.out; fail "the replay of a correct run did not pass"; }
  grep -q "^replay-recording: matched" replay.out || fail "not matched"
  sim_events=$(sed -n 's/^outcome stopped rc=0 .* events=\([0-9]*\) .*/\1/p' replay.out)
  rec_events=$(sed -n 's/^recording .*: [0-9]* steps, \([0-9]*\) events, stopped$/\1/p' replay.out)
  [ "$sim_events" = "$real_events" ] && [ "$rec_events" = "$real_events" ] ||
    { cat replay.out; fail "events: real $real_events, recorded $rec_events, simulated $sim_events"; }
  echo "stopped with $sim_events events, as the real run"
  ;;
bad)
  prog=$1 other=$2 good=$3 work=$4
  mkdir -p "$work" && cd "$work" || exit 1
  # expect NAME REGEX COMMAND...: exit 2, REGEX on stderr, no outcome line on stdout.
  expect() {
    local name=$1 regex=$2
    shift 2
    "$@" >"$name.out" 2>"$name.err"
    local rc=$?
    [ $rc -eq 2 ] || { cat "$name.out" "$name.err"; fail "$name: exit $rc, expected 2"; }
    grep -qE "$regex" "$name.err" || { cat "$name.err"; fail "$name: no message matching '$regex'"; }
    if grep -q "^outcome" "$name.out"; then fail "$name: something was replayed"; fi
    echo "$name: $(tail -1 "$name.err")"
  }
  args=(--variant fixed --rounds 5)
  "$prog" "${args[@]}" --replay-recording "$good" >good.out 2>&1 || { cat good.out; fail "the good recording does not replay"; }
  head -c "$(($(wc -c <"$good") * 2 / 3))" "$good" >truncated.rec
  expect truncated "truncated.rec:[0-9]+: " "$prog" "${args[@]}" --replay-recording truncated.rec
  sed '0,/^exec /s/^exec \([0-9]*\) \([0-9]*\) /exec \1 \2 x/' "$good" >corrupted.rec
  expect corrupted "corrupted.rec:[0-9]+: " "$prog" "${args[@]}" --replay-recording corrupted.rec
  expect other_program "recorded by program 'order_bug', this is 'cross_core'" \
    "$other" --replay-recording "$good"
  sed 's/^name \([0-9]*\) mark_a$/name \1 mark_x/' "$good" >renamed.rec
  expect renamed "renamed.rec:[0-9]+: the recording runs 'mark_x', a function this program never ran" \
    "$prog" "${args[@]}" --replay-recording renamed.rec
  "$prog" "${args[@]}" --seeds 1 --trace-out sim.trace >/dev/null 2>&1
  expect sim_trace "sim.trace: not a recording of the real backend" \
    "$prog" "${args[@]}" --replay-recording sim.trace
  expect missing "missing.rec: cannot " "$prog" "${args[@]}" --replay-recording missing.rec
  expect with_replay "cannot be combined with --replay" \
    "$prog" --replay-recording "$good" --replay "lockstep-replay/3"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
