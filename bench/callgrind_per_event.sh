#!/usr/bin/env bash
# callgrind_per_event.sh BENCH [CORES...]: instructions per simulated event, by callgrind.
# Runs `BENCH --sim-events N` (and --naive-events N) for two N under callgrind and divides the
# difference of the instruction counts by the difference of N, so that start-up and teardown
# cancel out. Needs valgrind. Default cores: 2 4 8.
set -euo pipefail
bench=${1:?usage: callgrind_per_event.sh path/to/lockstep_bench [cores...]}
shift
cores=("$@")
[ ${#cores[@]} -gt 0 ] || cores=(2 4 8)
n1=100000
n2=200000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() {  # mode n cores -> instructions
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bench" "--$1-events" "$2" \
    --sim-cores "$3" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'
}
printf '%-6s %-6s %s\n' cores which instructions/event
for c in "${cores[@]}"; do
  for mode in sim naive; do
    a=$(count "$mode" "$n1" "$c")
    b=$(count "$mode" "$n2" "$c")
    printf '%-6s %-6s %s\n' "$c" "$mode" "$(( (b - a) / (n2 - n1) ))"
  done
done
