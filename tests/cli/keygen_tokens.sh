#!/usr/bin/env bash
# ctest-name: keygen cli: API tokens: printed once, stored hashed, names never reused, revoked ones listed, expiry and quota recorded
# ctest: needs=keygen,mint seconds=10
# seatkey-keygen token create|list|revoke: seatkey-server's API tokens. The token is printed
# alone on stdout, once; the ledger keeps only its hash; names are never reused; a revoked token
# stays listed.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"

dev_key
init_ledger

# create: the token alone on stdout, what was made on stderr.
keygen token create --role shop --name webshop
expect_rc 0 "token create"
expect_eq "$(wc -l <out)" 1 "(stdout lines)"
grep -qE '^seatkey-api\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$' out || fail "not a bearer token: $(cat out)"
token=$(cat out)
expect_err 'created API token "webshop" (role shop) in ledger ledger.db; it is shown only this once'
expect_eq "$(sqlite3 "$LEDGER" "SELECT name, role, length(token_hash), revoked_at IS NULL FROM api_tokens")" \
  "webshop|shop|32|1"
secret=${token##*.}
for f in "$LEDGER" "$LEDGER-wal"; do
  [ -e "$f" ] || continue
  ! grep -qF -- "$secret" "$f" || fail "the token's secret is in $f"
done
expect_eq "$(stat -c %a "$LEDGER")" 600 "(ledger mode)"

keygen token create --role admin --name "Desk: Ünal"
expect_rc 0
keygen token create --role auditor --name auditor
expect_rc 0
[ "$(cat out)" != "$token" ] || fail "two tokens are the same"

# An expiry (a date: the start of that day, UTC; or an RFC 3339 time) and a quota of licenses a
# day, on the row and on its creation link.
keygen token create --role shop --name night --expires 2099-01-01 --max-per-day 50
expect_rc 0 "token create --expires --max-per-day"
expect_err 'created API token "night" (role shop, expires 2099-01-01T00:00:00Z, at most 50 licenses a day) in ledger ledger.db'
keygen token create --role clerk --name evening --expires 2099-06-30T18:00:00+02:00
expect_rc 0 "token create --expires TIME"
expect_err 'created API token "evening" (role clerk, expires 2099-06-30T16:00:00Z) in ledger'
expect_eq "$(sqlite3 "$LEDGER" "SELECT name, expires_at, max_per_day FROM api_tokens WHERE expires_at IS NOT NULL")" \
  "$(printf 'night|2099-01-01T00:00:00Z|50\nevening|2099-06-30T16:00:00Z|')"
expect_eq "$(sqlite3 "$LEDGER" "SELECT name, expires_at, max_per_day FROM token_events WHERE type = 'create' AND name IN ('night', 'webshop') ORDER BY chain_seq")" \
  "$(printf 'webshop||\nnight|2099-01-01T00:00:00Z|50')" "(the creation links)"

# list: names, roles, times, limits; never a secret.
keygen token list
expect_rc 0
expect_out "NAME        ROLE     CREATED               REVOKED  EXPIRES               PER DAY"
expect_out "webshop     shop     "
expect_out "Desk: Ünal  admin    "
grep -qE '^night +shop +[0-9T:Z-]+ +- +2099-01-01T00:00:00Z +50$' out || fail "the limits are not listed: $(cat out)"
grep -qE '^webshop +shop +[0-9T:Z-]+ +- +- +-$' out || fail "a token without limits: $(cat out)"
expect_out_lacks "seatkey-api."
keygen token list --json
expect_rc 0
expect_out '"name": "webshop",'
expect_out '"role": "shop",'
expect_out '"revoked_at": null'
expect_out '"expires_at": "2099-01-01T00:00:00Z",'
expect_out '"max_per_day": 50'
expect_out '"max_per_day": null'
expect_out_lacks "seatkey-api."

# Refusals and input errors: nothing written.
refused 'already has an API token named "webshop"' token create --role clerk --name webshop
refused 'already has an API token named "webshop": rows name the token that wrote them, so a name is never given to a second token, in any case' \
  token create --role clerk --name WebShop
input_error 'the token name " webshop" begins or ends with a space' token create --role shop --name " webshop"
input_error 'the token name "webshop " begins or ends with a space' token create --role shop --name "webshop "
input_error 'unknown role "root" (one of: auditor, shop, clerk, admin)' token create --role root --name x
input_error "the token name is empty" token create --role shop --name ""
input_error "the token name contains a control character" token create --role shop --name "$(printf 'a\033[31m')"
input_error "the token name is 65 bytes, over the limit of 64" token create --role shop --name "$(printf 'n%.0s' {1..65})"
refused 'has no API token named "nobody"' token revoke --name nobody
refused "the API token's expiry, 2001-01-01T00:00:00Z, is not in the future (it is " \
  token create --role shop --name late --expires 2001-01-01
input_error '--expires "next week" is neither a date (like 2026-12-01: the start of that day, UTC) nor an RFC 3339 time' \
  token create --role shop --name late --expires "next week"
input_error "--max-per-day must be from 1 to 1000000, not 0" token create --role shop --name late --max-per-day 0
input_error "--max-per-day must be from 1 to 1000000, not 1000001" token create --role shop --name late --max-per-day 1000001
run "$KEYGEN" token create --ledger missing.db --role shop --name x
expect_rc 2
expect_err "(create the ledger first; issuing never creates one)"
expect_hint "seatkey-keygen ledger init --ledger missing.db --key FILE"
expect_no_out

# revoke: listed with its time; once only; the name stays taken.
keygen token revoke --name webshop
expect_rc 0
expect_err 'revoked API token "webshop" (role shop) at '
keygen token list
grep -qE '^webshop +shop +[0-9T:Z-]+ +[0-9]{4}-' out || fail "the revoked token's time is not listed"
refused 'the API token "webshop" was revoked already, at ' token revoke --name webshop
refused 'already has a revoked API token named "webshop"' token create --role shop --name webshop

# A ledger from before tokens lists none and is not changed by a read.
cp "$SOURCE_DIR/tests/fixtures/schema1.db" old.db && chmod 600 old.db
run "$KEYGEN" token list --ledger old.db
expect_rc 0
expect_out "no API tokens (seatkey-keygen token create makes one)"
expect_eq "$(sqlite3 old.db "SELECT group_concat(version) FROM schema_version")" 1 "(a read migrates nothing)"

pass
