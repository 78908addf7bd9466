#!/usr/bin/env bash
# Installs lockstep into a scratch prefix and builds + runs a C11/C++ consumer of
# lockstep::spdk_compat with find_package or with pkg-config.
# Usage: spdk_consumer_test.sh SOURCE_DIR BUILD_DIR find_package|pkg-config
set -euo pipefail
src=$1 build=$2 mode=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
consumer=$src/tests/spdk_compat/install/consumer
cmake --install "$build" --prefix "$work/prefix" >/dev/null
case $mode in
  find_package)
    cmake -S "$consumer" -B "$work/b" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    cmake --build "$work/b" >/dev/null
    "$work/b/spdk_consumer"
    LOCKSTEP_SPDK_SIM="seed=3" "$work/b/spdk_consumer_app_sim" -m 0x7 -x 4
    ;;
  pkg-config)
    export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig
    # The libraries are static: what they need privately (DPDK, when the real backend is
    # built) is linked too, as DPDK's shared libraries (DPDK's --static list wants
    # libsystemd's static library, which Debian's DPDK does not depend on).
    libs=$(pkg-config --libs lockstep)
    for dep in $(pkg-config --print-requires-private lockstep); do
      libs="$libs $(pkg-config --libs "$dep")"
    done
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Werror -c "$consumer/hello.c" -o "$work/hello.o" \
      $(pkg-config --cflags lockstep)
    # shellcheck disable=SC2086
    c++ -std=c++20 "$consumer/main.cpp" "$work/hello.o" -o "$work/spdk_consumer" \
      $(pkg-config --cflags lockstep) $libs -pthread
    "$work/spdk_consumer"
    ;;
  *)
    echo "spdk_consumer_test.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
