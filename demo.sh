#!/usr/bin/env bash
# The main job: installs what is missing, builds, explores the cross-core example in the
# simulator over many seeds, draws an interesting run and a failure found in the bug zoo, then
# runs the example on the real (DPDK) backend.
#   ./demo.sh [seeds]        (default 20000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seeds=${1:-20000}
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh" "$here/build"
bin=$here/build/examples/cross_core/cross_core
viz=$here/build/tools/trace_viz/trace_viz
out=$here/build/demo
mkdir -p "$out"

echo
echo "== 1. Explore the cross-core request/response example: $seeds seeds, 4 simulated cores, 1% allocation faults"
"$bin" --seeds "$seeds" --jobs 0

echo
echo "== 2. Draw one run: seed 4 with 12 tasks and 5% allocation faults (the retries show)"
"$bin" --first-seed 4 --seeds 1 --tasks 12 --alloc-fail-ppm 50000 --no-progress \
  --trace-out "$out/cross_core_seed4.trace" | tail -n 1
"$viz" "$out/cross_core_seed4.trace" -o "$out/cross_core_seed4.svg"

echo
echo "== 3. Find a planted bug (the zoo's timeout racing a reply), replay the failure, draw it"
found=$("$here/build/examples/zoo/zoo" --bug timeout_race --seeds 1000 --no-progress || true)
echo "$found" | grep -E "^(explored|FAILED)"
rerun=$(echo "$found" | sed -n 's/^  rerun: *//p' | head -n 1)
if [[ -z $rerun ]]; then
  echo "demo: the zoo's planted bug was not found in 1000 seeds" >&2
  exit 1
fi
# The rerun reproduces the failure, so it exits 1: expected here.
(cd "$out" && eval "${rerun% --trace-out *} --trace-out zoo_timeout_race.trace" || true) |
  grep -E "^(outcome|failure|trace)"
"$viz" "$out/zoo_timeout_race.trace" -o "$out/zoo_timeout_race.svg" --causal --depth 6
echo "pictures: $out/cross_core_seed4.svg and $out/zoo_timeout_race.svg (open them in a browser)"

echo
echo "== 4. Run the example on the real backend: DPDK, lcores 0-1, no hugepages"
rc=0
"$bin" --real --tasks 100000 || rc=$?
if ((rc == 4)); then
  echo "(this build has no real backend: DPDK was not found at configure time)"
elif ((rc != 0)); then
  exit "$rc"
fi
