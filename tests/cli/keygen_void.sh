#!/usr/bin/env bash
# ctest-name: keygen cli: void: events all or nothing; export and the issuing rules leave voided licenses out
# ctest: needs=keygen,mint seconds=15
# void: a void event per serial, all or nothing, the row never changes; a voided license leaves
# export and the issuing rules (a voided pack frees room under the Compact cap, a voided server
# license is no longer active). Every refusal and input error named, the ledger unchanged.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger

issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH"
issued 3 issue users --appliance "$A" --users 5 --count 3 --order SO-2
issued 2 issue users --appliance "$A" --users 1 --count 2
refused "would take the compact appliance to 21 users" issue users --appliance "$A" --users 1
row3=$(sqlite3 "$LEDGER" "SELECT * FROM licenses WHERE serial = 3")

# --- Void a pack of 5 and a pack of 1: told on stderr, nothing on stdout.
keygen void 3 6 --reason "refund, ticket 4711"
expect_rc 0 "void 3 6"
expect_no_out
expect_err 'voided license 3 (user pack of 5 users for appliance 001A2B3C4D5E, customer "Acme GmbH", order "SO-2")'
expect_err 'voided license 6 (user pack of 1 user for appliance 001A2B3C4D5E, customer "Acme GmbH")'
expect_err "appliance 001A2B3C4D5E now: compact, 14 users (3 included + 11 in packs, max 20)"
expect_err "2 voids recorded in ledger.db; they go into the next revocation list (seatkey-keygen revocations issue)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT * FROM licenses WHERE serial = 3")" "$row3" "(the voided row, unchanged)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT type, serial, reason, who FROM events ORDER BY chain_seq")" \
  "$(printf 'void|3|refund, ticket 4711|%s\nvoid|6|refund, ticket 4711|%s' "$(id -un)" "$(id -un)")"

# export leaves them out; the room is back under the cap.
keygen export --appliance "$A"
expect_rc 0
expect_out "# compact, 14 users (3 included + 11 in packs, max 20)"
expect_out_lacks "$(sqlite3 "$LEDGER" "SELECT token FROM licenses WHERE serial = 3")"
expect_out_lacks "# user pack 6:"
expect_eq "$(grep -c '^v4\.public\.' out)" 4
issued 1 issue users --appliance "$A" --users 5
issued 1 issue users --appliance "$A" --users 1
refused "would take the compact appliance to 21 users" issue users --appliance "$A" --users 1
keygen ledger list --status voided
expect_rc 0
grep -qE '^ +3  users +001A2B3C4D5E .* voided$' out || fail "serial 3 is not listed voided"
expect_eq "$(grep -cE '^ +[0-9]+  ' out)" 2 "(voided rows)"

# --- A voided server license is no longer active: nothing to export, no packs for it.
issued 1 issue server --appliance vm-0001 --edition vm
keygen void 9 --reason "sold by mistake"
expect_rc 0
expect_err "voided license 9 (vm server license for appliance VM0001)"
expect_err "1 void recorded in ledger.db; it goes into the next revocation list"
keygen export --appliance vm-0001
expect_rc 1
expect_err "appliance VM0001 has no active server license on record: nothing to export"
refused "appliance VM0001 has no server license on record" issue users --appliance vm-0001 --users 5
issued 1 issue server --appliance vm-0001 --edition appliance

# --- Refused, all or nothing (exit 1): an unknown serial, one already voided, a revocation list.
refused "ledger ledger.db has no license 99: nothing was voided" void 4 99 --reason refund
refused "license 3 was voided at " void 4 3 --reason refund
refused "(refund, ticket 4711): a license is taken back once; nothing was voided" void 3 --reason again
keygen revocations issue
expect_rc 0
list_serial=$(sqlite3 "$LEDGER" "SELECT serial FROM licenses WHERE kind = 'revocation'")
refused "serial $list_serial is a revocation list, not a license (a newer list replaces it): nothing was voided" \
  void "$list_serial" --reason x
# Input errors (exit 2).
input_error 'not a serial: "abc" (serials are numbers from 1, as ledger list shows them)' void abc --reason x
input_error 'not a serial: "0"' void 0 --reason x
input_error "serial 4 is given twice" void 4 4 --reason x
input_error "reason is empty" void 4 --reason ""
input_error "reason contains a control character" void 4 --reason $'a\nb'
input_error "--reason is required" void 4
input_error "serial is required" void --reason x
input_error "cannot open ledger missing.db" void 4 --reason x --ledger missing.db
[ ! -e missing.db ] || fail "void created a ledger"

keygen ledger verify
expect_rc 0 "the ledger verifies after the voids"
pass
