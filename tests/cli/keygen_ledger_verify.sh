#!/usr/bin/env bash
# ctest-name: keygen cli: ledger verify: hand edits named, head and anchor, older ledgers migrated and verified
# ctest: needs=keygen,mint seconds=25
# ledger verify: the hash chain recomputed, every token's signature and claims checked; the
# first row that does not match named (exit 1) after hand edits with the sqlite3 tool: a
# customer changed with the triggers dropped, a deleted row, swapped tokens, an edited event.
# ledger head and --anchor; ledger migrate of older ledgers; --public for migrated keys.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key

# fresh_ledger: a new ledger with licenses 1-5, a void (link 6) and a revocation list (serial 6).
fresh_ledger() {
  rm -f "$LEDGER" "$LEDGER-wal" "$LEDGER-shm"
  init_ledger
  issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH"
  issued 4 issue users --appliance "$A" --users 1 --count 4
  keygen void 3 --reason refund
  expect_rc 0
  issued 1 revocations issue
}
# hand_edit SQL: SQL run with the sqlite3 tool, the append-only triggers dropped first.
hand_edit() {
  sqlite3 "$LEDGER" "DROP TRIGGER licenses_no_update; DROP TRIGGER licenses_no_delete;
    DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; $1" || fail "hand edit: $1"
}
# does_not_verify PROBLEM: exit 1, the problem named, no head printed.
does_not_verify() {
  keygen ledger verify
  expect_rc 1 "ledger verify of a tampered ledger"
  expect_err "seatkey-keygen: ledger ledger.db does not verify: $1"
  expect_no_out
}

fresh_ledger
keygen ledger verify
expect_rc 0 "ledger verify"
head=$(cat out)
[[ "$head" =~ ^[0-9a-f]{64}$ ]] || fail "ledger verify printed no head hash: $head"
expect_err "ledger ledger.db verifies: 7 links (5 licenses, 1 revocation list, 1 event), every token signed by a signing key of the ledger and equal to its row"
keygen ledger head
expect_rc 0
expect_eq "$(cat out)" "$head" "(ledger head)"
expect_err "chain head of ledger ledger.db at position 7"
keygen ledger verify --anchor "$head"
expect_rc 0
expect_err "the anchor is chain position 7"
anchor3=$(sqlite3 "$LEDGER" "SELECT lower(hex(chain_hash)) FROM licenses WHERE serial = 3")
keygen ledger verify --anchor "$(echo "$anchor3" | tr a-f A-F)"
expect_rc 0 "an anchor in capitals"
expect_err "the anchor is chain position 3"

# --- Hand edits, each on a fresh ledger.
hand_edit "UPDATE licenses SET customer = 'Beta KG' WHERE serial = 1"
does_not_verify "license 1 (chain position 1) does not match its chain hash: it was changed after it was written (or a link before it was)"

fresh_ledger
hand_edit "DELETE FROM licenses WHERE serial = 4"
does_not_verify "license 5 (chain position 5): chain position 4 is missing before it: a row or an event was deleted"

fresh_ledger
hand_edit "CREATE TEMP TABLE saved AS SELECT serial, token FROM licenses WHERE serial IN (2, 4);
  UPDATE licenses SET token = 'parked' || serial WHERE serial IN (2, 4);
  UPDATE licenses SET token = (SELECT token FROM saved WHERE saved.serial = 6 - licenses.serial) WHERE serial IN (2, 4);"
does_not_verify "license 2 (chain position 2) does not match its chain hash"

fresh_ledger
hand_edit "UPDATE events SET reason = 'sold by mistake'"
does_not_verify "event 6 (void of license 3) does not match its chain hash"

fresh_ledger
hand_edit "DELETE FROM events"
does_not_verify "revocation list 6 (chain position 7): chain position 6 is missing before it"

# --- The newest link removed: the chain alone cannot tell; the anchor kept elsewhere does.
fresh_ledger
keygen ledger head
head=$(cat out)
hand_edit "DELETE FROM licenses WHERE serial = 6"
keygen ledger verify
expect_rc 0 "a chain cut at its end still verifies on its own"
keygen ledger verify --anchor "$head"
expect_rc 1 "the anchor is gone"
expect_err "does not verify: the anchor $head is no link of this ledger's chain (6 links, head "
expect_err "the newest links were removed"
input_error "--anchor abc is not a head hash (64 hexadecimal digits, as ledger head prints it)" ledger verify --anchor abc
input_error "--anchor" ledger verify --anchor "$(printf 'g%.0s' $(seq 64))"

# --- Older ledgers: verify and head need the chain; migrate (or any write) computes it.
cp "$SOURCE_DIR/tests/fixtures/schema2.db" old2.db
chmod 600 old2.db
for cmd in "ledger verify" "ledger head"; do
  # shellcheck disable=SC2086
  run "$KEYGEN" $cmd --ledger old2.db
  expect_rc 2 "$cmd of a schema 2 ledger"
  expect_err "seatkey-keygen: error: ledger old2.db has schema version 2, from before the hash chain: migrating it brings it to version 9 and computes its chain (so does its next issue)"
  expect_hint "seatkey-keygen ledger migrate --ledger old2.db"
done
run "$KEYGEN" ledger migrate --ledger old2.db
expect_rc 0 "ledger migrate"
expect_err "migrated ledger old2.db from schema version 2 to 9: 9 rows chained"
migrated_head=$(cat out)
expect_eq "$(sqlite3 old2.db "SELECT group_concat(version) FROM schema_version")" 1,2,3,4,5,6,7,8,9
run "$KEYGEN" ledger verify --ledger old2.db
expect_rc 0 "a migrated schema 2 ledger verifies"
expect_eq "$(cat out)" "$migrated_head"
run "$KEYGEN" ledger migrate --ledger old2.db
expect_rc 0
expect_err "ledger old2.db already has schema version 9; nothing changed"

# Schema 1: its keys were recorded by k4.pid only; --public gives their public keys.
cp "$SOURCE_DIR/tests/fixtures/schema1-keys.db" old1.db
chmod 600 old1.db
run "$KEYGEN" ledger migrate --ledger old1.db
expect_rc 0
expect_err "migrated ledger old1.db from schema version 1 to 9: 6 rows chained"
run "$KEYGEN" ledger verify --ledger old1.db
expect_rc 1
expect_err "does not verify: license 1 (chain position 1): signed by k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW, whose public key the ledger has not recorded (a key migrated from a ledger of schema version 1): record it with seatkey-keygen ledger add-key --key FILE, or give its public key file with --public FILE"
run "$KEYGEN" ledger verify --ledger old1.db --public dev.public --public "$SOURCE_DIR/tests/fixtures/schema1-keys-second.public"
expect_rc 0 "a migrated schema 1 ledger verifies with its keys given"
expect_err "signing key k4.pid.f2gaoBVaGem4JY5Y5Bw2NKiaK9JpquCLyX0obbE_aXxQ checked with the public key given by --public"
run "$KEYGEN" ledger add-key --ledger old1.db --key dev.key --allow-development-key
expect_rc 0
run "$KEYGEN" ledger verify --ledger old1.db --public "$SOURCE_DIR/tests/fixtures/schema1-keys-second.public"
expect_rc 0 "the development key's public key recorded by add-key"
run "$KEYGEN" ledger verify --ledger old1.db --public missing.public
expect_rc 2
expect_err "missing.public"
# schema1.db's second key is lost for good: verify says so, naming its first row.
cp "$SOURCE_DIR/tests/fixtures/schema1.db" lost.db
chmod 600 lost.db
run env SEATKEY_LEDGER=lost.db "$KEYGEN" issue users --key dev.key --appliance "$A" --users 1 </dev/null
expect_rc 0 "the first issue migrates a schema 1 ledger"
run "$KEYGEN" ledger verify --ledger lost.db --public dev.public
expect_rc 1
expect_err "does not verify: license 4 (chain position 4): signed by k4.pid.OLeZ7ztj9KRoo5DqqGglHi4z6gZGd2_WIrpVbnGe6IhL, whose public key the ledger has not recorded"
pass
