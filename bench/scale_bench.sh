#!/usr/bin/env bash
# The back office at two sizes (docs/performance.md, "A large ledger"): seatkey-bench-scale makes
# a SQLite ledger of SMALL_ROWS and one of LARGE_ROWS rows in WORK_DIR through the library and
# prints the p50 of each read of both, side by side.
# Usage: scale_bench.sh BENCH SOURCE_DIR WORK_DIR [SMALL_ROWS LARGE_ROWS ROUNDS]
# Exit status: the benchmark's (0 targets hold, 1 a target does not, 2 a failure).
set -euo pipefail
bench=$(realpath "$1") source_dir=$(realpath "$2") work=$3
small=${4:-10000} large=${5:-1000000} rounds=${6:-50}
rm -rf "$work"
mkdir -p "$work"
cd "$work"
cp "$source_dir/keys/development.secret" dev.key && chmod 600 dev.key
exec "$bench" --key dev.key --small small.db --large large.db --small-rows "$small" --large-rows "$large" \
  --rounds "$rounds"
