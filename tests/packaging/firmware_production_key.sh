#!/usr/bin/env bash
# ctest-name: packaging: firmware build with a production key - seatkey-verify has no --trusted-keys
# ctest: needs=packaging seconds=60 lock=seatkey_nested_build
# A firmware build with a production key (tests/packaging/production_test.public; its secret
# was thrown away): only seatkey-verify is built. It has no --trusted-keys and no --grace-days
# (not in --help, a usage error when given), it does not trust the development key, and its
# build time is the clock floor of every evaluation.
. "$SOURCE_DIR/tests/packaging/lib.sh"

[ "$SANITIZE" = ON ] && skip "the firmware build is configured from scratch, independent of this" \
  "sanitizer build's flags; the normal build runs this test"

# The build time (the clock floor) and the grace days are given explicitly.
run "$CMAKE" -S "$SOURCE_DIR" -B fw -G Ninja -DSEATKEY_FIRMWARE=ON \
  "-DSEATKEY_TRUSTED_KEYS=$PACKAGING_DIR/production_test.public" \
  -DSEATKEY_BUILD_TIME=2026-12-24T18:00:00Z -DSEATKEY_GRACE_DAYS=7 -DSEATKEY_KEYGEN=OFF \
  -DSEATKEY_BUILD_TESTS=OFF -DSEATKEY_BUILD_BENCH=OFF "${TARGET_CMAKE_ARGS[@]}" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DCMAKE_C_FLAGS_DEBUG=-O0
expect_rc 0 "configuring a firmware build with a production key"
run "$CMAKE" --build fw --target seatkey-verify -j 2
expect_rc 0 "building seatkey-verify in firmware mode"
fw_verify=$(target_program fw/verifier/seatkey-verify)

run "$fw_verify" --help
expect_rc 0
expect_out "--licenses PATH"
expect_out "--state FILE"
expect_out_lacks "--trusted-keys"
expect_out_lacks "trusted-keys"
expect_out_lacks "--grace-days"
sed -n '/^Options:/,/^$/p' out

run "$fw_verify" --appliance "$APPLIANCE" --licenses x.lic --state st.json --grace-days 3650
expect_rc 2 "--grace-days given to a firmware build"
expect_err "--grace-days"
expect_no_out
[ ! -e st.json ] || fail "a usage error wrote a state file"

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

# The build time is the clock floor: a 1970 clock is evaluated at it (nothing else here is
# known: the development key's licenses do not verify in this build).
run "$fw_verify" --appliance "$APPLIANCE" --licenses licenses --now 1970-01-01T00:00:00Z --json
expect_rc 1 "a firmware build at 1970"
expect_out '"clock_floor": "2026-12-24T18:00:00Z",'
expect_out '"evaluated_at": "2026-12-24T18:00:00Z",'
expect_out '"clock_behind": true,'

run "$fw_verify" --version
expect_rc 0
expect_out "seatkey-verify $VERSION (firmware build of 2026-12-24T18:00:00Z, the clock floor; 7 days of grace)"
expect_out "trusted key: $("$MINT" --kid-of "$(grep -o 'k4\.public\.[A-Za-z0-9_-]*' "$PACKAGING_DIR/production_test.public")")"
expect_out "built-in revocation list: none"
expect_out_lacks "development"

# A firmware build makes the production packages: named without a development build's mark.
for component in RUNTIME DEVELOPMENT; do
  name=$(sed -n "s/^set(CPACK_DEBIAN_${component}_PACKAGE_NAME \"\(.*\)\")$/\1/p" fw/CPackConfig.cmake)
  case "$component" in
    RUNTIME) expect_eq "$name" seatkey-verifier "(the firmware build's runtime package)" ;;
    DEVELOPMENT) expect_eq "$name" seatkey-verifier-dev "(the firmware build's development package)" ;;
  esac
done

pass
