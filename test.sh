#!/usr/bin/env bash
# Builds lockstep and runs the whole test suite three times: a normal build, an ASan+UBSan
# build, and a ThreadSanitizer build (the real backend runs its reactors on threads).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/scripts/install-deps.sh"
jobs=$(nproc)

echo "== normal build"
"$here/scripts/build.sh" "$here/build"
ctest --test-dir "$here/build" -j "$jobs" --output-on-failure

echo "== ASan+UBSan build"
"$here/scripts/build.sh" "$here/build-asan" -DLOCKSTEP_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$here/build-asan" -j "$jobs" --output-on-failure

echo "== ThreadSanitizer build"
"$here/scripts/build.sh" "$here/build-tsan" -DLOCKSTEP_TSAN=ON
TSAN_OPTIONS="halt_on_error=1 suppressions=$here/tests/tsan.supp" ctest --test-dir "$here/build-tsan" -j "$jobs" --output-on-failure
