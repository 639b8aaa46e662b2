#!/usr/bin/env bash
# ctest-name: keygen cli: transfer: an appliance's licenses re-issued for another, the old ones taken back
# ctest: needs=keygen,mint seconds=10
# transfer (RMA, VM re-install): the old appliance's active server license and live packs
# re-issued for the new one in one transaction, the old ones taken back; the new license file
# has the same users; refusals named, nothing written.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
NEW=00:1a:2b:3c:4d:99  # canonical 001A2B3C4D99

issued 1 issue server --appliance "$A" --edition free --customer "Acme GmbH"
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH" --order SO-1 \
  --updates-until 2030-12-31T23:59:59Z --expires 2099-01-01T00:00:00Z
issued 2 issue users --appliance "$A" --users 5 --count 2 --order SO-2
issued 1 issue users --appliance "$A" --users 1 --order SO-3
keygen void 4 --reason refund
expect_rc 0
keygen export --appliance "$A"
expect_out "# compact, 9 users (3 included + 6 in packs, max 20)"

# --- The transfer: NEW's tokens on stdout (only them), the desk's summary on stderr.
keygen transfer --from "$A" --to "$NEW" --reason "RMA 1234"
expect_rc 0 "transfer"
cp out new.lic
expect_eq "$(grep -c '^v4\.public\.' new.lic)" 3 "(tokens printed)"
expect_eq "$(wc -l <new.lic)" 3 "(stdout holds only the tokens)"
expect_err "transferred appliance 001A2B3C4D5E to 001A2B3C4D99: compact, 9 users (3 included + 6 in packs, max 20)"
expect_err 'issued license 6 (compact server license for appliance 001A2B3C4D99, customer "Acme GmbH", order "SO-1"), for license 2'
expect_err 'issued license 7 (user pack of 5 users for appliance 001A2B3C4D99, customer "Acme GmbH", order "SO-2"), for license 3'
expect_err 'issued license 8 (user pack of 1 user for appliance 001A2B3C4D99, customer "Acme GmbH", order "SO-3"), for license 5'
expect_err "took back licenses 1, 2, 3, 5 of appliance 001A2B3C4D5E; revocation list 1 (serial 9) names them, 5 licenses in all; export carries it"
expect_err "4 tokens recorded in ledger.db"
expect_err_lacks "the list follows the tokens" # NEW had nothing taken back
# The list, signed in the transfer's transaction: the void's pack 4 and what the transfer took.
expect_eq "$(sqlite3 "$LEDGER" "SELECT serial, revocation_seq FROM licenses WHERE kind = 'revocation'")" "9|1"
while read -r token; do
  [ "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE token = '$token' AND appliance = '001A2B3C4D99'")" -eq 1 ] ||
    fail "a printed token is not NEW's row"
done <new.lic
# The same terms, new serials, each linked to what it stands in for.
expect_eq "$(sqlite3 "$LEDGER" "SELECT serial, kind, edition, users, customer, order_ref, updates_until, expires, transferred_from
  FROM licenses WHERE appliance = '001A2B3C4D99' ORDER BY serial")" \
  "$(printf '%s\n' '6|server|compact|3|Acme GmbH|SO-1|2030-12-31T23:59:59Z|2099-01-01T00:00:00Z|2' \
    '7|users||5|Acme GmbH|SO-2|||3' '8|users||1|Acme GmbH|SO-3|||5')"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(serial || ':' || type || ':' || transfer_to || ':' || reason, ' ')
  FROM events WHERE type = 'transfer'")" \
  "1:transfer:001A2B3C4D99:RMA 1234 2:transfer:001A2B3C4D99:RMA 1234 3:transfer:001A2B3C4D99:RMA 1234 5:transfer:001A2B3C4D99:RMA 1234"
run "$KEYGEN" inspect --public dev.public new.lic
expect_rc 0 "NEW's tokens verify"
expect_eq "$(grep -c '"appliance": "001A2B3C4D99"' out)" 3

# NEW's license file is what export writes; OLD has nothing left to export.
keygen export --appliance "$NEW"
expect_rc 0
expect_out "# compact, 9 users (3 included + 6 in packs, max 20)"
keygen export --appliance "$A"
expect_rc 1
expect_err "appliance 001A2B3C4D5E has no active server license on record: nothing to export"
keygen ledger list --status transferred
expect_eq "$(grep -cE '^ +[0-9]+  ' out)" 4 "(transferred rows)"
refused "license 2 was transferred to 001A2B3C4D99 at " void 2 --reason again
expect_err "(RMA 1234): a license is taken back once; nothing was voided"

# --- Refused (exit 1), nothing written.
refused "appliance 001A2B3C4D5E has no active server license on record: nothing to transfer" \
  transfer --from "$A" --to 00:1a:2b:3c:4d:aa
issued 1 issue server --appliance vm-0001 --edition vm
refused "appliance 001A2B3C4D99 already has licenses on record (serials 6, 7, 8): a transfer moves licenses to an appliance that has none" \
  transfer --from vm-0001 --to "$NEW"
refused "the old and the new appliance are the same, VM0001: nothing to transfer" transfer --from vm-0001 --to VM-0001
run "$KEYGEN" key new --out other.key --no-passphrase
refused "is not a signing key of ledger ledger.db" transfer --from vm-0001 --to vm-0003 --key other.key
# Input errors (exit 2).
input_error 'invalid appliance ID "vm 0003"' transfer --from vm-0001 --to "vm 0003"
input_error "--reason is empty" transfer --from vm-0001 --to vm-0003 --reason ""
input_error "--to is required" transfer --from vm-0001
input_error "cannot open ledger missing.db" transfer --from vm-0001 --to vm-0003 --ledger missing.db

keygen ledger verify
expect_rc 0 "the ledger verifies after the transfer"
pass
