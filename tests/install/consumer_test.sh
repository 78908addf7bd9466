#!/usr/bin/env bash
# Installs lockstep into a scratch prefix and builds + runs a consumer with find_package, with
# pkg-config, and with add_subdirectory; and a C consumer (compiled and linked by the C compiler)
# with find_package and with pkg-config. Usage: consumer_test.sh SOURCE_DIR BUILD_DIR MODE
set -euo pipefail
src=$1 build=$2 mode=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
consumer=$src/tests/install/consumer
case $mode in
  find_package)
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    cmake -S "$consumer" -B "$work/b" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    cmake --build "$work/b" >/dev/null
    "$work/b/consumer"
    ;;
  pkg-config)
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig
    flags=$(pkg-config --cflags --libs lockstep)
    # shellcheck disable=SC2086
    c++ -std=c++20 "$consumer/consumer.cpp" -o "$work/consumer" $flags -pthread
    "$work/consumer"
    ;;
  find_package_c)
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    cmake -S "$src/tests/install/consumer_c" -B "$work/b" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    cmake --build "$work/b" >/dev/null
    "$work/b/consumer_c"
    ;;
  pkg-config_c)
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig
    flags=$(pkg-config --cflags --libs lockstep)
    # shellcheck disable=SC2086
    cc -std=c11 "$src/tests/install/consumer_c/consumer.c" -o "$work/consumer_c" $flags
    "$work/consumer_c"
    ;;
  add_subdirectory)
    cmake -S "$consumer" -B "$work/b" -DLOCKSTEP_SOURCE_DIR="$src" >/dev/null
    cmake --build "$work/b" -j2 >/dev/null
    "$work/b/consumer"
    ;;
esac
