#!/usr/bin/env bash
# A firmware build with a production key (tests/packaging/production_test.public; its secret
# was thrown away): only seatkey-verify is built. It has no --trusted-keys (not in --help, a
# usage error when given), and it does not trust the development key.
. "$SOURCE_DIR/tests/packaging/lib.sh"

[ "$SANITIZE" = ON ] && skip "the firmware build is configured from scratch, independent of this" \
  "sanitizer build's flags; the normal build runs this test"

run "$CMAKE" -S "$SOURCE_DIR" -B fw -G Ninja -DSEATKEY_FIRMWARE=ON \
  "-DSEATKEY_TRUSTED_KEYS=$PACKAGING_DIR/production_test.public" \
  -DSEATKEY_BUILD_TESTS=OFF -DSEATKEY_BUILD_BENCH=OFF "-DCMAKE_C_COMPILER=$CC" "-DCMAKE_CXX_COMPILER=$CXX" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DCMAKE_C_FLAGS_DEBUG=-O0
expect_rc 0 "configuring a firmware build with a production key"
run "$CMAKE" --build fw --target seatkey-verify -j 2
expect_rc 0 "building seatkey-verify in firmware mode"
fw_verify=fw/verifier/seatkey-verify

run "$fw_verify" --help
expect_rc 0
expect_out "--licenses PATH"
expect_out_lacks "--trusted-keys"
expect_out_lacks "trusted-keys"
sed -n '/^Options:/,/^$/p' out

run "$fw_verify" --appliance "$APPLIANCE" --licenses x.lic --trusted-keys "$DEV_PUBLIC"
expect_rc 2 "--trusted-keys given to a firmware build"
expect_err "--trusted-keys"
expect_no_out
cat err

# The built-in trust store is the production key: the development key's licenses are rejected.
make_licenses licenses
run "$fw_verify" --appliance "$APPLIANCE" --licenses licenses --now "$NOW" --json
expect_rc 1 "development-signed licenses in a firmware build"
expect_out '"licensed": false'
[ "$(grep -c '"reason": "unknown_key"' out)" -eq 3 ] || fail "expected 3 unknown_key rejections"

run "$fw_verify" --version
expect_rc 0
expect_out "seatkey-verify $VERSION"

pass
