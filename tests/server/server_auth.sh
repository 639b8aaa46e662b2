#!/usr/bin/env bash
# ctest-name: server cli: auth: 401 without or with a wrong token, 403 for a role that may not, wrong tokens 429 after 10 failures, never a valid one
# ctest: needs=keygen,verify,server seconds=60 answers=record
# Bearer API tokens: no token or a wrong one is 401, a role that may not is 403 (auditor reads,
# shop also issues and exports, clerk also voids, transfers and signs revocation lists), a
# revoked token no longer works, and ten wrong tokens from one address in a minute make its wrong
# tokens 429 — never a valid token, from there or behind the same proxy (--trusted-proxy: the
# client is the one X-Forwarded-For names, only when the peer is that proxy).
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
AUDITOR=$(make_token auditor erp)
SHOP=$(make_token shop webshop)
CLERK=$(make_token clerk desk)
ADMIN=$(make_token admin boss)
GONE=$(make_token shop old-shop)
"$KEYGEN" token revoke --ledger "$LEDGER" --name old-shop >/dev/null 2>&1 || fail "token revoke"
start_server
before=$(ledger_dump)

# No token, a malformed one, an unknown one, a revoked one: 401 with WWW-Authenticate.
api GET /v1/licenses
expect_problem 401 unauthorized "=sign in first: this needs an API token (the desk's administrator makes one)"
expect_header 'WWW-Authenticate: Bearer realm="seatkey-server"'
for token in "not-a-token" "${SHOP%?}x" "$GONE"; do
  api GET /v1/licenses "$token"
  expect_problem 401 unauthorized "=the API token is not valid: it is unknown, revoked or mistyped; sign in with a valid one"
  expect_header 'error="invalid_token"'
done
api GET /v1/licenses - "" -H "Authorization: Basic $(printf 'a:b' | base64)"
expect_problem 401 unauthorized "the API token is not valid"
# Two Authorization headers are refused, even when one is good.
api GET /v1/licenses "$SHOP" "" -H "Authorization: Bearer $AUDITOR"
expect_problem 401 unauthorized "the API token is not valid"

# Each token learns its own name, role and what that role may call (the desk's page shows only
# those); without a token, whoami is a 401 like any other.
api GET /v1/whoami
expect_problem 401 unauthorized "sign in first: this needs an API token"
api GET /v1/whoami "$AUDITOR"
expect_status 200
expect_eq "$(json '[d["name"], d["role"]]')" '["erp", "auditor"]'
expect_eq "$(json '"GET /v1/codes" in d["operations"], "POST /v1/codes" in d["operations"]')" '[true, false]'
api GET /v1/whoami "$CLERK"
expect_status 200
expect_eq "$(json '[d["name"], d["role"], "POST /v1/codes/{number}/void" in d["operations"]]')" '["desk", "clerk", true]'
api GET "/v1/whoami?role=admin" "$CLERK"
expect_problem 400 bad-input "=this resource takes no query parameters"

# Roles: each may what the ones before it may.
order="{\"appliance\":\"$A\",\"edition\":\"free\"}"
api POST /v1/licenses/server "$AUDITOR" "$order"
expect_problem 403 forbidden '=this needs the role shop or above; you are signed in as "erp", whose role is auditor'
api GET /v1/appliances/$A/license-file "$AUDITOR"
expect_problem 403 forbidden '=this needs the role shop or above; you are signed in as "erp", whose role is auditor'
api POST /v1/licenses/1/void "$SHOP" '{"reason":"x"}'
expect_problem 403 forbidden '=this needs the role clerk or above; you are signed in as "webshop", whose role is shop'
api POST /v1/transfers "$SHOP" '{"from":"a1a1","to":"b1b1"}'
expect_problem 403 forbidden "needs the role clerk"
api POST /v1/revocations "$SHOP" '{}'
expect_problem 403 forbidden "needs the role clerk"
[ "$(ledger_dump)" = "$before" ] || fail "a refused request changed the ledger"
for token in "$AUDITOR" "$SHOP" "$CLERK" "$ADMIN"; do
  api GET /v1/licenses "$token"
  expect_status 200
done
api POST /v1/licenses/server "$SHOP" "$order"
expect_status 201
api POST /v1/licenses/1/void "$CLERK" '{"reason":"x"}'
expect_status 200
api POST /v1/revocations "$ADMIN" '{}'
expect_status 201
# A license's token is for those who may download license files: an auditor reads the ledger
# without them.
api GET /v1/licenses "$AUDITOR"
expect_eq "$(json 'len(d["licenses"]) > 0 and not any("token" in l for l in d["licenses"])')" "true"
api GET /v1/licenses/1 "$AUDITOR"
expect_eq "$(json '"token" in d')" "false"
api GET "/v1/appliances/$A" "$AUDITOR"
expect_eq "$(json '[len(d["licenses"]) > 0, any("token" in l for l in d["licenses"])]')" "[true, false]"
api GET "/v1/appliances/$A" "$CLERK"
expect_eq "$(json 'all(l["token"].startswith("v4.public.") for l in d["licenses"])')" "true"
for token in "$SHOP" "$CLERK" "$ADMIN"; do
  api GET /v1/licenses "$token"
  expect_eq "$(json 'all(l["token"].startswith("v4.public.") for l in d["licenses"])')" "true"
  api GET /v1/licenses/1 "$token"
  expect_eq "$(json 'd["token"].startswith("v4.public.")')" "true"
done
# API tokens for admins: the same store as seatkey-keygen token; the new token is in the create
# answer once, never in the ledger or the server's log, and works at once; a revoked one is 401
# from its next request on.
api GET /v1/tokens "$CLERK"
expect_problem 403 forbidden '=this needs the role admin or above; you are signed in as "desk", whose role is clerk'
api POST /v1/tokens "$ADMIN" '{"name":"ERP Müller","role":"auditor"}'
expect_status 201
expect_location /v1/tokens/ERP%20M%C3%BCller
expect_eq "$(json 'd["name"]')" "ERP Müller"
expect_eq "$(json '[d["role"], d["revoked_at"]]')" '["auditor", null]'
NEW=$(json 'd["token"]')
[[ "$NEW" == seatkey-api.* ]] || fail "POST /v1/tokens answered no token: $NEW"
! grep -qF "$NEW" server.log || fail "the server logged the new token"
! sqlite3 "$LEDGER" .dump | grep -qF "${NEW##*.}" || fail "the ledger holds the new token's secret"
expect_eq "$(sqlite3 "$LEDGER" "SELECT who FROM token_events WHERE name = 'ERP Müller'")" boss
api GET /v1/whoami "$NEW"
expect_eq "$(json 'd["name"] + " " + d["role"]')" "ERP Müller auditor"
api GET /v1/tokens/ERP%20M%C3%BCller "$ADMIN"
expect_eq "$(json 'd["name"] + " " + d["role"]')" "ERP Müller auditor"
api GET /v1/tokens "$ADMIN"
api_says=$(json 'd["tokens"]')
keygen token list --json
expect_eq "$api_says" "$(python3 -c 'import json; print(json.dumps(json.load(open("out"))))')" "(token list)"
api POST /v1/tokens "$ADMIN" '{"name":"erp","role":"admin"}'
expect_problem 409 token-name-taken "=$(cli_message token create --name erp --role admin)"
api POST /v1/tokens "$ADMIN" '{"name":"x","role":"owner"}'
expect_problem 400 bad-input '=unknown role "owner" (one of: auditor, shop, clerk, admin)'
api POST /v1/tokens "$ADMIN" '{"name":"y","role":"shop"}' -H 'Idempotency-Key: t-1'
expect_problem 400 bad-input "POST /v1/tokens takes no Idempotency-Key"
api POST /v1/tokens/ERP%20M%C3%BCller/revoke "$ADMIN" '{}'
expect_status 200
expect_eq "$(json 'd["revoked_at"] is not None')" true
api GET /v1/whoami "$NEW"
expect_problem 401 unauthorized "the API token is not valid"
api POST /v1/tokens/ERP%20M%C3%BCller/revoke "$ADMIN" '{}'
expect_problem 409 token-revoked "was revoked already"
api POST /v1/tokens/nobody/revoke "$ADMIN" '{}'
expect_problem 409 no-such-token "has no API token named"
api GET /v1/tokens/nobody "$ADMIN"
expect_problem 404 not-found '=no API token named "nobody"'

# No token needed: health and the API's description.
api GET /healthz
expect_status 200
expect_eq "$(json 'd["status"]')" ok
api GET /v1/openapi.json
expect_status 200

# Failed attempts are limited per address: 10 a minute, then 429 for every wrong token from there,
# with Retry-After; a valid token from there is still served. (A new server starts counting anew.)
stop_server
start_server
for i in 1 2 3 4 5 6 7 8 9; do
  api GET /v1/licenses "wrong-$i"
  expect_status 401
done
api GET /v1/licenses "$AUDITOR"
expect_status 200 "(a good token before the limit)"
api GET /v1/licenses "wrong-10"
expect_status 401
api GET /v1/licenses "wrong-11"
expect_problem 429 too-many-requests "too many sign-ins with a wrong API token from 127.0.0.1; try again in"
expect_header "Retry-After: "
api GET /v1/licenses "$AUDITOR"
expect_status 200 "(a valid token from an address that failed ten times)"
api GET /v1/licenses "wrong-12"
expect_status 429 "(still a wrong token)"
# Health needs no token and is not limited.
api GET /healthz
expect_status 200

# Behind a reverse proxy every client shares its address: with --trusted-proxy, the client is the
# last X-Forwarded-For address; a guesser there does not slow the others down.
stop_server
start_server --trusted-proxy 127.0.0.1
for i in 1 2 3 4 5 6 7 8 9 10; do
  api GET /v1/licenses "wrong-$i" "" -H "X-Forwarded-For: 198.51.100.1, 203.0.113.7"
  expect_status 401
done
api GET /v1/licenses "wrong-11" "" -H "X-Forwarded-For: 203.0.113.7"
expect_problem 429 too-many-requests "too many sign-ins with a wrong API token from 203.0.113.7; try again in"
api GET /v1/licenses "wrong-12" "" -H "X-Forwarded-For: 203.0.113.8"
expect_status 401 "(another client behind the proxy)"
api GET /v1/licenses "$AUDITOR" "" -H "X-Forwarded-For: 203.0.113.7"
expect_status 200 "(a valid token from the guesser's address)"
# What the client itself wrote before the proxy's entry is not believed.
api GET /v1/licenses "wrong-13" "" -H "X-Forwarded-For: 203.0.113.7, 203.0.113.9"
expect_status 401 "(the proxy's entry names 203.0.113.9)"
stop_server

# Without --trusted-proxy, X-Forwarded-For is anyone's to write: the peer's address counts.
start_server
for i in 1 2 3 4 5 6 7 8 9 10; do
  api GET /v1/licenses "wrong-$i" "" -H "X-Forwarded-For: 203.0.113.$i"
  expect_status 401
done
api GET /v1/licenses "wrong-11" "" -H "X-Forwarded-For: 203.0.113.99"
expect_problem 429 too-many-requests "too many sign-ins with a wrong API token from 127.0.0.1"

# A --trusted-proxy that is no address is a usage error.
run "$SERVER" --ledger "$LEDGER" --key dev.key --trusted-proxy proxy.example
expect_rc 2
expect_err "--trusted-proxy: not an IPv4 or IPv6 address: proxy.example"
pass
