#!/usr/bin/env bash
# ctest-name: packaging: installed package - find_package and pkg-config consumers verify a real license set
# ctest: needs=packaging seconds=30 lock=seatkey_nested_build
# The installed package, as a firmware team uses it: `cmake --install` into a scratch prefix,
# then an out-of-tree C++/C project with find_package(seatkey) (tests/packaging/consumer_cpp:
# shared, static, and C99 against the static library), a project in C alone
# (tests/packaging/consumer_c_only: static and shared) and a C99 program built with pkg-config
# (tests/packaging/consumer_c), each verifying a real license set. In a cross build all of it
# is built with the same toolchain file and run through the emulator.
. "$SOURCE_DIR/tests/packaging/lib.sh"

prefix="$SCRATCH/prefix"
run "$CMAKE" --install "$BUILD_DIR" --prefix "$prefix"
expect_rc 0 "cmake --install"

# What is installed (lib or lib/<multiarch>, whatever GNUInstallDirs chose).
lib=$(find "$prefix" -name libseatkey-verifier.a -printf '%h\n')
[ -n "$lib" ] || fail "libseatkey-verifier.a is not installed"
for f in include/seatkey/verifier.h include/seatkey/verifier.hpp include/seatkey/editions.h bin/seatkey-verify share/man/man1/seatkey-verify.1; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
# The vendor tool, unless the build has none (SEATKEY_KEYGEN=OFF).
for f in bin/seatkey-keygen share/man/man1/seatkey-keygen.1; do
  if [ -n "${KEYGEN:-}" ]; then
    [ -f "$prefix/$f" ] || fail "not installed: $f"
  else
    [ ! -e "$prefix/$f" ] || fail "installed by a build without seatkey-keygen: $f"
  fi
done
for f in "libseatkey-verifier.so.$LIBRARY_VERSION" "libseatkey-verifier.so.$SOVERSION" libseatkey-verifier.so \
  cmake/seatkey/seatkeyConfig.cmake cmake/seatkey/seatkeyConfigVersion.cmake cmake/seatkey/seatkeyTargets.cmake \
  pkgconfig/seatkey-verifier.pc; do
  [ -e "$lib/$f" ] || fail "not installed: $lib/$f"
done
# The package stands alone: no seatkey_common library, nothing in the exported targets needs one.
find "$prefix" -name '*seatkey_common*' | grep -q . && fail "a seatkey_common file is installed"
grep -rq 'seatkey_common\|seatkey::common' "$lib/cmake/seatkey" && fail "the CMake package refers to seatkey_common"
TESTS_RUN=$((TESTS_RUN + 1))
expect_eq "$(sed -n 's/^prefix=//p' "$lib/pkgconfig/seatkey-verifier.pc")" "$prefix" "(the .pc's prefix)"
# No made-up URL: the project has no public home page to name.
grep -q '^URL:' "$lib/pkgconfig/seatkey-verifier.pc" && fail "the .pc names a URL: $(grep '^URL:' "$lib/pkgconfig/seatkey-verifier.pc")"

make_licenses licenses

# ---- CMake: find_package(seatkey) ---------------------------------------------------------
warnings="-Wall -Wextra -Wpedantic -Werror"
run "$CMAKE" -S "$PACKAGING_DIR/consumer_cpp" -B cpp -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_PREFIX_PATH=$prefix" "${TARGET_CMAKE_ARGS[@]}" \
  "-DCMAKE_C_FLAGS=$warnings $CONSUMER_FLAGS" "-DCMAKE_CXX_FLAGS=$warnings $CONSUMER_FLAGS" \
  "-DCMAKE_EXE_LINKER_FLAGS=$CONSUMER_FLAGS"
expect_rc 0 "configuring the find_package consumer"
run "$CMAKE" --build cpp -j 2
expect_rc 0 "building the find_package consumer"

for exe in boot_check boot_check_static boot_check_c; do
  run "${ON_TARGET[@]}" "cpp/$exe" licenses/acme.lic 00:1a:2b:3c:4d:5e "$NOW"
  expect_boot_check licenses
done
# The shared one uses the installed library (not the build tree's); the static ones none.
run target_ldd cpp/boot_check
expect_out "$lib/libseatkey-verifier.so.$SOVERSION"
run target_ldd cpp/boot_check_static
expect_out_lacks libseatkey-verifier
run target_ldd cpp/boot_check_c
expect_out_lacks libseatkey-verifier
# Not licensed, and an input error, come back as exit 1 and 2.
run "${ON_TARGET[@]}" cpp/boot_check licenses/acme.lic 0099AABBCCDD "$NOW"
expect_rc 1 "another appliance"
run "${ON_TARGET[@]}" cpp/boot_check_static licenses/missing.lic 001A2B3C4D5E "$NOW"
expect_rc 2 "a missing license file"
expect_err "(io_error)"

# ---- CMake, a project in C alone: seatkey::verifier_static brings the C++ runtime ----------
run "$CMAKE" -S "$PACKAGING_DIR/consumer_c_only" -B c_only -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_PREFIX_PATH=$prefix" "${TARGET_CMAKE_ARGS[@]}" "-DCMAKE_C_FLAGS=$warnings $CONSUMER_FLAGS" \
  "-DCMAKE_EXE_LINKER_FLAGS=$CONSUMER_FLAGS"
expect_rc 0 "configuring the C-only find_package consumer"
run "$CMAKE" --build c_only -j 2
expect_rc 0 "building the C-only find_package consumer (static and shared)"
for exe in boot_check_c_static boot_check_c_shared; do
  run "${ON_TARGET[@]}" "c_only/$exe" licenses/acme.lic 00:1a:2b:3c:4d:5e "$NOW"
  expect_boot_check licenses
done
run target_ldd c_only/boot_check_c_static
expect_out_lacks libseatkey-verifier

# The version file: 0.1 is compatible, 9.0 is not.
mkdir -p version_check
cat >version_check/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(version_check LANGUAGES NONE)
find_package(seatkey 9.0 QUIET)
if(seatkey_FOUND)
  message(FATAL_ERROR "seatkey 9.0 was accepted")
endif()
find_package(seatkey ${WANT} EXACT REQUIRED)
message(STATUS "found seatkey ${seatkey_VERSION}")
CMAKE
run "$CMAKE" -S version_check -B version_check/build "-DCMAKE_PREFIX_PATH=$prefix" "-DWANT=$VERSION"
expect_rc 0 "find_package(seatkey $VERSION EXACT)"
expect_out "found seatkey $VERSION"

# ---- pkg-config ---------------------------------------------------------------------------
export PKG_CONFIG_PATH="$lib/pkgconfig"
run pkg-config --modversion seatkey-verifier
expect_rc 0
expect_eq "$(cat out)" "$VERSION"
run pkg-config --static --libs seatkey-verifier
expect_out "-lsodium"
# shellcheck disable=SC2046,SC2086
run "$CC" -std=c99 $warnings $CONSUMER_FLAGS $(pkg-config --cflags seatkey-verifier) \
  -o boot_check_pc "$PACKAGING_DIR/consumer_c/boot_check.c" $(pkg-config --libs seatkey-verifier) \
  "-Wl,-rpath,$lib"
expect_rc 0 "cc -std=c99 ... \$(pkg-config --cflags --libs seatkey-verifier)"
run "${ON_TARGET[@]}" ./boot_check_pc licenses/acme.lic 00:1a:2b:3c:4d:5e "$NOW"
expect_boot_check licenses
run target_ldd ./boot_check_pc
expect_out "$lib/libseatkey-verifier.so.$SOVERSION"

# Static, as docs/firmware.md shows it: the archive, libsodium, the C++ standard library.
# shellcheck disable=SC2046,SC2086
run "$CC" -std=c99 $warnings $CONSUMER_FLAGS $(pkg-config --cflags seatkey-verifier) \
  -o boot_check_pc_static "$PACKAGING_DIR/consumer_c/boot_check.c" \
  "$(pkg-config --variable=libdir seatkey-verifier)/libseatkey-verifier.a" $(pkg-config --libs libsodium) -lstdc++ -lm
expect_rc 0 "cc -std=c99 ... libseatkey-verifier.a \$(pkg-config --libs libsodium) -lstdc++ -lm"
run "${ON_TARGET[@]}" ./boot_check_pc_static licenses/acme.lic 00:1a:2b:3c:4d:5e "$NOW"
expect_boot_check licenses
run target_ldd ./boot_check_pc_static
expect_out_lacks libseatkey-verifier

# ---- The installed seatkey-verify (installed_programs.sh runs it from anywhere) ---------------
run env -u LD_LIBRARY_PATH "${ON_TARGET[@]}" "$prefix/bin/seatkey-verify" --appliance "$APPLIANCE" --licenses licenses --now "$NOW"
expect_rc 0 "the installed seatkey-verify"
expect_out "is licensed: Compact edition, 8 users"

pass
