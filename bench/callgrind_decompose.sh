#!/usr/bin/env bash
# callgrind_decompose.sh BENCH [WORKLOADS...]: instructions per event of the single-threaded
# decomposition workloads (lockstep_bench --decompose-insns, bench/decompose.hpp), by callgrind:
# only the workload's function is counted (its inclusive count: EAL's start-up varies by more
# than the workload), each for two N, and the difference of the counts is divided by the difference
# of the events run (N on each of the two sides: 2 x N), so that set-up and teardown cancel out.
# Default workloads: a b c c2 transport_local transport_pair.
set -euo pipefail
bench=${1:?usage: callgrind_decompose.sh path/to/lockstep_bench [workloads...]}
shift
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(a b c c2 transport_local transport_pair)
n1=100000
n2=200000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() {  # workload n -> instructions
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bench" --decompose-insns "$1" "$2" \
    >/dev/null 2>&1
  callgrind_annotate --inclusive=yes --threshold=100 "$tmp/out" >"$tmp/annotated" 2>/dev/null
  grep -E "^ *[0-9,]+ .*:lockstep::bench::(decomp_cross|transport_handover)_single_thread" "$tmp/annotated" |
    awk 'NR == 1 { gsub(",", "", $1); print $1 }'
}
printf '%-16s %s\n' workload instructions/event
for w in "${what[@]}"; do
  a=$(count "$w" "$n1")
  b=$(count "$w" "$n2")
  printf '%-16s %s\n' "$w" "$(( (b - a) / (2 * (n2 - n1)) ))"
done
