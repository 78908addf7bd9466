#!/usr/bin/env bash
# The main job: installs what is missing, builds, explores the cross-core example in the
# simulator over many seeds, then runs it on the real (DPDK) backend.
#   ./demo.sh [seeds]        (default 20000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seeds=${1:-20000}
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh" "$here/build"
bin=$here/build/examples/cross_core/cross_core
echo
echo "== 1. Explore the cross-core request/response example: $seeds seeds, 4 simulated cores, 1% allocation faults"
"$bin" --seeds "$seeds" --jobs 0
echo
echo "== 2. Replay seed 7 and record its trace"
"$bin" --replay "lockstep-replay/2 cores=4 seed=7 strategy=random pct_depth=3 pct_horizon_steps=1000 event_pool_size=4096 alloc_fail_ppm=10000 alloc_fail_nth=0 max_steps=10000000 shutdown_ppm=0 stall_ppm=0 stall_steps_max=100 timer_jitter_ns=0 swarm=0 trace=0 decisions=-" \
  --trace-out "$here/build/cross_core_seed7.trace"
echo
echo "== 3. Run it on the real backend: DPDK, lcores 0-1, no hugepages"
rc=0
"$bin" --real --tasks 100000 || rc=$?
if ((rc == 4)); then
  echo "(this build has no real backend: DPDK was not found at configure time)"
elif ((rc != 0)); then
  exit "$rc"
fi
