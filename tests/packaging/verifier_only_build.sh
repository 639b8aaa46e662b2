#!/usr/bin/env bash
# ctest-name: packaging: verifier-only build (SEATKEY_KEYGEN=OFF) - no SQLite, no keygen; its seatkey-verify checks a real license file
# ctest: needs=packaging seconds=60 lock=seatkey_nested_build
# A verifier-only build, as a firmware team makes it: -DSEATKEY_KEYGEN=OFF configures with
# SQLite out of reach (CMAKE_DISABLE_FIND_PACKAGE_SQLite3, which stops the default build) and
# builds seatkey-verify and both libseatkey-verifier libraries, no seatkey-keygen; that
# seatkey-verify checks a real license file. With the tests on, no keygen test is configured;
# taken in with add_subdirectory(), seatkey brings no tests and no benchmarks.
. "$SOURCE_DIR/tests/packaging/lib.sh"

[ "$SANITIZE" = ON ] && skip "what is checked here is the build's configuration, not memory: the" \
  "normal build runs this test (the sanitizer build's own tests cover the same verifier)"

# configure DIR ARGS...: a fresh build of this source tree in ./DIR, like this build's.
configure() {
  local dir=$1
  shift
  run "$CMAKE" -S "$SOURCE_DIR" -B "$dir" -G Ninja "${TARGET_CMAKE_ARGS[@]}" \
    "-DSEATKEY_SANITIZE=$SANITIZE" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
    -DCMAKE_C_FLAGS_DEBUG=-O0 -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON "$@"
}

# The control: the default build (with the keygen) needs SQLite, so the switch above bites.
configure with_keygen -DSEATKEY_BUILD_TESTS=OFF
expect_rc 1 "configuring with the keygen but without SQLite"
grep -q "SQLite3" err || fail "the failed configure does not name SQLite3"

configure vo -DSEATKEY_KEYGEN=OFF -DSEATKEY_BUILD_TESTS=OFF
expect_rc 0 "configuring with -DSEATKEY_KEYGEN=OFF without SQLite"
# Nothing looked for SQLite (CMake says so), nothing in the build refers to it or to the keygen.
tr '\n' ' ' <err | tr -s ' ' >err.flat  # CMake wraps long warnings
grep -qF "Manually-specified variables were not used by the project: CMAKE_DISABLE_FIND_PACKAGE_SQLite3" err.flat ||
  fail "CMake does not report CMAKE_DISABLE_FIND_PACKAGE_SQLite3 unused: something looked for SQLite"
grep -v '^//' vo/CMakeCache.txt | grep -i sqlite | grep -v '^CMAKE_DISABLE_FIND_PACKAGE_SQLite3' >sqlite.txt
[ ! -s sqlite.txt ] || { cat sqlite.txt >&2; fail "the cache refers to SQLite (above)"; }
grep -qi sqlite vo/build.ninja && fail "build.ninja refers to SQLite"
run "$CMAKE" --build vo --target help
expect_rc 0
expect_out "seatkey-verify"
expect_out_lacks "keygen"

run "$CMAKE" --build vo --target seatkey-verify seatkey_verifier_shared seatkey_verifier_static -j 2
expect_rc 0 "building seatkey-verify and both libraries"
for f in vo/verifier/seatkey-verify vo/verifier/libseatkey-verifier.a "vo/verifier/libseatkey-verifier.so.$SOVERSION"; do
  [ -f "$f" ] || fail "not built: $f"
done
[ -z "$(find vo -name 'seatkey-keygen*' -o -name 'libseatkey_keygen*')" ] || fail "something of the keygen was built"

make_licenses licenses
vo_verify=$(target_program vo/verifier/seatkey-verify)
run "$vo_verify" --appliance "$APPLIANCE" --licenses licenses --now "$NOW" --trusted-keys "$DEV_PUBLIC"
expect_rc 0 "the verifier-only build's seatkey-verify on a real license file"
expect_out "Appliance $APPLIANCE is licensed: Compact edition, 8 users (server license 1001)."
expect_out "Licenses: 2 accepted, 1 not accepted:"
run "$vo_verify" --appliance "$APPLIANCE" --licenses licenses --now "$NOW" --json
expect_rc 0
expect_out '"licensed_users": 8'
expect_out '"reason": "wrong_appliance"'
run readelf -d vo/verifier/seatkey-verify
expect_out_lacks "sqlite"

# With the tests on: the tests that need seatkey-keygen are not there, the others are.
configure vt -DSEATKEY_KEYGEN=OFF -DSEATKEY_BUILD_TESTS=ON
expect_rc 0 "configuring the tests with -DSEATKEY_KEYGEN=OFF"
run ctest --test-dir vt -N
expect_rc 0
expect_out "cli: verify_exit_codes"
expect_out "packaging: verifier-only build (SEATKEY_KEYGEN=OFF)"
for name in "keygen: " "keygen cli: " "keygen_tests" "e2e_keygen_verify" "hardening: " "hostile: batch orders"; do
  expect_out_lacks "$name"
done

# As a subproject: the libraries and programs, no tests, no benchmarks.
mkdir -p firmware
cat >firmware/CMakeLists.txt <<CMAKE
cmake_minimum_required(VERSION 3.22)
project(pbx_firmware LANGUAGES C CXX)
enable_testing()
add_subdirectory("$SOURCE_DIR" seatkey)
add_executable(boot_check "$PACKAGING_DIR/consumer_c/boot_check.c")
target_link_libraries(boot_check PRIVATE seatkey::verifier_static)
CMAKE
run "$CMAKE" -S firmware -B firmware/build -G Ninja "${TARGET_CMAKE_ARGS[@]}" \
  -DSEATKEY_KEYGEN=OFF -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON
expect_rc 0 "configuring a project with add_subdirectory(seatkey)"
run ctest --test-dir firmware/build -N
expect_out "Total Tests: 0"
grep -q '^build boot_check:' firmware/build/build.ninja || fail "the subproject's own program is not in its build"
grep -q 'seatkey-verify:' firmware/build/build.ninja || fail "seatkey-verify is not in the subproject's build"
for target in seatkey-bench common_tests verifier_tests seatkey-test-mint; do
  grep -q "$target" firmware/build/build.ninja && fail "the subproject's build has $target"
done

pass
