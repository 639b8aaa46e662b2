#!/usr/bin/env bash
# ctest-name: keygen cli: API tokens: printed once, stored hashed, names never reused, revoked ones listed
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

# list: names, roles, times; never a secret.
keygen token list
expect_rc 0
expect_out "NAME        ROLE     CREATED               REVOKED"
expect_out "webshop     shop     "
expect_out "Desk: Ünal  admin    "
expect_out_lacks "seatkey-api."
keygen token list --json
expect_rc 0
expect_out '"name": "webshop",'
expect_out '"role": "shop",'
expect_out '"revoked_at": null'
expect_out_lacks "seatkey-api."

# Refusals and input errors: nothing written.
refused 'already has an API token named "webshop"' token create --role clerk --name webshop
input_error 'unknown role "root" (one of: auditor, shop, clerk, admin)' token create --role root --name x
input_error "the token name is empty" token create --role shop --name ""
input_error "the token name contains a control character" token create --role shop --name "$(printf 'a\033[31m')"
input_error "the token name is 65 bytes, over the limit of 64" token create --role shop --name "$(printf 'n%.0s' {1..65})"
refused 'has no API token named "nobody"' token revoke --name nobody
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
