#!/usr/bin/env bash
# ctest-name: postgres cli: ledger copy SQLite to PostgreSQL to SQLite keeps the head hash and the serial counter; refusals leave nothing
# ctest: needs=keygen,verify,server,postgres seconds=30
# ledger copy, SQLite -> PostgreSQL -> SQLite: a ledger with licenses of every kind, voids, a
# transfer, revocation lists, a standby, API tokens (one revoked, one that wrote rows through
# seatkey-server with an Idempotency-Key) and a second signing key keeps its head hash at each
# step, and so does what is issued on the copy before it is copied back; the copy's next serial
# is the source's. Refused: a destination file that exists, a database that holds a ledger, a
# source that does not verify, a source of an older schema; each leaves nothing behind.
. "$SOURCE_DIR/tests/server/lib.sh"
. "$SOURCE_DIR/tests/cli/pg_lib.sh"
dev_key
run "$KEYGEN" key new --out second.key --no-passphrase
expect_rc 0 "key new"
second_id=$(grep -o 'k4\.pid\.[A-Za-z0-9_-]*' out | head -1)
[ -n "$second_id" ] || fail "key new printed no key ID"

# the_head LEDGER: what ledger verify prints (the head hash), after checking it exits 0.
the_head() {
  run "$KEYGEN" ledger verify --ledger "$1"
  expect_rc 0 "ledger verify --ledger $1"
  cat out
}
# listing LEDGER: what a desk sees of the ledger: every row, its events, signing keys, tokens.
listing() {
  local l=$1
  "$KEYGEN" ledger list --ledger "$l" --json </dev/null || fail "ledger list --ledger $l"
  "$KEYGEN" revocations list --ledger "$l" </dev/null || fail "revocations list --ledger $l"
  "$KEYGEN" token list --ledger "$l" </dev/null || fail "token list --ledger $l"
  # (but the report's heading, which names the ledger and the time)
  "$KEYGEN" report --ledger "$l" </dev/null 2>/dev/null | grep -v '^report of ledger ' ||
    fail "report --ledger $l"
}

# --- The SQLite ledger: every kind of row and link.
init_ledger
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH" --order SO-1
issued 3 issue users --appliance "$A" --users 5 --count 3 --order SO-2
issued 1 issue users --appliance "$A" --users 1
issued 1 issue standby --appliance 00:aa:bb:cc:dd:ee --primary "$A" --order SO-3
issued 1 issue server --appliance vm-0042 --edition vm --updates-until 2030-06-30T00:00:00Z
issued 1 issue server --appliance vm-0050 --edition appliance
issued 1 issue server --appliance vm-0051 --edition free
issued 2 issue users --appliance vm-0042 --users 1 --count 2 --expires 2099-01-01T00:00:00Z
keygen void 3 4 --reason "refund"
expect_rc 0 "void"
keygen transfer --from vm-0042 --to vm-0043 --reason "RMA 1"
expect_rc 0 "transfer"
expect_err "revocation list 1 (serial " # signed by the transfer
keygen ledger add-key --key second.key
expect_rc 0 "ledger add-key"
run env SEATKEY_KEY=second.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue users --appliance "$A" --users 1 </dev/null
expect_rc 0 "an issue signed by the second key"
make_token clerk desk >/dev/null
"$KEYGEN" token revoke --ledger "$LEDGER" --name desk >/dev/null 2>&1 || fail "token revoke"
SHOP=$(make_token shop webshop)
start_server
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"users\":1}" -H "Idempotency-Key: SO-4"
expect_status 201
stop_server
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(DISTINCT kind), COUNT(DISTINCT key_id), COUNT(written_by) FROM licenses")" "4|2|1" \
  "(kinds, signing keys, rows written by a token)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(DISTINCT type) FROM events")" "void,transfer"
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM idempotent_requests")" 1
head1=$(the_head "$LEDGER")
listing "$LEDGER" >sqlite1.txt

# --- SQLite -> PostgreSQL: the head on stdout, the same head verified in the database.
pg=$(pg_new_database) || exit 1
run "$KEYGEN" ledger copy --from "$LEDGER" --to "$pg"
expect_rc 0 "ledger copy to PostgreSQL"
expect_eq "$(cat out)" "$head1" "(the head ledger copy printed)"
expect_err "copied ledger ledger.db to $pg: "
expect_err "2 signing keys, 2 API tokens; the copy verifies and its head is the source's"
expect_eq "$(the_head "$pg")" "$head1" "(the PostgreSQL copy's head)"
listing "$pg" >pg1.txt
cmp -s sqlite1.txt pg1.txt || { diff sqlite1.txt pg1.txt >&2; fail "the copy lists other rows than its source"; }
expect_eq "$(pg_sql "$pg" "SELECT COUNT(*) FROM idempotent_requests")" 1 "(stored answers copied)"
expect_eq "$(pg_sql "$pg" "SELECT string_agg(type || ' ' || name, ',' ORDER BY chain_seq) FROM token_events")" \
  "create desk,revoke desk,create webshop" "(token links copied)"

# The copy's next serial is the one the source would give.
cp "$LEDGER" probe.db
run env SEATKEY_KEY=dev.key "$KEYGEN" issue users --appliance "$A" --users 1 --ledger probe.db </dev/null
expect_rc 0 "issue on the source's probe"
probe_serial=$(sqlite3 probe.db "SELECT MAX(serial) FROM licenses")
LEDGER=$pg
issued 1 issue users --appliance "$A" --users 1
expect_eq "$(pg_sql "$pg" "SELECT MAX(serial) FROM licenses")" "$probe_serial" "(the copy's next serial)"

# --- More on the copy: a void, a pack by the second key, a revocation list, a token, a server
# answer; then PostgreSQL -> SQLite.
keygen void "$probe_serial" --reason "again"
expect_rc 0 "void on the copy"
run env SEATKEY_KEY=second.key SEATKEY_LEDGER="$pg" "$KEYGEN" issue users --appliance "$A" --users 1 </dev/null
expect_rc 0 "the second key on the copy"
issued 1 revocations issue
make_token auditor erp >/dev/null
start_server
api POST /v1/licenses/server "$SHOP" '{"appliance":"vm-0060","edition":"vm"}' -H "Idempotency-Key: SO-5"
expect_status 201
stop_server
head2=$(the_head "$pg")
[ "$head2" != "$head1" ] || fail "the head did not move with the new links"
LEDGER=ledger.db
listing "$pg" >pg2.txt
run "$KEYGEN" ledger copy --from "$pg" --to back.db
expect_rc 0 "ledger copy back to SQLite"
expect_eq "$(cat out)" "$head2" "(the head ledger copy printed)"
expect_eq "$(stat -c %a back.db)" 600 "(the copy's mode)"
expect_eq "$(the_head back.db)" "$head2" "(the SQLite copy's head)"
listing back.db >back.txt
cmp -s pg2.txt back.txt || { diff pg2.txt back.txt >&2; fail "the copy back lists other rows than its source"; }
expect_eq "$(sqlite3 back.db "SELECT COUNT(*) FROM idempotent_requests")" 2 "(stored answers copied back)"
expect_eq "$(sqlite3 back.db "SELECT group_concat(type || ' ' || name, ',') FROM (SELECT * FROM token_events ORDER BY chain_seq)")" \
  "create desk,revoke desk,create webshop,create erp" "(token links copied back)"
expect_eq "$(sqlite3 back.db "SELECT COUNT(*) FROM signing_keys WHERE key_id = '$second_id'")" 1
# Its next serial too.
run env SEATKEY_KEY=dev.key "$KEYGEN" issue users --appliance "$A" --users 1 --ledger back.db </dev/null
expect_rc 0 "issue on the copy back"
expect_eq "$(sqlite3 back.db "SELECT MAX(serial) FROM licenses")" "$(($(pg_sql "$pg" "SELECT MAX(serial) FROM licenses") + 1))"

# --- Refusals, each leaving the destination as it was (or absent).
sum=$(sha256sum back.db)
run "$KEYGEN" ledger copy --from "$pg" --to back.db
expect_rc 2 "a copy over an existing file"
expect_err "back.db already exists: a new ledger is never made over an existing file"
expect_err_lacks "ledger init"
expect_no_out
expect_eq "$(sha256sum back.db)" "$sum" "(the existing file)"

before=$(pg_dump_ledger "$pg")
run "$KEYGEN" ledger copy --from "$LEDGER" --to "$pg"
expect_rc 2 "a copy into a database that holds a ledger"
expect_err "$pg already holds a seatkey ledger: a new ledger is never made over an existing one"
expect_no_out
[ "$(pg_dump_ledger "$pg")" = "$before" ] || fail "the refused copy changed the database"

# A source that does not verify: exit 1, nothing copied, into a file or a database.
cp "$LEDGER" tampered.db
sqlite3 tampered.db "DROP TRIGGER licenses_no_update; UPDATE licenses SET customer = 'Gamma AG' WHERE serial = 1" ||
  fail "hand edit"
empty=$(pg_new_database) || exit 1
for to in "$empty" tampered-copy.db; do
  run "$KEYGEN" ledger copy --from tampered.db --to "$to"
  expect_rc 1 "a copy of a ledger that does not verify, to $to"
  expect_err "ledger tampered.db does not verify: license 1 (chain position 1) does not match its chain hash"
  expect_err "nothing was copied"
  expect_no_out
done
[ ! -e tampered-copy.db ] || fail "a copy of a tampered ledger was left"
# A database edited by hand (its triggers disabled by the superuser) is not copied either.
pg_sql "$pg" "ALTER TABLE events DISABLE TRIGGER USER; UPDATE events SET reason = 'sold by mistake' WHERE serial = 3;
  ALTER TABLE events ENABLE TRIGGER USER" || fail "hand edit through psql"
run "$KEYGEN" ledger copy --from "$pg" --to tampered-copy.db
expect_rc 1 "a copy of a database that does not verify"
expect_err "ledger $pg does not verify: event "
expect_err "(void of license 3) does not match its chain hash"
expect_no_out
[ ! -e tampered-copy.db ] || fail "a copy of a tampered database was left"
expect_eq "$(pg_sql "$empty" "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")" 0 "(tables in the database)"

# A ledger of an older schema is migrated first.
cp "$SOURCE_DIR/tests/fixtures/schema2.db" old.db && chmod 600 old.db
for to in "$empty" old-copy.db; do
  run "$KEYGEN" ledger copy --from old.db --to "$to"
  expect_rc 2 "a copy of a schema 2 ledger, to $to"
  expect_err "from before the hash chain: migrating it brings it to version "
  expect_hint "seatkey-keygen ledger migrate --ledger old.db"
  expect_no_out
done
[ ! -e old-copy.db ] || fail "a copy of an old ledger was left"
expect_eq "$(pg_sql "$empty" "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")" 0 "(tables in the database)"
pass
