#!/usr/bin/env bash
# ctest: needs=verify,mint
# A development build says so, and so does every result resting on the public development key
# (keys/development.*, whose secret is public too): --version names it, the summary names the
# accepted licenses it signed, --json flags them ("development_key") in the entitlement and in
# each report. Another vendor key's licenses are not flagged.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

DEV_KID=$(mint --kid)

# --version: this build trusts the development key (the tests' builds do).
run "$VERIFY" --version
expect_rc 0 "seatkey-verify --version"
head -1 out | grep -qE '^seatkey-verify [0-9]+\.[0-9]+\.[0-9]+$' || fail "the first line is not the program and its version"
expect_out "development build: trusts the public development key ($DEV_KID), whose secret key is public: never ship it"
expect_out "trusted key: $DEV_KID"
expect_out "built-in revocation list: none"

# Licenses of the development key: named in the summary, flagged in --json.
mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" "$(pack_payload 1003 1 "$OTHER_APPLIANCE")" >dev.lic
verify --licenses dev.lic
expect_rc 0 "development-key licenses"
expect_out "Dev key:  licenses 1001, 1002 are signed with the public DEVELOPMENT key, which anyone can sign with: a production firmware does not accept them."
verify --licenses dev.lic --json
expect_rc 0
expect_out '"development_key": true,'
[ "$(grep -c '^      "development_key": true,$' out)" -eq 3 ] || fail "expected 3 reports flagged (2 accepted, 1 rejected)"
[ "$(grep -c '^  "development_key": true,$' out)" -eq 1 ] || fail "expected the entitlement flagged"

# A vendor key's licenses: no line, nothing flagged.
"$MINT" --new-key vendor.key >vendor.public 2>/dev/null || fail "cannot make a test key"
mint --key vendor.key "$(server_payload 2001 compact)" "$(pack_payload 2002 5)" >vendor.lic
verify --licenses vendor.lic --trusted-keys vendor.public
expect_rc 0 "another key's licenses"
expect_out "Compact edition, 8 users"
expect_out_lacks "Dev key:"
expect_out_lacks "DEVELOPMENT"
verify --licenses vendor.lic --trusted-keys vendor.public --json
expect_rc 0
expect_out '"development_key": false,'
expect_out_lacks '"development_key": true'

# Both keys trusted: only the development key's accepted pack is named.
cat vendor.public "$DEV_PUBLIC" >both.public
mint --key vendor.key "$(server_payload 2001 compact)" >mixed.lic
mint "$(pack_payload 1002 5)" "$(pack_payload 1003 1 "$OTHER_APPLIANCE")" >>mixed.lic
verify --licenses mixed.lic --trusted-keys both.public
expect_rc 0 "a vendor key's server license and a development key's pack"
expect_out "Dev key:  license 1002 is signed with the public DEVELOPMENT key, which anyone can sign with: a production firmware does not accept it."
# The development key's rejected pack alone does not flag the entitlement.
mint --key vendor.key "$(server_payload 2001 compact)" >rejected.lic
mint "$(pack_payload 1003 1 "$OTHER_APPLIANCE")" >>rejected.lic
verify --licenses rejected.lic --trusted-keys both.public --json
expect_rc 0
[ "$(grep -c '^  "development_key": false,$' out)" -eq 1 ] || fail "the entitlement is flagged by a rejected license"
[ "$(grep -c '^      "development_key": true,$' out)" -eq 1 ] || fail "the rejected pack's report is not flagged"

# Many: five named, the rest counted.
mint "$(server_payload 1001 appliance)" "$(pack_payload 1002 5)" "$(pack_payload 1003 5)" "$(pack_payload 1004 5)" \
  "$(pack_payload 1005 5)" "$(pack_payload 1006 5)" "$(pack_payload 1007 5)" >many.lic
verify --licenses many.lic
expect_rc 0
expect_out "Dev key:  licenses 1001, 1002, 1003, 1004, 1005 and 2 more are signed with the public DEVELOPMENT key"

pass
