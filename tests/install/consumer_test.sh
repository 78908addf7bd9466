#!/usr/bin/env bash
# Installs lockstep into a scratch prefix and builds + runs a consumer with find_package, with
# pkg-config, and with add_subdirectory; and a C consumer (compiled and linked by the C compiler)
# with find_package and with pkg-config. Usage: consumer_test.sh SOURCE_DIR BUILD_DIR MODE
set -euo pipefail
src=$1 build=$2 mode=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Installs lockstep, then builds the consumer project in directory $1 with find_package and
# runs its program $2.
with_find_package() {
  cmake --install "$build" --prefix "$work/prefix" >/dev/null
  cmake -S "$1" -B "$work/b" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
  cmake --build "$work/b" >/dev/null
  "$work/b/$2"
}

# Installs lockstep, then compiles and links the source $2 with the compiler $1 (and flags
# after $2) and lockstep.pc's flags, and runs it.
with_pkg_config() {
  local compiler=$1 source=$2
  shift 2
  cmake --install "$build" --prefix "$work/prefix" >/dev/null
  export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig
  local flags
  flags=$(pkg-config --cflags --libs lockstep)
  # shellcheck disable=SC2086
  "$compiler" "$@" "$source" -o "$work/program" $flags
  "$work/program"
}

case $mode in
  find_package) with_find_package "$src/tests/install/consumer" consumer ;;
  find_package_c) with_find_package "$src/tests/install/consumer_c" consumer_c ;;
  pkg-config)
    with_pkg_config c++ "$src/tests/install/consumer/consumer.cpp" -std=c++20 -pthread ;;
  pkg-config_c) with_pkg_config cc "$src/tests/install/consumer_c/consumer.c" -std=c11 ;;
  add_subdirectory)
    cmake -S "$src/tests/install/consumer" -B "$work/b" -DLOCKSTEP_SOURCE_DIR="$src" >/dev/null
    cmake --build "$work/b" -j2 >/dev/null
    "$work/b/consumer"
    ;;
  *) echo "consumer_test.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
