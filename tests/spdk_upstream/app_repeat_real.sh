#!/bin/bash
# SPDK's app_repeat on the real backend, driven as SPDK's test/event/event.sh drives it: each
# round's application waits for a shutdown signal, so for every round this script waits until
# the round has started, then sends SIGTERM; the program must end with exit code 0 after all
# rounds. Usage: app_repeat_real.sh SOURCE SHA256 PROGRAM ROUNDS [ARGS...]
set -u
source=$1 sha=$2 program=$3 rounds=$4
shift 4
actual=$(sha256sum "$source" | cut -d' ' -f1)
if [ "$actual" != "$sha" ]; then
  echo "$source is not SPDK v23.01.1's file: sha256 $actual, expected $sha" >&2
  exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Line-buffered stdout, so that each round's line is in the file when it is printed.
stdbuf -oL "$program" -t "$rounds" "$@" >"$out" 2>&1 &
pid=$!
for ((round = 0; round < rounds; round++)); do
  until grep -q "spdk_app_start is called in Round $round\." "$out"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$out"
      echo "app_repeat ended before round $round started" >&2
      exit 1
    fi
    sleep 0.05
  done
  kill -TERM "$pid"
  # The next round's line (or the exit) comes after this round's shutdown.
  until grep -q "Shutdown signal received" <(grep -A1000 "Round $round\." "$out"); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
done
wait "$pid"
rc=$?
cat "$out"
echo "exit code $rc"
[ "$rc" -eq 0 ] || exit 1
[ "$(grep -c 'Shutdown signal received, stop current app iteration' "$out")" -eq "$rounds" ] || {
  echo "expected $rounds shutdowns" >&2
  exit 1
}
