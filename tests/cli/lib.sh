# Shared helpers for the CLI tests (sourced by tests/cli/*.sh). Each test script runs in its
# own scratch directory and exits non-zero on the first failed assertion.
# Expects: KEYGEN and VERIFY (paths of the programs) and SOURCE_DIR in the environment.
set -u

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/seatkey-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH" || exit 2
TESTS_RUN=0

fail() {
  echo "FAIL: $*" >&2
  [ -f out ] && { echo "--- stdout:" >&2; head -c 4000 out >&2; }
  [ -f err ] && { echo "--- stderr:" >&2; head -c 4000 err >&2; }
  exit 1
}

# run CMD...: runs a command, keeps stdout in ./out, stderr in ./err, exit status in $RC.
run() {
  "$@" >out 2>err
  RC=$?
  TESTS_RUN=$((TESTS_RUN + 1))
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC from: ${2:-last command}"; }
expect_out() { grep -qF -- "$1" out || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" err || fail "stderr lacks: $1"; }
expect_no_out() { [ ! -s out ] || fail "expected empty stdout"; }
expect_out_lacks() { ! grep -qF -- "$1" out || fail "stdout should not contain: $1"; }
expect_err_lacks() { ! grep -qF -- "$1" err || fail "stderr should not contain: $1"; }
expect_eq() { [ "$1" = "$2" ] || fail "expected '$2', got '$1' ${3:-}"; }

# Prints the closing line CTest's log shows for this script.
# npm_ci SOURCE DIR MODULE: SOURCE's package.json and package-lock.json installed with npm ci in
# DIR (in the build folder, never the source tree); skipped when DIR has MODULE and the same lock.
npm_ci() {
  local source=$1 dir=$2 module=$3
  mkdir -p "$dir"
  if ! cmp -s "$source/package-lock.json" "$dir/package-lock.json" || [ ! -d "$dir/node_modules/$module" ]; then
    cp "$source/package.json" "$source/package-lock.json" "$dir/"
    (cd "$dir" && "$NPM" ci --no-audit --no-fund --loglevel=error) >npm.log 2>&1 ||
      { cat npm.log >&2; fail "npm ci failed in $dir"; }
  fi
}

pass() { echo "ok: $TESTS_RUN commands checked"; exit 0; }
