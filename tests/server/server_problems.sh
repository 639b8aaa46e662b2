#!/usr/bin/env bash
# ctest-name: server cli: problems: each issuing, standby, take-back and code refusal over HTTP, as its own problem type and code
# ctest: needs=keygen,server seconds=20 answers=record
# A program tells one refusal from another by the problem's `type` and `code`, never its text:
# every rule a shop's or a desk's request can break is provoked here once, and its type, code
# and status checked (the members where a program needs them). The OpenAPI check then requires
# every problem type of the document to have been answered by some recording script, or to be
# listed with its reason in tests/server/openapi/unrecorded-problems.json.
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
SHOP=$(make_token shop webshop)
CLERK=$(make_token clerk desk)
"$KEYGEN" code new --ledger "$LEDGER" --count 1 --item updates:12 >code.txt 2>/dev/null </dev/null ||
  fail "code new"
updates_code=$(grep -o '[0-9A-Z]\{5\}-[0-9A-Z]\{5\}-[0-9A-Z]\{5\}-[0-9A-Z]\{5\}' code.txt | head -1)
[ -n "$updates_code" ] || fail "no code in: $(cat code.txt)"
start_server

# refused PATH TOKEN BODY CODE: a 409 problem of that code, its type the code's.
refused() {
  api POST "$1" "$2" "$3"
  expect_problem 409 "${4//_/-}" ""
  expect_eq "$(json '[d["code"], d["kind"]]')" "[\"$4\", \"refused\"]"
}

# Issuing.
refused /v1/licenses/users "$SHOP" '{"appliance":"CAFE0001","users":5}' no_server_license
refused /v1/licenses/server "$SHOP" '{"appliance":"CAFE0001","edition":"compact","replace":true}' nothing_to_replace
refused /v1/licenses/server "$SHOP" '{"appliance":"CAFE0001","edition":"free","updates_until":"2030-01-01T00:00:00Z"}' \
  edition_not_updated
expect_eq "$(json 'd["edition"]')" free
refused /v1/licenses/server "$SHOP" '{"appliance":"CAFE0001","edition":"vm","expires":"2001-01-01T00:00:00Z"}' \
  expires_in_past
api POST /v1/licenses/server "$SHOP" '{"appliance":"CAFE0001","edition":"compact"}'
expect_status 201
refused /v1/licenses/server "$SHOP" '{"appliance":"CAFE0001","edition":"compact"}' second_server_license
expect_eq "$(json '[d["appliance"], d["serial"]]')" '["CAFE0001", 1]'
refused /v1/licenses/server "$SHOP" '{"appliance":"CAFE0001","edition":"free","replace":true}' free_replaces_commercial
refused /v1/licenses/users "$SHOP" '{"appliance":"CAFE0001","users":3}' pack_size
expect_eq "$(json 'd["users"]')" 3

# Standby pairs: CAFE0002 a free primary, CAFE0003 the standby of CAFE0001.
api POST /v1/licenses/server "$SHOP" '{"appliance":"CAFE0002","edition":"free"}'
expect_status 201
refused /v1/licenses/standby "$SHOP" '{"appliance":"CAFE0001","primary":"CAFE0001"}' standby_of_itself
refused /v1/licenses/standby "$SHOP" '{"appliance":"CAFE0009","primary":"CAFE0002"}' primary_not_commercial
refused /v1/licenses/standby "$SHOP" '{"appliance":"CAFE0002","primary":"CAFE0001"}' standby_has_licenses
api POST /v1/licenses/standby "$SHOP" '{"appliance":"CAFE0003","primary":"CAFE0001"}'
expect_status 201
refused /v1/licenses/standby "$SHOP" '{"appliance":"CAFE0004","primary":"CAFE0001"}' standby_exists
refused /v1/licenses/standby "$SHOP" '{"appliance":"CAFE0005","primary":"CAFE0003"}' primary_is_standby
refused /v1/licenses/users "$SHOP" '{"appliance":"CAFE0003","users":5}' appliance_is_standby
api POST /v1/licenses/server "$SHOP" '{"appliance":"CAFE0006","edition":"vm"}'
expect_status 201
refused /v1/licenses/standby "$SHOP" '{"appliance":"CAFE0003","primary":"CAFE0006"}' already_standby
# 10,001 tokens for one appliance, over what its verifier reads (a dry run: nothing signed).
refused "/v1/licenses/users?dry_run=true" "$SHOP" '{"appliance":"CAFE0006","users":1,"count":10000}' \
  license_file_too_large
expect_eq "$(json '[d["appliance"], d["tokens"]]')" '["CAFE0006", 10001]'

# Taking back: nothing revoked yet; a transfer onto an appliance with licenses; a revocation
# list is no license to void; a standby whose standby license is voided has no license file.
refused /v1/revocations "$CLERK" '{}' nothing_revoked
refused /v1/transfers "$CLERK" '{"from":"CAFE0001","to":"CAFE0006"}' target_has_licenses
api POST /v1/licenses/3/void "$CLERK" '{"reason":"pair dissolved"}'
expect_status 200
api GET /v1/appliances/CAFE0003/license-file "$SHOP"
expect_problem 409 no-active-server-license ""
expect_eq "$(json '[d["code"], d["appliance"]]')" '["no_active_server_license", "CAFE0003"]'
api POST /v1/revocations "$CLERK" '{}'
expect_status 201
list=$(json 'd["serial"]')
refused "/v1/licenses/$list/void" "$CLERK" '{"reason":"x"}' not_a_license
expect_eq "$(json 'd["serial"]')" "$list"

# An activation code of more update months for a server license whose updates never end.
api POST /v1/activations - "{\"code\":\"$updates_code\",\"appliance\":\"CAFE0006\"}"
expect_problem 409 updates-unlimited ""
expect_eq "$(json '[d["code"], d["appliance"]]')" '["updates_unlimited", "CAFE0006"]'

# A body without a Content-Length (curl sends none for a POST without data).
api POST /v1/licenses/server "$SHOP" "" -H 'Content-Type: application/json'
expect_problem 411 length-required "=send the body with one Content-Length header (not chunked): at most 1 MiB"

stop_server
keygen ledger verify
expect_rc 0 "ledger verify"
pass
