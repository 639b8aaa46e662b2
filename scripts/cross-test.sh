#!/usr/bin/env bash
# The verifier for an ARM appliance: cross-built with cmake/toolchains/ (Debian's cross
# compilers and multiarch libsodium) and every test run under qemu-user.
#   scripts/cross-test.sh aarch64    64-bit ARM (arm64) in build-aarch64/
#   scripts/cross-test.sh armhf      32-bit ARM, hard float (armhf) in build-armhf/
# Needs scripts/setup.sh --cross. Verifier only (-DSEATKEY_KEYGEN=OFF). SEATKEY_CTEST_ARGS passes
# arguments to ctest (CI's shorter run: .ci/run), SEATKEY_JOBS the parallel jobs.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  aarch64) triplet=aarch64-linux-gnu ;;
  armhf) triplet=arm-linux-gnueabihf ;;
  *)
    echo "usage: scripts/cross-test.sh aarch64|armhf" >&2
    exit 2
    ;;
esac
command -v "$triplet-g++" >/dev/null || { echo "cross-test: no $triplet-g++: run scripts/setup.sh --cross" >&2; exit 2; }
build_dir=${SEATKEY_BUILD_DIR:-build-$1}
jobs=${SEATKEY_JOBS:-$(nproc)}

cmake -S . -B "$build_dir" -G Ninja "-DCMAKE_TOOLCHAIN_FILE=$PWD/cmake/toolchains/$triplet.cmake" \
  -DSEATKEY_KEYGEN=OFF ${SEATKEY_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$jobs"
# shellcheck disable=SC2086
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" ${SEATKEY_CTEST_ARGS:-}
