#!/usr/bin/env bash
# ctest-name: packaging: C99 boot check against the shared library - real license set, every field printed
# ctest: needs=packaging seconds=5
# The C API from strict C99 (tests/packaging/consumer_c/boot_check.c, built in this tree with
# -std=c99 -Wall -Wextra -Wpedantic -Werror against the shared library): a real license set,
# every entitlement and report field; an explicit trust store; every error path of main().
. "$SOURCE_DIR/tests/packaging/lib.sh"

make_licenses licenses
run "$C_BOOT_CHECK" licenses/acme.lic 00:1a:2b:3c:4d:5e "$NOW"
expect_boot_check licenses

# An explicit trust store without the development key: nothing verifies, not licensed.
"$MINT" --new-key other.secret >other.public 2>/dev/null || fail "cannot make a test key"
run "$C_BOOT_CHECK" licenses/acme.lic 001A2B3C4D5E "$NOW" other.public
expect_rc 1 "licenses checked against another key"
expect_out "licensed: no"
expect_out "edition: none"
[ "$(grep -c 'reason=unknown_key' out)" -eq 3 ] || fail "expected 3 unknown_key rejections"

# The development key given explicitly: licensed again.
run "$C_BOOT_CHECK" licenses/acme.lic 001A2B3C4D5E "$NOW" "$DEV_PUBLIC"
expect_rc 0 "the development key as an explicit trust store"

# Errors: the status name and the library's message, exit 2.
run "$C_BOOT_CHECK" licenses/acme.lic 'bad id!' "$NOW"
expect_rc 2
expect_err "(invalid_appliance_id)"
run "$C_BOOT_CHECK" missing.lic 001A2B3C4D5E "$NOW"
expect_rc 2
expect_err "missing.lic"
expect_err "(io_error)"
run "$C_BOOT_CHECK" licenses/acme.lic 001A2B3C4D5E 2026-02-30T00:00:00Z
expect_rc 2
run "$C_BOOT_CHECK" licenses/acme.lic 001A2B3C4D5E "$NOW" missing.keys
expect_rc 2
expect_err "missing.keys"
run "$C_BOOT_CHECK" licenses/acme.lic 001A2B3C4D5E "$NOW" licenses/acme.lic
expect_rc 2
run "$C_BOOT_CHECK"
expect_rc 2
expect_err "usage: boot_check"

pass
