#!/usr/bin/env bash
# ctest-name: keygen cli: export and ledger list: the appliance's license file, table and JSON
# ctest: needs=keygen,mint seconds=10
# export prints the appliance's license file (active server license + unexpired packs, each
# described); ledger list shows a table for people and JSON for scripts.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger

issued 1 issue server --appliance "$A" --edition free --customer "Acme GmbH"
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH" --order SO-2 \
  --updates-until 2030-12-31T23:59:59Z
issued 2 issue users --appliance "$A" --users 5 --count 2 --order SO-3
issued 1 issue users --appliance "$A" --users 1 --expires 2099-01-01T00:00:00Z
issued 1 issue server --appliance other-box --edition vm

run "$KEYGEN" export --ledger "$LEDGER" --appliance 001a2b3c4d5e
expect_rc 0
cp out license.txt
expect_out "# seatkey license file for appliance 001A2B3C4D5E"
expect_out "# compact, 14 users (3 included + 11 in packs, max 20)"
expect_out '# server license 2: compact, 3 users included, updates until 2030-12-31T23:59:59Z, customer "Acme GmbH", order "SO-2"'
# Packs issued without --customer are the customer's of the server license they joined.
expect_out '# user pack 3: 5 users, customer "Acme GmbH", order "SO-3"'
expect_out '# user pack 4: 5 users, customer "Acme GmbH", order "SO-3"'
expect_out '# user pack 5: 1 user, expires 2099-01-01T00:00:00Z, customer "Acme GmbH", issued'
expect_out_lacks "server license 1:"
expect_out_lacks "server license 6:"
expect_eq "$(grep -c '^v4\.public\.' out)" 4
expect_eq "$(grep -vc -e '^#' -e '^v4\.public\.' out)" 0
expect_err "exported the license file of appliance 001A2B3C4D5E: compact, 14 users"
# Each exported token is the one recorded, and verifies.
for serial in 2 3 4 5; do
  grep -qxF "$(sqlite3 "$LEDGER" "SELECT token FROM licenses WHERE serial = $serial")" license.txt ||
    fail "export lacks serial $serial"
done
run "$KEYGEN" inspect --public dev.public license.txt
expect_rc 0
expect_eq "$(grep -c '"verified": true' out)" 4

# Nothing to export, and input errors.
before=$(ledger_dump)
run "$KEYGEN" export --ledger "$LEDGER" --appliance beef0001
expect_rc 1
expect_err "appliance BEEF0001 has no active server license on record: nothing to export"
expect_no_out
run "$KEYGEN" export --ledger "$LEDGER" --appliance "b e e f"
expect_rc 2
expect_err "invalid appliance ID"
run "$KEYGEN" export --ledger missing.db --appliance "$A"
expect_rc 2
expect_err "cannot open ledger missing.db"
[ ! -e missing.db ] || fail "export created a ledger"
run env SEATKEY_LEDGER="$LEDGER" "$KEYGEN" export --appliance other-box
expect_rc 0
expect_out "# vm, 1 user (1 included + 0 in packs, no maximum)"
[ "$(ledger_dump)" = "$before" ] || fail "export changed the ledger"

# ledger list: the table, statuses, the per-appliance totals, the filter; a ledger that issues
# with the development key says so first, and its signing keys last.
run "$KEYGEN" ledger list --ledger "$LEDGER"
expect_rc 0
expect_eq "$(head -1 out)" "DEVELOPMENT LEDGER ledger.db: it issues with the development key of keys/ (k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW), whose secret everyone has: for tests only"
grep -qE '^signing key k4\.pid\.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW: registered [0-9T:Z-]+ by ledger init, the DEVELOPMENT key$' out ||
  fail "ledger list does not name its signing key"
expect_out "SERIAL  KIND    APPLIANCE     EDITION  USERS  ISSUED"
grep -qE '^ +1  server  001A2B3C4D5E  free +3  .*Acme GmbH .*superseded$' out || fail "serial 1 not superseded"
grep -qE '^ +2  server  001A2B3C4D5E  compact +3  .*SO-2 .*active$' out || fail "serial 2 not active"
grep -qE '^ +5  users   001A2B3C4D5E  - +1  .*2099-01-01T00:00:00Z  active$' out || fail "serial 5 row"
expect_out "001A2B3C4D5E: compact, 14 users (3 included + 11 in packs, max 20)"
expect_out "OTHERBOX: vm, 1 user (1 included + 0 in packs, no maximum)"
run "$KEYGEN" ledger list --ledger "$LEDGER" --appliance other-box
expect_rc 0
expect_out_lacks "001A2B3C4D5E"
expect_eq "$(grep -c ' server ' out)" 1
run "$KEYGEN" ledger list --ledger "$LEDGER" --appliance cafe0001
expect_rc 0
expect_out "no licenses on record for appliance CAFE0001"

# ledger list --json: the signing keys, and every row with its fields and token.
run "$KEYGEN" ledger list --ledger "$LEDGER" --json
expect_rc 0
expect_out '"development_ledger": true,'
expect_out '"public_key": "k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3-92ZBruhrJs",'
expect_out '"origin": "init"'
expect_eq "$(grep -c '"token": "v4.public.' out)" 6
expect_out '"serial": 1,'
expect_out '"status": "superseded"'
expect_out '"replaces": 1,'
expect_out '"updates_until": "2030-12-31T23:59:59Z"'
expect_out '"key_id": "k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW"'
expect_eq "$(grep -c '"customer": "Acme GmbH"' out)" 5 "(the customer's rows: 2 server licenses, 3 packs)"
run "$KEYGEN" ledger list --ledger "$LEDGER" --json --appliance nobody-here
expect_rc 0
expect_out '"licenses": []'

# Not a ledger.
run "$KEYGEN" ledger list --ledger dev.public
expect_rc 2
expect_err "dev.public is not a seatkey ledger"
[ "$(ledger_dump)" = "$before" ] || fail "ledger list changed the ledger"

pass
