#!/usr/bin/env bash
# ctest-name: server cli: token limits: an expired token is 401 naming its day, never throttled; a token's quota of licenses a day refuses an order over it whole, 403, dry runs too
# ctest: needs=keygen,server seconds=20 answers=record
# An API token may have an expiry and a quota of licenses a UTC day (POST /v1/tokens
# "expires_at", "max_per_day"), fixed when it is made and listed. From its expiry on it is
# refused at sign-in: 401 token-expired naming the day, not counted as a failed sign-in. An
# order that would place more licenses in a day than its quota is refused whole, 403
# token-quota-exceeded with the quota and what is left today; a dry run answers the same.
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
ADMIN=$(make_token admin boss)
start_server

# The quota counts a UTC day: a run that would straddle midnight waits for it.
seconds=$(($(date -u +%s) % 86400))
[ "$seconds" -lt 86340 ] || sleep $((86400 - seconds + 1))

# Made with limits, listed with them; an expiry must be in the future, a quota from 1.
api POST /v1/tokens "$ADMIN" '{"name":"webshop","role":"shop","expires_at":"2099-01-01","max_per_day":3}'
expect_status 201
expect_eq "$(json '[d["name"], d["expires_at"], d["max_per_day"]]')" '["webshop", "2099-01-01T00:00:00Z", 3]'
SHOP=$(json 'd["token"]')
api GET /v1/tokens/webshop "$ADMIN"
expect_status 200
expect_eq "$(json '[d["expires_at"], d["max_per_day"]]')" '["2099-01-01T00:00:00Z", 3]'
api GET /v1/tokens "$ADMIN"
expect_eq "$(json '[[t["name"], t["expires_at"], t["max_per_day"]] for t in d["tokens"]]')" \
  '[["boss", null, null], ["webshop", "2099-01-01T00:00:00Z", 3]]'
api POST /v1/tokens "$ADMIN" '{"name":"late","role":"shop","expires_at":"2001-01-01T00:00:00Z"}'
expect_problem 409 token-expires-in-past "the API token's expiry, 2001-01-01T00:00:00Z, is not in the future (it is "
expect_eq "$(json '[d["code"], d["kind"], d["expires_at"]]')" '["token_expires_in_past", "refused", "2001-01-01T00:00:00Z"]'
api POST /v1/tokens "$ADMIN" '{"name":"late","role":"shop","max_per_day":0}'
expect_problem 400 bad-input '=field "max_per_day" must be from 1 to 1000000, not 0'
api POST /v1/tokens "$ADMIN" '{"name":"late","role":"shop","max_per_day":"3"}'
expect_problem 400 bad-input '=field "max_per_day" must be a whole number, not string'
api POST /v1/tokens "$ADMIN" '{"name":"late","role":"shop","expires_at":"soon"}'
expect_problem 400 bad-input 'field "expires_at" "soon" is neither a date (like 2026-12-01: the start of that day, UTC) nor an RFC 3339 time'

# 1 of 3; then 3 more, refused whole, as a dry run and as an order; then the 2 that are left.
api POST /v1/licenses/server "$SHOP" '{"appliance":"CAFE0001","edition":"vm"}'
expect_status 201
resets=$(date -u -d "tomorrow 00:00" +%Y-%m-%dT%H:%M:%SZ)
for path in "/v1/licenses/users?dry_run=true" /v1/licenses/users; do
  api POST "$path" "$SHOP" '{"appliance":"CAFE0001","users":5,"count":3}'
  expect_problem 403 token-quota-exceeded "=the API token \"webshop\" may place 3 licenses a day (UTC); it placed 1 today, so 2 more can be placed until $resets, and this would place 3: nothing was issued"
  expect_eq "$(json '[d["code"], d["kind"], d["max_per_day"], d["issued_today"], d["left_today"], d["licenses"], d["resets_at"]]')" \
    "[\"token_quota_exceeded\", \"forbidden\", 3, 1, 2, 3, \"$resets\"]"
done
api GET /v1/licenses "$ADMIN"
expect_eq "$(json 'len(d["licenses"])')" 1 "(licenses after the refused order)"
api POST /v1/orders "$SHOP" \
  '[{"type":"users","appliance":"CAFE0001","users":5},{"type":"users","appliance":"CAFE0001","users":1}]'
expect_status 201
# Every route that issues counts: a standby license is the fourth.
api POST /v1/licenses/standby "$SHOP" '{"appliance":"CAFE0002","primary":"CAFE0001"}'
expect_problem 403 token-quota-exceeded "it placed 3 today, so 0 more can be placed until $resets"
api GET /v1/licenses "$ADMIN"
expect_eq "$(json '[l["written_by"] for l in d["licenses"]]')" '["webshop", "webshop", "webshop"]'

# Expired: refused at sign-in, naming the day, however often it is presented (it is no guess);
# the others still sign in.
expires=$(date -u -d "@$(($(date -u +%s) + 5))" +%Y-%m-%dT%H:%M:%SZ)
api POST /v1/tokens "$ADMIN" "{\"name\":\"brief\",\"role\":\"auditor\",\"expires_at\":\"$expires\"}"
expect_status 201
BRIEF=$(json 'd["token"]')
while [ "$(date -u +%s)" -le "$(date -u -d "$expires" +%s)" ]; do sleep 0.5; done
for _ in $(seq 12); do
  api GET /v1/whoami "$BRIEF"
  expect_problem 401 token-expired "=the API token \"brief\" expired on ${expires:0:10} (at $expires): the desk's administrator makes a new one"
  expect_header 'error="invalid_token"'
done
expect_eq "$(json '[d["code"], d["kind"], d["expired_at"]]')" "[\"token_expired\", \"unauthorized\", \"$expires\"]"
api GET /v1/whoami "$ADMIN"
expect_status 200

stop_server
keygen ledger verify
expect_rc 0 "ledger verify"
expect_err "verifies: 6 links (3 licenses, 0 revocation lists, 0 events, 3 token events)"
pass
