#!/usr/bin/env bash
# ctest-name: keygen cli: standby: a redundancy pair issued, exported and verified; --replace voids; refusals named
# ctest: needs=keygen,verify,mint seconds=15
# Standby licenses (a redundancy pair): the primary P gets a server license and packs, the
# standby S a standby license naming P; export of S writes the standby license and P's
# licenses, and seatkey-verify on S reports P's users and standby_for. --replace voids the
# previous standby in the same transaction; every refusal named, the ledger unchanged.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
P=001A2B3C4D5E
S=00:aa:bb:cc:dd:ee  # canonical 00AABBCCDDEE
T=00AABBCCDDFF
verify() { run "$VERIFY" --trusted-keys dev.public "$@"; }

# --- Refused without a commercial server license on the primary.
refused "primary 001A2B3C4D5E has no active server license on record: a standby runs on its primary's licenses" \
  issue standby --appliance "$S" --primary "$A"
issued 1 issue server --appliance "$A" --edition free
refused "primary 001A2B3C4D5E runs the free edition (server license 1): a standby needs a primary with a commercial server license" \
  issue standby --appliance "$S" --primary "$A"

# --- The scenario: P's server license and packs, then S's standby license.
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH"
issued 2 issue users --appliance "$A" --users 5 --count 2
issued 1 issue standby --appliance "$S" --primary "$A" --order SO-9
expect_err "issued standby license 5: the standby of 001A2B3C4D5E"
expect_err "appliance 00AABBCCDDEE is the standby of 001A2B3C4D5E"
expect_err "primary 001A2B3C4D5E now: compact, 13 users (3 included + 10 in packs, max 20)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT kind, appliance, primary_appliance, users FROM licenses WHERE serial = 5")" \
  "standby|00AABBCCDDEE|001A2B3C4D5E|0"

# Listed and shown with its primary.
keygen ledger list --appliance "$S"
expect_rc 0
grep -qE '^ +5  standby +00AABBCCDDEE \(standby of 001A2B3C4D5E\) +- +- +[0-9T:-]+Z .* active$' out ||
  fail "standby 5 not listed (no edition, no users)"
expect_out "00AABBCCDDEE: the standby of 001A2B3C4D5E (standby license 5), counting its licenses"
keygen ledger show 5
expect_rc 0
expect_out "kind              standby"
expect_out "standby of        001A2B3C4D5E"
keygen ledger list --kind standby --json
expect_out '"primary": "001A2B3C4D5E",'

# export of S: its standby license, then P's license file.
keygen export --appliance "$S"
expect_rc 0
cp out standby.lic
expect_out "# seatkey license file for appliance 00AABBCCDDEE, the standby of 001A2B3C4D5E"
expect_out "# standby license 5: the standby of 001A2B3C4D5E"
expect_out "# seatkey license file for appliance 001A2B3C4D5E"
expect_eq "$(grep -c '^v4\.public\.' out)" 4
expect_err "exported the license file of appliance 00AABBCCDDEE, the standby of 001A2B3C4D5E: compact, 13 users"

# The boot check on S: P's users, standby_for P.
verify --appliance "$S" --licenses standby.lic
expect_rc 0 "verify on the standby"
expect_out "Appliance 00AABBCCDDEE is licensed: Compact edition, 13 users (server license 2; standby for 001A2B3C4D5E)."
expect_out "Licenses: 4 accepted, 0 not accepted."
verify --appliance "$S" --licenses standby.lic --json
expect_rc 0
expect_out '"standby_for": "001A2B3C4D5E",'
expect_out '"licensed_users": 13,'
expect_out '"message": "the active standby license: this appliance is the standby of 001A2B3C4D5E and counts its licenses"'
# The same file on another appliance: nothing counts.
verify --appliance "$T" --licenses standby.lic
expect_rc 1 "verify on a third appliance"
expect_out "Appliance 00AABBCCDDFF is NOT licensed: no valid server license was found."
# P's own file, without the standby license, on S: wrong_appliance.
keygen export --appliance "$A"
cp out primary.lic
verify --appliance "$S" --licenses primary.lic
expect_rc 1 "P's file on S"
expect_out "server license 2: issued for appliance 001A2B3C4D5E, not for this one (00AABBCCDDEE)."

# --- One standby per primary; --replace voids the previous one.
refused "primary 001A2B3C4D5E already has standby license 5 (appliance 00AABBCCDDEE, the standby of 001A2B3C4D5E" \
  issue standby --appliance "$T" --primary "$A"
refused "one standby per primary: issue the new one as its replacement (the old one is voided)" \
  issue standby --appliance "$T" --primary "$A"
expect_hint "seatkey-keygen issue standby --appliance 00AABBCCDDFF --primary 001A2B3C4D5E --replace"
issued 1 issue standby --appliance "$T" --primary "$A" --replace
expect_err "replacing standby license 5 (voided; appliance 00AABBCCDDEE)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT type, serial, reason, who FROM events ORDER BY chain_seq")" \
  "void|5|replaced by standby license 6|$(id -un)"
keygen ledger list --status voided
grep -qE '^ +5  standby +00AABBCCDDEE' out || fail "standby 5 is not listed voided"
refused "appliance 00AABBCCDDEE has no active server license on record" export --appliance "$S"
keygen export --appliance "$T"
expect_rc 0
expect_out "# standby license 6: the standby of 001A2B3C4D5E"
keygen ledger verify
expect_rc 0 "the chain verifies with standby rows and the replacing void"

# --- The other refusals.
refused "a standby license pairs two appliances, but the standby and its primary are both 001A2B3C4D5E" \
  issue standby --appliance "$A" --primary "$A"
refused "appliance 00AABBCCDDFF is itself the standby of 001A2B3C4D5E" issue standby --appliance "$S" --primary "$T"
refused "appliance 00AABBCCDDFF is the standby of 001A2B3C4D5E (standby license 6): a standby counts only its primary's licenses" \
  issue users --appliance "$T" --users 5
issued 1 issue server --appliance "$S" --edition vm
refused "nothing to replace: primary 00AABBCCDDEE has no active standby license on record" \
  issue standby --appliance "$T" --primary "$S" --replace
refused "appliance 00AABBCCDDEE has licenses of its own on record (serial 7)" \
  issue standby --appliance "$S" --primary "$A" --replace
input_error "invalid appliance ID" issue standby --appliance "$S" --primary "not an id!"

# --- A batch order of type standby.
printf '[{"type":"server","appliance":"0011223344AA","edition":"vm"},{"type":"standby","appliance":"0011223344BB","primary":"0011223344AA"}]' >orders.json
issued 2 issue batch --orders orders.json
expect_err "issued standby license 9: the standby of 0011223344AA"
printf '[{"type":"standby","appliance":"0011223344CC","primary":"0011223344AA","users":5}]' >bad.json
input_error 'order 1: unknown field "users" (allowed here: type, appliance, primary, customer, order, expires, replace)' \
  issue batch --orders bad.json

# --- After a transfer of the primary, the standby is paired again as docs/back-office.md says:
# void its standby license (the refusal names it), then issue one for the new primary.
Q=00CAFE0000AA
keygen transfer --from "$A" --to "$Q" --reason "RMA"
expect_rc 0 "transfer of the primary"
refused "appliance 00AABBCCDDFF is already the standby of 001A2B3C4D5E (standby license 6" \
  issue standby --appliance "$T" --primary "$Q"
expect_err "); void that standby license first"
expect_hint "seatkey-keygen void 6 --reason TEXT"
keygen void 6 --reason "primary transferred"
expect_rc 0 "void of the old standby license"
issued 1 issue standby --appliance "$T" --primary "$Q"
keygen export --appliance "$T"
expect_rc 0
expect_out "the standby of 00CAFE0000AA"
keygen ledger verify
expect_rc 0 "the chain verifies after the re-pairing"

pass
