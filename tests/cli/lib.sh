# Shared helpers for the CLI tests (sourced by tests/cli/*.sh). Each test script runs in its
# own scratch directory and exits non-zero on the first failed assertion.
# Expects: KEYGEN and VERIFY (paths of the programs) and SOURCE_DIR in the environment; in a
# cross build EMULATOR too.
set -u

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/seatkey-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH" || exit 2
TESTS_RUN=0

# A cross build's programs run through its emulator (CMAKE_CROSSCOMPILING_EMULATOR, qemu-user;
# tests/CMakeLists.txt passes it as EMULATOR, empty in a native build), never through
# binfmt_misc. ON_TARGET holds its words: prefix any program built for the target with
# "${ON_TARGET[@]}", or give it to target_program. The programs handed over by CMake (VERIFY,
# MINT, KEYGEN, C_BOOT_CHECK) are replaced by target_program's wrappers, so that every script
# runs them as it would natively; <NAME>_ELF keeps the program itself, for what reads the file
# (readelf, nm).
read -r -a ON_TARGET <<<"${EMULATOR:-}"

# target_program FILE: prints a path that runs the target's program FILE: FILE itself in a
# native build, else a wrapper (in $SCRATCH/.on-target) that runs it through the emulator.
target_program() {
  if ((${#ON_TARGET[@]} == 0)); then
    case "$1" in
      */*) printf '%s\n' "$1" ;;
      *) printf './%s\n' "$1" ;; # a name alone would be looked for in PATH
    esac
    return
  fi
  local file wrapper
  file=$(realpath -s -- "$1")
  mkdir -p "$SCRATCH/.on-target"
  wrapper=$(mktemp "$SCRATCH/.on-target/${file##*/}.XXXXXX")
  printf '#!/usr/bin/env bash\nexec%s "$@"\n' "$(printf ' %q' "${ON_TARGET[@]}" "$file")" >"$wrapper"
  chmod 755 "$wrapper"  # also for the scripts that run it as another user
  printf '%s\n' "$wrapper"
}

for _name in VERIFY MINT KEYGEN C_BOOT_CHECK; do
  [ -n "${!_name:-}" ] || continue
  printf -v "${_name}_ELF" '%s' "${!_name}"
  printf -v "$_name" '%s' "$(target_program "${!_name}")"
done
unset _name

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
