#!/usr/bin/env bash
# ctest-name: keygen cli: ledger init: issue never creates a ledger; signing keys, rotation, the development key, schema 1
# ctest: needs=keygen,mint seconds=15
# Only `ledger init` makes a ledger: issue on a missing (mistyped) path is an input error naming
# it, and creates nothing. A ledger issues only with its signing keys (init registers the
# first, add-key others: key rotation); the development key needs --allow-development-key, and
# such a ledger says so in every `ledger list`. A ledger of schema version 1 (made by the tool
# before signing keys) keeps working with the keys its rows were signed with.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
run "$KEYGEN" key new --out vendor.key --no-passphrase --public-out vendor.public
expect_rc 0
VENDOR_PID=$(sed -n 's/^# seatkey vendor public key //p' vendor.public)
DEV_PID=k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW
# vk ARGS...: seatkey-keygen with vendor.key and licenses.db.
vk() { run env SEATKEY_KEY=vendor.key SEATKEY_LEDGER=licenses.db "$KEYGEN" "$@" </dev/null; }
# no_ledger_files DB: neither DB nor its -wal or -shm exists.
no_ledger_files() { [ ! -e "$1" ] && [ ! -e "$1-wal" ] && [ ! -e "$1-shm" ] || fail "$1 (or its -wal, -shm) was created"; }

# --- issue never creates a ledger: a missing one (here a typo) is an input error naming init.
printf '[{"type":"server","appliance":"vm-0001","edition":"vm"}]' >orders.json
for cmd in "issue server --appliance $A --edition compact" "issue users --appliance $A --users 5" \
  "issue batch --orders orders.json"; do
  # shellcheck disable=SC2086
  vk $cmd --ledger licences.db
  expect_rc 2 "$cmd into a missing ledger"
  expect_err "seatkey-keygen: error: cannot open ledger licences.db: No such file or directory (create the ledger first; issuing never creates one)"
  expect_hint "seatkey-keygen ledger init --ledger licences.db --key FILE"
  expect_no_out
  no_ledger_files licences.db
done
# Nor does list or export, and an empty file is not a ledger either (and stays empty).
vk ledger list --ledger licences.db
expect_rc 2
expect_err "seatkey-keygen ledger init"
no_ledger_files licences.db
: >empty.db
vk issue server --ledger empty.db --appliance "$A" --edition vm
expect_rc 2
expect_err "empty.db is not a seatkey ledger (an empty database; create the ledger first)"
expect_hint "seatkey-keygen ledger init --ledger empty.db --key FILE"
[ ! -s empty.db ] || fail "issue wrote into an empty file"

# --- ledger init: a new ledger, its key registered; never over an existing file.
vk ledger init
expect_rc 0 "ledger init"
expect_no_out
expect_err "created ledger licenses.db (mode 0600, schema version 9) with the signing key $VENDOR_PID"
expect_err_lacks "DEVELOPMENT"
expect_eq "$(stat -c %a licenses.db)" 600 "(mode of the new ledger)"
expect_eq "$(sqlite3 licenses.db "SELECT key_id, public_key, origin FROM signing_keys")" \
  "$VENDOR_PID|$(grep '^k4\.public\.' vendor.public)|init"
before=$(sqlite3 licenses.db .dump)
vk ledger init
expect_rc 2 "ledger init over an existing ledger"
expect_err "licenses.db already exists: ledger init makes a new ledger and never touches an existing file"
[ "$(sqlite3 licenses.db .dump)" = "$before" ] || fail "ledger init changed an existing ledger"
echo "precious" >notes.txt
vk ledger init --ledger notes.txt
expect_rc 2
expect_eq "$(cat notes.txt)" precious
vk ledger list
expect_rc 0
expect_out "the ledger is empty"
expect_out "signing key $VENDOR_PID: registered "
expect_out_lacks "DEVELOPMENT"
vk ledger list --json
expect_out '"development_ledger": false,'

# --- issue: with a registered key; any other key is refused (exit 1) and nothing is written.
vk issue server --appliance "$A" --edition compact --customer "Acme GmbH"
expect_rc 0 "issue with the ledger's key"
before=$(sqlite3 licenses.db .dump)
run env SEATKEY_LEDGER=licenses.db "$KEYGEN" issue users --key dev.key --appliance "$A" --users 5 </dev/null
expect_rc 1 "issue with a key the ledger does not know"
expect_err "seatkey-keygen: refused: the key $DEV_PID is not a signing key of ledger licenses.db (its keys: $VENDOR_PID); to issue with a new key, first add it to the ledger's signing keys"
expect_hint "seatkey-keygen ledger add-key --ledger licenses.db --key FILE"
expect_no_out
[ "$(sqlite3 licenses.db .dump)" = "$before" ] || fail "a refused key changed the ledger"

# --- ledger add-key: key rotation. A second key of our own; the development key only with the flag.
run "$KEYGEN" key new --out vendor-2.key --no-passphrase --public-out vendor-2.public
expect_rc 0
SECOND_PID=$(sed -n 's/^# seatkey vendor public key //p' vendor-2.public)
vk ledger add-key --key vendor-2.key
expect_rc 0 "ledger add-key"
expect_err "registered the signing key $SECOND_PID in ledger licenses.db"
vk ledger add-key --key vendor-2.key
expect_rc 0 "ledger add-key of a known key"
expect_err "the key $SECOND_PID is already a signing key of ledger licenses.db; nothing changed"
vk issue users --key vendor-2.key --appliance "$A" --users 5
expect_rc 0 "issue with the added key"
expect_eq "$(sqlite3 licenses.db "SELECT key_id FROM licenses WHERE serial = 2")" "$SECOND_PID"
before=$(sqlite3 licenses.db .dump)
vk ledger add-key --key dev.key
expect_rc 1 "ledger add-key of the development key"
expect_err "seatkey-keygen: refused: the key $DEV_PID is the development key of keys/, whose secret everyone has"
expect_err "--allow-development-key"
[ "$(sqlite3 licenses.db .dump)" = "$before" ] || fail "a refused add-key changed the ledger"

# --- The development key, recognised by value whatever the file: refused by init without the
# flag (no file made); with it, a development ledger that every ledger list names as such.
cp dev.key renamed-vendor.key
run "$KEYGEN" ledger init --ledger dev.db --key renamed-vendor.key
expect_rc 1 "ledger init with the development key"
expect_err "seatkey-keygen: refused: the key $DEV_PID is the development key of keys/"
expect_err "Use your own key, or allow the development key for a test ledger only"
expect_hint "seatkey-keygen key new --out FILE (or --allow-development-key for a test ledger)"
no_ledger_files dev.db
run "$KEYGEN" ledger init --ledger dev.db --key renamed-vendor.key --allow-development-key
expect_rc 0 "ledger init --allow-development-key"
expect_err "seatkey-keygen: warning: DEVELOPMENT LEDGER dev.db: it issues with the development key of keys/ ($DEV_PID), whose secret everyone has: for tests only"
run "$KEYGEN" ledger list --ledger dev.db
expect_rc 0
expect_eq "$(head -1 out)" "DEVELOPMENT LEDGER dev.db: it issues with the development key of keys/ ($DEV_PID), whose secret everyone has: for tests only"
expect_out "signing key $DEV_PID: registered"
expect_out ", the DEVELOPMENT key"
run "$KEYGEN" ledger list --ledger dev.db --json
expect_rc 0
expect_out '"development_ledger": true,'
expect_out '"development": true,'
# A production ledger that registers it becomes one too.
vk ledger add-key --key dev.key --allow-development-key
expect_rc 0
vk ledger list
expect_out "DEVELOPMENT LEDGER licenses.db"

# --- A schema version 1 ledger (tests/fixtures/README.md): read as it is, migrated by the first
# write, in one transaction; it keeps issuing with the keys its rows were signed with.
cp "$SOURCE_DIR/tests/fixtures/schema1.db" old.db
chmod 600 old.db
run "$KEYGEN" ledger list --ledger old.db
expect_rc 0 "ledger list of a schema 1 ledger"
expect_eq "$(head -1 out)" "DEVELOPMENT LEDGER old.db: it issues with the development key of keys/ ($DEV_PID), whose secret everyone has: for tests only"
expect_eq "$(grep -cE '^ +[0-9]+  (server|users) ' out)" 6 "(rows of the schema 1 ledger)"
expect_out "signing key $DEV_PID: signed rows from 2024-06-01T12:00:00Z (public key not recorded), the DEVELOPMENT key"
expect_out "signing key k4.pid.OLeZ7ztj9KRoo5DqqGglHi4z6gZGd2_WIrpVbnGe6IhL: signed rows from"
expect_eq "$(sqlite3 old.db "SELECT group_concat(version) FROM schema_version")" 1 "(a read migrates nothing)"
run env SEATKEY_LEDGER=old.db "$KEYGEN" issue users --key dev.key --appliance "$A" --users 1 --order SO-4 </dev/null
expect_rc 0 "issue into a schema 1 ledger with its old key"
expect_err "issued 1 user pack of 1 user (serial 7) for appliance 001A2B3C4D5E, customer \"Acme GmbH\", order \"SO-4\""
expect_err "now: compact, 15 users (3 included + 12 in packs, max 20)"
expect_eq "$(sqlite3 old.db "SELECT group_concat(version) FROM schema_version")" 1,2,3,4,5,6,7,8,9
expect_eq "$(sqlite3 old.db "SELECT key_id, public_key IS NULL, origin FROM signing_keys ORDER BY rowid")" \
  "$(printf '%s|1|migrated\n%s|1|migrated' "$DEV_PID" k4.pid.OLeZ7ztj9KRoo5DqqGglHi4z6gZGd2_WIrpVbnGe6IhL)"
run env SEATKEY_LEDGER=old.db "$KEYGEN" issue users --key vendor.key --appliance "$A" --users 1 </dev/null
expect_rc 1 "a key the schema 1 ledger never signed with"
expect_err "is not a signing key of ledger old.db"
run env SEATKEY_LEDGER=old.db "$KEYGEN" issue users --key dev.key --appliance "$A" --users 1 </dev/null
expect_rc 0 "a second issue"
expect_eq "$(sqlite3 old.db "SELECT group_concat(version) FROM schema_version")" 1,2,3,4,5,6,7,8,9 "(migrated once)"
run "$KEYGEN" ledger add-key --ledger old.db --key dev.key --allow-development-key
expect_rc 0
expect_err "recorded the public key of the signing key $DEV_PID in ledger old.db (it knew only its k4.pid)"
expect_eq "$(sqlite3 old.db "SELECT public_key FROM signing_keys WHERE key_id = '$DEV_PID'")" \
  "$(grep '^k4\.public\.' dev.public)"

pass
