#!/usr/bin/env bash
# build.sh DIR [cmake options...]: configures and builds lockstep into DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
cmake -S "$here" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOCKSTEP_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
