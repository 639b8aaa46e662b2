#!/usr/bin/env bash
# ctest-name: postgres cli: keygen on a PostgreSQL ledger: issue, refuse, void, transfer, export, verify, backup, tokens; no password shown
# ctest: needs=keygen,verify,postgres seconds=30
# seatkey-keygen on a PostgreSQL ledger (a postgresql:// URL as --ledger or SEATKEY_LEDGER):
# init (once), issuing, refusals and a failed batch that change nothing, void, transfer,
# revocation lists, export checked by seatkey-verify, list/show/report, verify and head, a
# hand edit through psql named by ledger verify, a backup into a SQLite ledger with the same
# head, API tokens. The URL carries a password (trust authentication ignores it): messages name
# the ledger without it, and it never reaches stdout or stderr.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
. "$SOURCE_DIR/tests/cli/pg_lib.sh"
dev_key
url=$(pg_new_database) || exit 1
PG_SECRET=Pw-7dQx2Lz9
LEDGER=${url/seatkey@/seatkey:$PG_SECRET@}
SHOWN=$url  # messages show the URL libpq reads, its password left out
[ "$LEDGER" != "$url" ] || fail "no password put into $url"

# --- An empty database is no ledger yet: every command but ledger init says so.
input_error "$url is not a seatkey ledger (an empty database; create the ledger first)" \
  ledger list --ledger "$url"

# --- ledger init: the tables and the first signing key; a second init is refused.
keygen ledger init --key dev.key --allow-development-key
expect_rc 0 "ledger init"
expect_err "created ledger $SHOWN (schema version 9) with the signing key k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW"
expect_eq "$(pg_sql "$url" 'SELECT string_agg(version::text, $$,$$ ORDER BY version) FROM schema_version')" 4,5,6,7,8,9
expect_eq "$(pg_sql "$url" 'SELECT key_id, public_key, origin FROM signing_keys')" \
  "k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW|$(grep '^k4\.public\.' dev.public)|init" "(the signing key)"
input_error "$SHOWN already holds a seatkey ledger: a new ledger is never made over an existing one" \
  ledger init --key dev.key --allow-development-key

# --- Issuing: the tokens on stdout are the rows in the database.
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH" --order SO-1
expect_err "1 token recorded in $SHOWN"
issued 3 issue users --appliance "$A" --users 5 --count 3 --order SO-2
issued 1 issue server --appliance vm-0042 --edition vm --customer "Beta KG"
issued 2 issue users --appliance vm-0042 --users 1 --count 2
expect_eq "$(pg_sql "$url" 'SELECT string_agg(serial::text, $$,$$ ORDER BY serial) FROM licenses')" "1,2,3,4,5,6,7"

# A refusal (the Compact cap) and a batch refused in its last order: exit 1, nothing written.
refused "2 packs of 5 users for 001A2B3C4D5E would take the compact appliance to 28 users, over its maximum of 20" issue users --appliance "$A" --users 5 --count 2
cat >orders.json <<'JSON'
[
  {"type": "server", "appliance": "cafe0001", "edition": "vm"},
  {"type": "users", "appliance": "cafe0001", "users": 5, "count": 4},
  {"type": "users", "appliance": "00:1a:2b:3c:4d:5e", "users": 5}
]
JSON
refused "order 3 (1 pack of 5 users for 001A2B3C4D5E)" issue batch --orders orders.json
# The serials the refusals did not use are the next ones.
issued 1 issue users --appliance "$A" --users 1 --order SO-3
expect_eq "$(pg_sql "$url" 'SELECT MAX(serial) FROM licenses')" 8

# --- void, transfer, revocation list.
keygen void 3 --reason "refund, ticket 4711"
expect_rc 0 "void 3"
expect_no_out
expect_err "voided license 3 (user pack of 5 users for appliance 001A2B3C4D5E"
expect_err "1 void recorded in $SHOWN"
expect_eq "$(pg_sql "$url" 'SELECT type, serial, reason FROM events')" "void|3|refund, ticket 4711"
keygen transfer --from vm-0042 --to vm-0043 --reason "RMA 77"
expect_rc 0 "transfer"
expect_eq "$(grep -c '^v4\.public\.' out)" 3 "(the new appliance's tokens)"
expect_err "transferred appliance VM0042 to VM0043"
expect_eq "$(pg_sql "$url" "SELECT string_agg(serial || ':' || transferred_from, ' ' ORDER BY serial) FROM licenses WHERE appliance = 'VM0043'")" \
  "9:5 10:6 11:7"
# The transfer signed revocation list 1 in its transaction: the void's pack and what it took back.
expect_err "took back licenses 5, 6, 7 of appliance VM0042; revocation list 1 (serial 12) names them, 4 licenses in all"
expect_eq "$(pg_sql "$url" "SELECT serial, revocation_seq FROM licenses WHERE kind = 'revocation'")" "12|1"
refused "already names every license taken back (4): nothing new to revoke" revocations issue

# --- export, checked on the appliance by seatkey-verify.
# (pack 3 is voided and list 1 names it: the file carries the list)
keygen export --appliance "$A"
expect_rc 0 "export"
cp out a.lic
expect_out "# compact, 14 users (3 included + 11 in packs, max 20)"
expect_err "5 tokens with revocation list 1 (serial 12)"
run "$VERIFY" --appliance "$A" --licenses a.lic --trusted-keys dev.public
expect_rc 0 "seatkey-verify of the exported file"
expect_out "Appliance 001A2B3C4D5E is licensed: Compact edition, 14 users (server license 1)."
expect_out "Licenses: 5 accepted, 0 not accepted."

# --- Reading: list, show, report.
keygen ledger list
expect_rc 0 "ledger list"
expect_eq "$(grep -cE '^ +[0-9]+  ' out)" 12 "(rows listed)"
grep -qE '^ +3  users +001A2B3C4D5E .* voided$' out || fail "serial 3 is not listed voided"
keygen ledger show 9
expect_rc 0 "ledger show"
expect_out "transferred from  license 5"
expect_out "$(pg_sql "$url" "SELECT token FROM licenses WHERE serial = 9")"
keygen report
expect_rc 0 "report"
expect_out "compact server license"

# --- verify and head: the same hash.
keygen ledger verify
expect_rc 0 "ledger verify"
head=$(cat out)
[[ "$head" =~ ^[0-9a-f]{64}$ ]] || fail "ledger verify printed no head hash: $head"
expect_err "ledger $SHOWN verifies: 16 links (11 licenses, 1 revocation list, 4 events), every token signed by a signing key of the ledger and equal to its row"
keygen ledger head
expect_rc 0 "ledger head"
expect_eq "$(cat out)" "$head" "(ledger head)"

# --- A backup is a SQLite ledger file with the same head; never over an existing file.
keygen ledger backup --out backup.db
expect_rc 0 "ledger backup"
expect_err "backed up ledger $SHOWN to backup.db (mode 0600): 12 rows, chain head $head at position 16"
expect_eq "$(stat -c %a backup.db)" 600 "(the backup's mode)"
run "$KEYGEN" ledger verify --ledger backup.db
expect_rc 0 "the backup verifies"
expect_eq "$(cat out)" "$head" "(the backup's head)"
input_error "cannot create the backup backup.db: File exists (a backup never replaces a file)" \
  ledger backup --out backup.db
# A backup is a file: into a database is what ledger copy is for.
input_error "a backup is a file: a ledger is copied into a database by a ledger copy" \
  ledger backup --out "$(pg_new_database)"
expect_hint "seatkey-keygen ledger copy --from $SHOWN --to URL"

# --- API tokens in the database.
keygen token create --role shop --name webshop
expect_rc 0 "token create"
[ "$(wc -l <out)" -eq 1 ] || fail "token create printed more than the token"
expect_eq "$(pg_sql "$url" "SELECT name, role, revoked_at IS NULL FROM api_tokens")" "webshop|shop|t"
keygen token list
expect_rc 0 "token list"
expect_out "webshop"
keygen token revoke --name webshop
expect_rc 0 "token revoke"
expect_eq "$(pg_sql "$url" "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = 'webshop'")" t

# --- A hand edit through psql: the triggers refuse it; with them disabled by the superuser,
# ledger verify names the row (exit 1).
pg_sql "$url" "UPDATE licenses SET customer = 'Gamma AG' WHERE serial = 1" 2>err.psql &&
  fail "the append-only trigger let an UPDATE through"
grep -qF "the ledger is append-only" err.psql || fail "psql's refusal: $(cat err.psql)"
pg_sql "$url" "ALTER TABLE licenses DISABLE TRIGGER USER;
  UPDATE licenses SET customer = 'Gamma AG' WHERE serial = 1;
  ALTER TABLE licenses ENABLE TRIGGER USER" || fail "the superuser's hand edit"
keygen ledger verify
expect_rc 1 "ledger verify of a hand-edited ledger"
expect_err "ledger $SHOWN does not verify: license 1 (chain position 1) does not match its chain hash"
expect_no_out
pass
