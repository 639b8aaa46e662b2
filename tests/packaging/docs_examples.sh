#!/usr/bin/env bash
# ctest-name: packaging: docs/format.md example and docs/firmware.md examples - compile, run, give the documented result
# ctest: needs=packaging seconds=20
# The documentation's examples are real: docs/firmware.md's C and C++ programs compile
# (C99 / C++17, warnings as errors, against this build's shared library) and run on a real
# license set; docs/format.md's example tokens give the entitlement the text describes.
. "$SOURCE_DIR/tests/packaging/lib.sh"

# block FILE LANG: the first ```LANG fenced block of FILE.
block() { awk -v lang="$2" '$0 == "```" lang { on = 1; next } on && $0 == "```" { exit } on' "$1"; }

lib_dir=$(dirname "$LIBRARY")
include="$SOURCE_DIR/verifier/include"
abi_include="$SOURCE_DIR/common/abi"  # seatkey/editions.h, installed beside the headers
warnings="-Wall -Wextra -Wpedantic -Werror"
make_licenses licenses

block "$SOURCE_DIR/docs/firmware.md" c >example.c
[ -s example.c ] || fail "docs/firmware.md has no C example"
# shellcheck disable=SC2086
run "$CC" -std=c99 $warnings $CONSUMER_FLAGS "-I$include" "-I$abi_include" -o example_c example.c "-L$lib_dir" -lseatkey-verifier \
  "-Wl,-rpath,$lib_dir"
expect_rc 0 "compiling docs/firmware.md's C example"
example_c=$(target_program example_c)
run "$example_c" licenses 00:1a:2b:3c:4d:5e c.state
expect_rc 0 "docs/firmware.md's C example"
expect_out "licensed users: 8"
expect_err "(wrong_appliance)"
expect_err "license check: state file c.state does not exist yet"
# The appliance ID changed: in grace, the same users.
run "$example_c" licenses 00:99:aa:bb:cc:dd c.state
expect_rc 0 "docs/firmware.md's C example, another ID"
expect_out "licensed users: 8"
expect_err "license check: IN GRACE until "
expect_err "(appliance_changed)"
run "$example_c" licenses "no id!" c.state
expect_rc 2 "docs/firmware.md's C example, a bad ID"
expect_err "license check failed"

block "$SOURCE_DIR/docs/firmware.md" cpp >example.cpp
[ -s example.cpp ] || fail "docs/firmware.md has no C++ example"
# shellcheck disable=SC2086
run "$CXX" -std=c++17 $warnings $CONSUMER_FLAGS "-I$include" "-I$abi_include" -o example_cpp example.cpp "-L$lib_dir" \
  -lseatkey-verifier "-Wl,-rpath,$lib_dir"
expect_rc 0 "compiling docs/firmware.md's C++ example"
example_cpp=$(target_program example_cpp)
run "$example_cpp" licenses 00:1a:2b:3c:4d:5e cpp.state
expect_rc 0 "docs/firmware.md's C++ example"
expect_out "licensed users: 8, may add one more with 12 in use: no"
expect_err "(wrong_appliance)"
expect_err "license check: state file cpp.state does not exist yet"
# The license folder gone: a warning, and grace keeps the 8 users.
run "$example_cpp" missing 00:1a:2b:3c:4d:5e cpp.state
expect_rc 0 "docs/firmware.md's C++ example, the licenses gone"
expect_out "licensed users: 8"
expect_err "license check: cannot read licenses missing"
expect_err "(licenses_unreadable)"
run "$example_cpp" licenses "no id!" cpp.state
expect_rc 2
expect_err "license check failed"

# docs/format.md's test vector.
sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' "$SOURCE_DIR/docs/format.md" | grep '^v4\.public\.' >example.lic
expect_eq "$(wc -l <example.lic)" 5 "(tokens in docs/format.md's example)"
run "$VERIFY" --trusted-keys "$DEV_PUBLIC" --appliance 00:1a:2b:3c:4d:5e --licenses example.lic \
  --now 2026-11-28T10:00:00Z --json
expect_rc 0 "docs/format.md's example"
for field in '"edition": "compact"' '"server_license": "1"' '"included_users": 3' '"pack_users": 5' \
  '"licensed_users": 8' '"max_users": 20' '"excess_users": 0' '"updates_allowed": true' \
  '"updates_until": "2027-12-31T23:59:59Z"'; do
  expect_out "$field"
done
expect_eq "$(sed -n 's/^      "reason": "\(.*\)",$/\1/p' out | tr '\n' ' ')" "duplicate expired wrong_appliance " \
  "(docs/format.md's rejections)"
expect_eq "$(sed -n 's/^      "source": "example.lic:\(.*\)",$/\1/p' out | tr '\n' ' ')" "1 2 3 4 5 " \
  "(accepted lines 1 and 2, then rejected lines 3 to 5)"

pass
