# shellcheck shell=bash
# The cases of keygen_token_chain.sh (SQLite) and keygen_postgres_token_chain.sh (PostgreSQL):
# sourced after keygen_helpers.sh (and pg_lib.sh), with $LEDGER a new ledger whose signing key is
# dev.key. Creating and revoking an API token are links of the hash chain; a token row written
# or revoked past seatkey-keygen, or a link whose token row is gone, is named by `ledger verify`
# (exit 1); a stored answer is refused any change by the database itself.

on_pg() { [[ "$LEDGER" == postgresql://* ]]; }
if on_pg; then HASH32="decode(repeat('ab', 32), 'hex')"; else HASH32="randomblob(32)"; fi

# tampered_copy NAME: a copy of $LEDGER to tamper with (a file, or a new database).
tampered_copy() {
  if on_pg; then
    local url
    url=$(pg_new_database) || exit 1
    "$KEYGEN" ledger copy --from "$LEDGER" --to "$url" >/dev/null 2>&1 || fail "ledger copy to $url"
    echo "$url"
  else
    sqlite3 "$LEDGER" ".backup $1.db" && chmod 600 "$1.db"
    echo "$1.db"
  fi
}
# sql_on LEDGER SQL: a query on another ledger.
sql_on() { if on_pg; then pg_sql "$1" "$2"; else sqlite3 "$1" "$2"; fi; }
# does_not_verify LEDGER MESSAGE: ledger verify exits 1 and names what is wrong.
does_not_verify() {
  run "$KEYGEN" ledger verify --ledger "$1"
  expect_rc 1 "ledger verify of $1"
  expect_err "does not verify: $2"
  expect_no_out
}

# Token create and revoke are links: the head moves with each, verify counts them.
head0=$(ledger_sql "SELECT COUNT(*) FROM token_events")
expect_eq "$head0" 0 "(token links of a new ledger)"
keygen token create --role shop --name webshop
expect_rc 0 "token create"
keygen token create --role clerk --name desk
expect_rc 0 "token create"
keygen ledger head
h1=$(cat out)
keygen token revoke --name desk
expect_rc 0 "token revoke"
keygen ledger head
[ "$(cat out)" != "$h1" ] || fail "a revocation did not move the head"
expect_eq "$(ledger_sql "SELECT chain_seq, type, name, role, who FROM token_events ORDER BY chain_seq")" \
  "$(printf '1|create|webshop|shop|%s\n2|create|desk|clerk|%s\n3|revoke|desk|clerk|%s' "$(id -un)" "$(id -un)" "$(id -un)")"
expect_eq "$(ledger_sql "SELECT COUNT(*) FROM token_events t JOIN api_tokens a ON a.name = t.name
  WHERE t.lookup_id = a.lookup_id AND (t.type = 'create' AND t.at = a.created_at OR t.type = 'revoke' AND t.at = a.revoked_at)")" 3 \
  "(each link has its row's lookup ID and time)"
keygen ledger verify
expect_rc 0 "ledger verify"
expect_err "verifies: 3 links (0 licenses, 0 revocation lists, 0 events, 3 token events)"
issued 1 issue server --appliance "$A" --edition vm
expect_eq "$(ledger_sql "SELECT chain_seq FROM licenses")" 4 "(a license after the token links)"

# An admin token inserted past seatkey-keygen: found, named, exit 1.
t=$(tampered_copy inserted)
sql_on "$t" "INSERT INTO api_tokens (name, role, lookup_id, token_hash, created_at)
  VALUES ('intruder', 'admin', 'AAAAAAAAAAAAAAAA', $HASH32, '2026-01-01T00:00:00Z')" >/dev/null
does_not_verify "$t" 'API token "intruder" (role admin, created 2026-01-01T00:00:00Z) has no creation link in the chain: its row was added to the api_tokens table past seatkey-keygen'
# ... and ledger copy refuses to spread it.
run "$KEYGEN" ledger copy --from "$t" --to spread.db
expect_rc 1 "ledger copy of a tampered ledger"
expect_err 'has no creation link in the chain'
[ ! -e spread.db ] || fail "a ledger that does not verify was copied"

# A token revoked past seatkey-keygen (the row's revoke-only trigger lets it through).
t=$(tampered_copy revoked)
sql_on "$t" "UPDATE api_tokens SET revoked_at = '2026-02-02T00:00:00Z' WHERE name = 'webshop'" >/dev/null
does_not_verify "$t" 'API token "webshop" (role shop, created '
expect_err 'is revoked at 2026-02-02T00:00:00Z with no revocation link in the chain: its revoked_at was set past seatkey-keygen'

# A link whose token row was removed (its triggers and foreign keys dropped first).
t=$(tampered_copy removed)
if on_pg; then
  sql_on "$t" "ALTER TABLE token_events DROP CONSTRAINT token_events_name_fkey;
    DROP TRIGGER api_tokens_no_delete ON api_tokens; DELETE FROM api_tokens WHERE name = 'webshop'" >/dev/null
else
  sql_on "$t" "DROP TRIGGER api_tokens_no_delete; DELETE FROM api_tokens WHERE name = 'webshop'" >/dev/null
fi
does_not_verify "$t" 'token event 1 names API token "webshop", which the api_tokens table does not have: its row was removed'

# A link changed by hand no longer matches its hash.
t=$(tampered_copy relabelled)
if on_pg; then
  sql_on "$t" "ALTER TABLE token_events DISABLE TRIGGER token_events_no_change;
    UPDATE token_events SET role = 'admin' WHERE chain_seq = 1" >/dev/null
else
  sql_on "$t" "DROP TRIGGER token_events_no_update; UPDATE token_events SET role = 'admin' WHERE chain_seq = 1" >/dev/null
fi
does_not_verify "$t" 'token event 1 (create of API token "webshop") does not match its chain hash'

# Token links are append-only; the list of tokens from before the chain is closed.
before=$(ledger_dump)
sql_on "$LEDGER" "UPDATE token_events SET who = 'someone' WHERE chain_seq = 1" >/dev/null 2>sql.err &&
  fail "a token link was updated"
grep -qF "the ledger is append-only" sql.err || fail "no clear refusal: $(cat sql.err)"
sql_on "$LEDGER" "INSERT INTO tokens_before_chain (name) VALUES ('webshop')" >/dev/null 2>sql.err &&
  fail "a token was added to the tokens from before the chain"
grep -qF "listed once, by the migration" sql.err || fail "no clear refusal: $(cat sql.err)"

# Stored answers: an UPDATE or DELETE is refused by the database, with the reason.
sql_on "$LEDGER" "INSERT INTO idempotent_requests (token_name, idempotency_key, request_hash, status, response, created_at)
  VALUES ('webshop', 'SO-1', $HASH32, 201, '{\"licenses\":[]}', '2026-01-01T00:00:00Z')" >/dev/null
before=$(ledger_dump)
sql_on "$LEDGER" "UPDATE idempotent_requests SET status = 200, response = '{\"licenses\":[\"forged\"]}'" >/dev/null 2>sql.err &&
  fail "a stored answer was updated"
grep -qF "a stored answer is given again as it was recorded: it is never changed or removed" sql.err ||
  fail "no clear refusal: $(cat sql.err)"
sql_on "$LEDGER" "DELETE FROM idempotent_requests" >/dev/null 2>sql.err && fail "a stored answer was deleted"
grep -qF "it is never changed or removed" sql.err || fail "no clear refusal: $(cat sql.err)"
[ "$(ledger_dump)" = "$before" ] || fail "a refused change of a stored answer changed the ledger"
keygen ledger verify
expect_rc 0 "ledger verify after the refusals"

# A token's expiry and quota are on its creation link; the row's trigger keeps them, and a row
# changed past it is found.
keygen token create --role shop --name limited --expires 2099-01-01 --max-per-day 5
expect_rc 0 "token create with limits"
expect_eq "$(ledger_sql "SELECT type, expires_at, max_per_day FROM token_events WHERE name = 'limited'")" \
  "create|2099-01-01T00:00:00Z|5"
keygen ledger verify
expect_rc 0 "ledger verify of a token with limits"
sql_on "$LEDGER" "UPDATE api_tokens SET max_per_day = 500 WHERE name = 'limited'" >/dev/null 2>sql.err &&
  fail "a token's quota was raised"
grep -qF "an API token is only ever revoked, once" sql.err || fail "no clear refusal: $(cat sql.err)"
t=$(tampered_copy lifted)
if on_pg; then
  sql_on "$t" "ALTER TABLE api_tokens DISABLE TRIGGER api_tokens_revoke_only;
    UPDATE api_tokens SET expires_at = NULL, max_per_day = NULL WHERE name = 'limited'" >/dev/null
else
  sql_on "$t" "DROP TRIGGER api_tokens_revoke_only;
    UPDATE api_tokens SET expires_at = NULL, max_per_day = NULL WHERE name = 'limited'" >/dev/null
fi
does_not_verify "$t" 'API token "limited" (role shop, created '
expect_err 'has the expiry none, its creation link (chain position '
expect_err ') 2099-01-01T00:00:00Z: its expires_at was changed past seatkey-keygen'

# The creation link records the token's hash: a row whose hash was replaced (a bearer of
# someone's choosing let in as that token) is found, and its head is no help to the forger.
t=$(tampered_copy forged)
if on_pg; then
  sql_on "$t" "ALTER TABLE api_tokens DISABLE TRIGGER api_tokens_revoke_only;
    UPDATE api_tokens SET token_hash = decode(repeat('ab', 32), 'hex') WHERE name = 'limited'" >/dev/null
else
  sql_on "$t" "DROP TRIGGER api_tokens_revoke_only;
    UPDATE api_tokens SET token_hash = x'$(printf 'ab%.0s' $(seq 32))' WHERE name = 'limited'" >/dev/null
fi
does_not_verify "$t" 'API token "limited" (role shop, created '
expect_err 'has another hash than its creation link (chain position '
expect_err 'its token_hash was replaced past seatkey-keygen'
