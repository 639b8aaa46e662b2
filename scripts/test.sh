#!/usr/bin/env bash
# Builds seatkey and runs every test through ctest.
#   scripts/test.sh                 normal build in build/
#   SEATKEY_SANITIZE=ON scripts/test.sh   ASan+UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=${SEATKEY_SANITIZE:-OFF}
build_dir=${SEATKEY_BUILD_DIR:-build}
[ "$sanitize" = ON ] && build_dir=${SEATKEY_BUILD_DIR:-build-asan}
jobs=${SEATKEY_JOBS:-$(nproc)}

cmake -S . -B "$build_dir" -G Ninja -DSEATKEY_SANITIZE="$sanitize" ${SEATKEY_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$jobs"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" ${SEATKEY_CTEST_ARGS:-}
