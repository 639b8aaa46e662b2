#!/usr/bin/env bash
# ctest-name: postgres cli: the golden ledger on PostgreSQL: its head unchanged by every schema step
# ctest: needs=keygen,verify,postgres seconds=15
# The golden ledger in PostgreSQL (tests/fixtures/schema4-golden.pg.sql): its ledger head is the
# same byte for byte before and after every schema step that follows version 4, it still
# verifies, and a copy of it into a SQLite file has the same head.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
. "$SOURCE_DIR/tests/cli/pg_lib.sh"
. "$SOURCE_DIR/tests/cli/golden_lib.sh"
dev_key
GOLDEN=0899a64db375f16442157402691b90b0bcf3e34f8f152accb90db1219a1a387c
LEDGER=$(pg_new_database) || exit 1
"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$LEDGER" -f "$SOURCE_DIR/tests/fixtures/schema4-golden.pg.sql" \
  >/dev/null || fail "loading the golden ledger into PostgreSQL"
stored() {
  pg_sql "$LEDGER" "SELECT serial, kind, appliance, edition, users, customer, order_ref, issued_at, updates_until,
      expires, issuer, key_id, replaces, transferred_from, primary_appliance, revocation_seq, token, chain_seq,
      encode(chain_hash, 'hex'), written_by FROM licenses ORDER BY serial"
  pg_sql "$LEDGER" "SELECT chain_seq, type, serial, reason, at, who, transfer_to, encode(chain_hash, 'hex')
      FROM events ORDER BY chain_seq"
}
before=$(stored)

keygen ledger head
expect_rc 0 "ledger head of the golden ledger"
expect_eq "$(cat out)" "$GOLDEN"
# What the desk finds: read as it is (every row compared, every list read), then from the
# search tables (pg_trgm) and the revoked serials, after the migration and in a copy.
found_before=$(golden_found)
expect_eq "$(grep -c '"token": "v4' <<<"$found_before")" 33 "(the licenses ledger show and ledger list give)"
keygen ledger migrate
expect_rc 0 "ledger migrate of the golden ledger"
expect_eq "$(cat out)" "$GOLDEN"
expect_eq "$(pg_sql "$LEDGER" 'SELECT string_agg(version::text, $$,$$ ORDER BY version) FROM schema_version')" 4,5,6,7,8,9
expect_eq "$(stored)" "$before" "(the golden ledger's rows after the migration)"
expect_eq "$(golden_found)" "$found_before" "(what ledger show and ledger list find after the migration)"
expect_eq "$(pg_sql "$LEDGER" "SELECT string_agg(serial::text, ',' ORDER BY serial) FROM license_search WHERE order_ref LIKE '%so-3%'")" \
  "5,10"
keygen ledger verify --anchor "$GOLDEN"
expect_rc 0 "ledger verify of the migrated golden ledger"
expect_eq "$(cat out)" "$GOLDEN"
expect_err 'API token "desk" was created before the chain covered tokens: it has no creation link'

keygen ledger copy --from "$LEDGER" --to copy.db
expect_rc 0 "ledger copy of the golden ledger into a file"
expect_eq "$(cat out)" "$GOLDEN"
LEDGER=copy.db keygen ledger head
expect_eq "$(cat out)" "$GOLDEN"
expect_eq "$(LEDGER=copy.db golden_found)" "$found_before" "(what ledger show and ledger list find in the copy)"
# The copy keeps which tokens came before the chain covered tokens: revoking one there is a link.
expect_eq "$(sqlite3 copy.db "SELECT group_concat(name, ',') FROM (SELECT name FROM tokens_before_chain ORDER BY name)")" \
  "desk,erp,webshop"
LEDGER=copy.db keygen token revoke --name webshop
expect_rc 0 "token revoke on the copy"
LEDGER=copy.db keygen ledger verify --anchor "$GOLDEN"
expect_rc 0 "ledger verify of the copy after a token revocation"
expect_err "1 token event"
pass
