#!/usr/bin/env bash
# ctest-name: packaging: firmware build with the development key - configure fails naming the key
# ctest: needs=packaging seconds=10
# SEATKEY_FIRMWARE=ON refuses the development key at configure time, with a message saying
# what to do: by default, given by its file, copied into another file (recognised by value),
# or next to a production key. A production key alone configures.
. "$SOURCE_DIR/tests/packaging/lib.sh"

# configure NAME ARGS...: a firmware configure of the project in ./NAME (nothing is built).
configure() {
  local dir=$1
  shift
  run "$CMAKE" -S "$SOURCE_DIR" -B "$dir" -G Ninja -DSEATKEY_FIRMWARE=ON -DSEATKEY_KEYGEN=OFF -DSEATKEY_BUILD_TESTS=OFF \
    -DSEATKEY_BUILD_BENCH=OFF "${TARGET_CMAKE_ARGS[@]}" "$@"
  tr '\n' ' ' <err | tr -s ' ' >err.flat  # CMake wraps long messages
}
expect_refused() {
  expect_rc 1 "$1"
  for text in "holds k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3-92ZBruhrJs, a key this build must not trust" \
    "SEATKEY_FIRMWARE=ON refuses the seatkey DEVELOPMENT key (k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW)" \
    "Set -DSEATKEY_TRUSTED_KEYS=<your production k4.public file(s)> (see docs/firmware.md)."; do
    grep -qF -- "$text" err.flat || fail "$1: the message lacks: $text"
  done
  [ ! -e "$2/build.ninja" ] || fail "$1: a build system was generated"
}

configure default
expect_refused "the default SEATKEY_TRUSTED_KEYS (the development key)" default
grep -qF "$SOURCE_DIR/keys/development.public holds" err.flat || fail "the message does not name the file"
head -c 2000 err.flat
echo

configure by_path "-DSEATKEY_TRUSTED_KEYS=keys/development.public"
expect_refused "keys/development.public, relative" by_path

{
  echo "# ACME production key (really the development key, copied)"
  grep '^k4.public' "$DEV_PUBLIC"
} >vendor.public
configure copied "-DSEATKEY_TRUSTED_KEYS=$SCRATCH/vendor.public"
expect_refused "the development key copied into another file" copied
grep -qF "$SCRATCH/vendor.public holds" err.flat || fail "the message does not name the copy"

configure both "-DSEATKEY_TRUSTED_KEYS=$PACKAGING_DIR/production_test.public;$DEV_PUBLIC"
expect_refused "a production key and the development key" both

configure production "-DSEATKEY_TRUSTED_KEYS=$PACKAGING_DIR/production_test.public"
expect_rc 0 "a production key alone"
expect_out "seatkey: firmware build, 1 trusted key(s)"
grep -qF "k4.public.M9Rba7Ekc1mocm6YMb8ZHUmW23qsi-eXcYfhQd6Y0p0" production/verifier/generated/builtin_keys.cpp ||
  fail "the production key is not embedded"
grep -qF "k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3" production/verifier/generated/builtin_keys.cpp &&
  fail "the development key is embedded"

pass
