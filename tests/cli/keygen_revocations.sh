#!/usr/bin/env bash
# ctest-name: keygen cli: revocations: cumulative signed lists, seq one more each time, refused when nothing is new
# ctest: needs=keygen,mint seconds=10
# revocations issue: the next cumulative revocation list, signed, recorded, printed; seq one
# more each time, every serial ever voided or transferred, in numeric order; refused when
# nothing is new. revocations list: a table, or JSON with the tokens.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger

keygen revocations list
expect_rc 0
expect_out "no revocation lists yet (seatkey-keygen revocations issue signs one)"
issued 1 issue server --appliance "$A" --edition vm
issued 10 issue users --appliance "$A" --users 5 --count 10
refused "no license of ledger ledger.db was ever voided or transferred: a revocation list would revoke nothing" \
  revocations issue

keygen void 10 9 --reason refund
expect_rc 0
issued 1 revocations issue
cp out first.lic
expect_err "issued revocation list 1 (serial 12): 2 licenses revoked, 2 not in the list before it"
expect_eq "$(sqlite3 "$LEDGER" "SELECT serial, kind, appliance IS NULL, users, revocation_seq FROM licenses WHERE serial = 12")" \
  "12|revocation|1|0|1"
# The token: kind revocation, seq, the serials in numeric order, no appliance; it verifies.
run "$KEYGEN" inspect --public dev.public first.lic
expect_rc 0 "inspect --public of the revocation list"
expect_out '"kind": "revocation",'
expect_out '"seq": 1,'
tr -d ' \n' <out | grep -qF '"revoked":["9","10"]' || fail "the list does not revoke 9 and 10 in order"
expect_out_lacks '"appliance"'
expect_out '"license_claims": "valid"'

refused "revocation list 1 (serial 12, issued " revocations issue
refused "already names every license taken back (2): nothing new to revoke; it is still the list to ship" \
  revocations issue
expect_hint "seatkey-keygen revocations list --ledger ledger.db --json"

keygen void 2 --reason "sold by mistake"
issued 1 revocations issue
expect_err "issued revocation list 2 (serial 13): 3 licenses revoked, 1 not in the list before it"
second=$(cat out)

keygen revocations list
expect_rc 0
expect_out "  SEQ  SERIAL  ISSUED                REVOKED  STATUS"
grep -qE '^ +1 +12  [0-9T:Z-]+ +2  superseded$' out || fail "list 1 row"
grep -qE '^ +2 +13  [0-9T:Z-]+ +3  active$' out || fail "list 2 row"
expect_out "list 2 revokes: 2 9 10"
keygen revocations list --json
expect_rc 0
expect_out "\"token\": \"$second\""
expect_eq "$(grep -c '"seq":' out)" 2
expect_out '"status": "active",'
# In ledger list, a revocation list has no appliance and no users.
keygen ledger list --kind revocation
expect_rc 0
grep -qE '^ +12  revocation  -  +-  +-  .*superseded$' out || fail "ledger list shows the old list"
grep -qE '^ +13  revocation  -  +-  +-  .*active$' out || fail "ledger list shows the newest list"
keygen ledger verify
expect_rc 0
input_error "cannot open ledger missing.db" revocations issue --ledger missing.db
pass
