#!/usr/bin/env bash
# ctest-name: keygen cli: the golden ledger: its head unchanged by every schema step, the rows it holds still listed and verified
# ctest: needs=keygen,verify seconds=10
# The golden ledger (tests/fixtures/README.md), a ledger of schema version 4 with a row of every
# kind: its ledger head is the same byte for byte before and after every schema step that
# follows (ledger migrate), its rows and events are stored as they were, it still verifies, and
# what is issued after the migration links to it with the next serial.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
. "$SOURCE_DIR/tests/cli/golden_lib.sh"
dev_key
GOLDEN=0899a64db375f16442157402691b90b0bcf3e34f8f152accb90db1219a1a387c
cp "$SOURCE_DIR/tests/fixtures/schema4-golden.db" "$LEDGER" && chmod 600 "$LEDGER"
stored() {
  sqlite3 "$LEDGER" "SELECT serial, kind, appliance, edition, users, customer, order_ref, issued_at, updates_until,
      expires, issuer, key_id, replaces, transferred_from, primary_appliance, revocation_seq, token, chain_seq,
      hex(chain_hash), written_by FROM licenses ORDER BY serial;
    SELECT chain_seq, type, serial, reason, at, who, transfer_to, hex(chain_hash) FROM events ORDER BY chain_seq;
    SELECT * FROM signing_keys ORDER BY rowid; SELECT name, role, lookup_id, hex(token_hash), created_at, revoked_at
      FROM api_tokens ORDER BY rowid; SELECT token_name, idempotency_key, hex(request_hash), status, response,
      created_at FROM idempotent_requests ORDER BY created_at, token_name, idempotency_key"
}
before=$(stored)

# Read as it is: the head of version 4, nothing written.
keygen ledger head
expect_rc 0 "ledger head of the golden ledger"
expect_eq "$(cat out)" "$GOLDEN"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(version) FROM schema_version")" 1,2,3,4
keygen ledger verify
expect_rc 0 "ledger verify of the golden ledger"
expect_err "19 links (12 licenses, 2 revocation lists, 5 events)"

# What the desk finds: read as it is (every row compared, every list read), then after the
# migration from the search tables and the revoked serials, the same.
found_before=$(golden_found)
expect_eq "$(grep -c '"token": "v4' <<<"$found_before")" 33 "(the licenses ledger show and ledger list give)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(version) FROM schema_version")" 1,2,3,4 "(after reading it)"

# Every step after version 4, then the same head, rows and events.
keygen ledger migrate
expect_rc 0 "ledger migrate of the golden ledger"
expect_eq "$(cat out)" "$GOLDEN"
expect_err "migrated ledger ledger.db from schema version 4 to 9"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(version) FROM schema_version")" 1,2,3,4,5,6,7,8,9
expect_eq "$(stored)" "$before" "(the golden ledger's rows after the migration)"
keygen ledger head
expect_eq "$(cat out)" "$GOLDEN"
expect_eq "$(golden_found)" "$found_before" "(what ledger show and ledger list find after the migration)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM license_search")" 11 "(rows with a customer or an order)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT rowid FROM license_search WHERE license_search MATCH 'order_ref : \"so-3\"'")" \
  "$(printf '5\n10')"
keygen ledger verify --anchor "$GOLDEN"
expect_rc 0 "ledger verify --anchor of the migrated golden ledger"
expect_eq "$(cat out)" "$GOLDEN"
expect_err 'API token "erp" was created before the chain covered tokens: it has no creation link'

# What comes next is the next link, with the next serial.
keygen issue users --appliance vm-0042 --users 1
expect_rc 0 "issue after the migration"
expect_eq "$(sqlite3 "$LEDGER" "SELECT serial, chain_seq FROM licenses ORDER BY serial DESC LIMIT 1")" "15|20"
keygen ledger verify --anchor "$GOLDEN"
expect_rc 0 "ledger verify --anchor after an issue"
expect_err "the anchor is chain position 19"

# Its API tokens, from before the chain covered tokens, have no creation link and are no
# finding; revoking one now is a link, and a token row added by hand is found.
expect_err 'API token "webshop" was created before the chain covered tokens: it has no creation link'
expect_eq "$(sqlite3 "$LEDGER" "SELECT name, revoked_at IS NULL FROM tokens_before_chain ORDER BY name")" \
  "$(printf 'desk|1\nerp|0\nwebshop|1')"
keygen token revoke --name desk
expect_rc 0 "token revoke of a token from before the chain"
expect_eq "$(sqlite3 "$LEDGER" "SELECT chain_seq, type, name FROM token_events")" "21|revoke|desk"
keygen ledger verify --anchor "$GOLDEN"
expect_rc 0 "ledger verify after a token revocation"
expect_err "21 links (13 licenses, 2 revocation lists, 5 events, 1 token event)"
sqlite3 "$LEDGER" "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at)
  VALUES ('late', 'admin', 'BBBBBBBBBBBBBBBB', randomblob(32), '2024-06-01T12:00:00Z')"
keygen ledger verify
expect_rc 1 "ledger verify of a token row added by hand"
expect_err 'API token "late" (role admin, created 2024-06-01T12:00:00Z) has no creation link in the chain'
pass
