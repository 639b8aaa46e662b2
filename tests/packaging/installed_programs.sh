#!/usr/bin/env bash
# ctest-name: packaging: installed into a scratch prefix - the programs run with no LD_LIBRARY_PATH, from anywhere, moved
# ctest: needs=packaging seconds=20
# The installed programs run from any prefix: `cmake --install` into a scratch prefix, then the
# installed seatkey-verify (--version, a real verification) and seatkey-keygen (--help) run from
# another working directory with LD_LIBRARY_PATH unset and set empty; again after the whole
# prefix is moved. Nothing they load may come from the build tree.
. "$SOURCE_DIR/tests/packaging/lib.sh"

run "$CMAKE" --install "$BUILD_DIR" --prefix "$SCRATCH/prefix"
expect_rc 0 "cmake --install"
make_licenses licenses
mkdir elsewhere

# programs_run PREFIX: every installed program runs from ./elsewhere, LD_LIBRARY_PATH unset and empty.
programs_run() {
  local prefix=$1 env_args
  for env_args in "-u LD_LIBRARY_PATH" "LD_LIBRARY_PATH="; do
    # shellcheck disable=SC2086
    run env -C "$SCRATCH/elsewhere" $env_args "${ON_TARGET[@]}" "$prefix/bin/seatkey-verify" --version
    expect_rc 0 "$prefix/bin/seatkey-verify --version (env $env_args)"
    expect_eq "$(head -1 out)" "seatkey-verify $VERSION"
    expect_out "development build: trusts the public development key ($(mint --kid))"
    # shellcheck disable=SC2086
    run env -C "$SCRATCH/elsewhere" $env_args "${ON_TARGET[@]}" "$prefix/bin/seatkey-verify" --appliance "$APPLIANCE" \
      --licenses "$SCRATCH/licenses" --now "$NOW"
    expect_rc 0 "$prefix/bin/seatkey-verify, a real verification (env $env_args)"
    expect_out "Appliance $APPLIANCE is licensed: Compact edition, 8 users (server license 1001)."
    expect_out "Licenses: 2 accepted, 1 not accepted:"
    # The exit status says "not licensed" for another appliance's ID.
    # shellcheck disable=SC2086
    run env -C "$SCRATCH/elsewhere" $env_args "${ON_TARGET[@]}" "$prefix/bin/seatkey-verify" --appliance "$OTHER_APPLIANCE" \
      --licenses "$SCRATCH/licenses" --now "$NOW"
    expect_rc 1 "$prefix/bin/seatkey-verify for another appliance (env $env_args)"
    expect_out "Appliance $OTHER_APPLIANCE is NOT licensed"
    if [ -n "${KEYGEN:-}" ]; then
      # shellcheck disable=SC2086
      run env -C "$SCRATCH/elsewhere" $env_args "${ON_TARGET[@]}" "$prefix/bin/seatkey-keygen" --help
      expect_rc 0 "$prefix/bin/seatkey-keygen --help (env $env_args)"
      expect_out "Subcommands:"
    fi
  done
}

programs_run "$SCRATCH/prefix"
mv "$SCRATCH/prefix" "$SCRATCH/moved"
programs_run "$SCRATCH/moved"

# How: nothing is found through the build tree (an RPATH or RUNPATH into it), and the boot
# check loads no seatkey library (it is linked statically, verifier/CMakeLists.txt says why).
for program in seatkey-keygen seatkey-verify; do
  [ "$program" = seatkey-keygen ] && [ -z "${KEYGEN:-}" ] && continue
  run readelf -d "$SCRATCH/moved/bin/$program"
  expect_rc 0 "readelf -d bin/$program"
  expect_out_lacks "$BUILD_DIR"
done
expect_out_lacks "libseatkey-verifier"

if [ -z "${KEYGEN:-}" ]; then
  # A verifier-only build (SEATKEY_KEYGEN=OFF) installs no vendor tool.
  [ ! -e "$SCRATCH/moved/bin/seatkey-keygen" ] || fail "bin/seatkey-keygen is installed by a build without it"
  echo "note: built with SEATKEY_KEYGEN=OFF: no seatkey-keygen to run"
fi

pass
