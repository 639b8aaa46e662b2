# shellcheck shell=bash
# Helpers for the packaging tests (sourced by tests/packaging/*.sh, after which the script
# runs in its own scratch directory; see tests/cli/lib.sh for run/expect_*/pass).
# Expects SOURCE_DIR, BUILD_DIR, CMAKE, CC, CXX, SANITIZE, CONSUMER_FLAGS, VERSION, MINT,
# VERIFY, SOVERSION, LIBRARY_VERSION in the environment, and in a cross build EMULATOR, TOOLCHAIN_FILE, NM and
# PKG_CONFIG_LIBDIR (tests/packaging/CMakeLists.txt sets them).
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

# shellcheck disable=SC2034  # used by the scripts that source this
PACKAGING_DIR="$SOURCE_DIR/tests/packaging"

# A cross build (TOOLCHAIN_FILE set): what the scripts build themselves (nested builds of this
# tree, consumer projects) uses the same toolchain file; pkg-config reads the target's .pc
# files (PKG_CONFIG_LIBDIR), NM is the target's nm. Empty ones mean the build machine's.
[ -n "${PKG_CONFIG_LIBDIR:-}" ] || unset PKG_CONFIG_LIBDIR
[ -n "${PKG_CONFIG_SYSROOT_DIR:-}" ] || unset PKG_CONFIG_SYSROOT_DIR
NM=${NM:-nm}
STRIP=${STRIP:-strip}
# shellcheck disable=SC2034
TARGET_CMAKE_ARGS=("-DCMAKE_C_COMPILER=$CC" "-DCMAKE_CXX_COMPILER=$CXX")
[ -z "${TOOLCHAIN_FILE:-}" ] || TARGET_CMAKE_ARGS+=("-DCMAKE_TOOLCHAIN_FILE=$TOOLCHAIN_FILE")

# target_ldd PROGRAM: the shared libraries PROGRAM loads, as the target's dynamic loader finds
# them (ldd; in a cross build the loader itself under the emulator, which is what ldd does).
target_ldd() {
  if ((${#ON_TARGET[@]})); then
    env LD_TRACE_LOADED_OBJECTS=1 "${ON_TARGET[@]}" "$@"
  else
    ldd "$@"
  fi
}

# skip REASON: CTest reports the test as skipped (SKIP_RETURN_CODE 77) with the reason.
skip() {
  echo "skipped: $*"
  exit 77
}

# make_licenses DIR: a license set for $APPLIANCE signed by the development key: a Compact
# with an update option, a 5-user pack, and a pack for another appliance (wrong_appliance).
make_licenses() {
  mkdir -p "$1"
  {
    echo "# Acme GmbH, appliance $APPLIANCE"
    mint "$(server_payload 1001 compact "$APPLIANCE" ',"updates_until":"2027-12-31T23:59:59Z"')"
    mint "$(pack_payload 1002 5)"
    mint "$(pack_payload 1003 1 "$OTHER_APPLIANCE")"
  } >"$1/acme.lic"
}

# The boot check's output for make_licenses DIR (the consumer programs all print this), each
# report's message left out (the verifier's wording is not this test's business).
expected_boot_check() {
  cat <<OUT
appliance: $APPLIANCE
licensed: yes
edition: compact
server_license: 1001
users: 8 (3 included + 5 in packs, max 20, 0 over the cap)
updates_until: 2027-12-31T23:59:59Z
updates_allowed: yes
may_add_user(10): no
accepted: $1/acme.lic:2 server serial=1001 users=3 reason=none
accepted: $1/acme.lic:3 users serial=1002 users=5 reason=none
rejected: $1/acme.lic:4 users serial=1003 users=1 reason=wrong_appliance
OUT
}

# expect_boot_check DIR: ./out is expected_boot_check DIR, exit status 0.
expect_boot_check() {
  expect_rc 0 "the boot check of $1"
  expected_boot_check "$1" >expected
  grep -qE "^rejected: .* reason=wrong_appliance: .*$OTHER_APPLIANCE" out ||
    fail "the wrong_appliance report's message does not name the other appliance"
  sed -E 's/^((accepted|rejected): .* reason=[a-z_]+): .+$/\1/' out >got
  diff -u expected got >&2 || fail "boot check output differs from the expected one (diff above)"
}
