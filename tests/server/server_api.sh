#!/usr/bin/env bash
# ctest-name: server cli: endpoints: issue, find, void, transfer, revocations, report with the CLI's rules and words
# ctest: needs=keygen,verify,server seconds=60 answers=record
# seatkey-server's endpoints against a real server: issuing, finding, voiding, transferring and
# revocation lists do what seatkey-keygen does, refuse with its messages (problem+json), record
# the API token's name, and leave a ledger that verifies.
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
SHOP=$(make_token shop webshop)
CLERK=$(make_token clerk desk)
AUDITOR=$(make_token auditor erp)
start_server

# Issue: 201 with the rows, the token's name recorded in each.
api POST /v1/licenses/server "$SHOP" "{\"appliance\":\"$A\",\"edition\":\"compact\",\"customer\":\"Acme GmbH\",\"order\":\"SO-1\"}"
expect_status 201
expect_location /v1/licenses/1
expect_eq "$(json 'd["licenses"][0]["serial"]')" 1
expect_eq "$(json 'd["licenses"][0]["written_by"]')" webshop
expect_eq "$(json 'd["appliances"][0]["licensed_users"]')" 3
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"users\":5,\"count\":2,\"order\":\"SO-2\"}"
expect_status 201
expect_location /v1/licenses/2
expect_eq "$(json '[l["serial"] for l in d["licenses"]]')" "[2, 3]"
expect_eq "$(json 'd["appliances"][0]["licensed_users"]')" 13
api POST /v1/orders "$SHOP" '[{"type":"server","appliance":"vm-0042","edition":"vm","customer":"Beta KG"},
  {"type":"users","appliance":"vm-0042","users":1}]'
expect_status 201
expect_eq "$(json '[l["kind"] for l in d["licenses"]]')" '["server", "users"]'
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(written_by) FROM licenses")" "webshop,webshop,webshop,webshop,webshop"

# The rules refuse with seatkey-keygen's words (409), each refusal its own problem type with its
# code and numbers; input errors with its words (400), and nothing is written.
before=$(ledger_dump)
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"users\":5,\"count\":2}"
expect_problem 409 compact-max-users "=$(cli_message issue users --appliance "$A" --users 5 --count 2)"
expect_eq "$(json '[d["code"], d["kind"], d["appliance"], d["edition"], d["max_users"], d["users_after"]]')" \
  '["compact_max_users", "refused", "001A2B3C4D5E", "compact", 20, 23]'
api POST /v1/licenses/server "$SHOP" "{\"appliance\":\"$A\",\"edition\":\"gold\"}"
expect_problem 400 bad-input '=unknown edition "gold" (one of: free, compact, appliance, vm)'
api POST /v1/licenses/users "$SHOP" '{"appliance":"x","users":5}'
expect_problem 400 bad-input "invalid appliance ID"
# A MAC address or UUID with a byte or digit left out: its own problem type and code, in the
# CLI's words; the order is named in a batch.
api POST /v1/licenses/server "$SHOP" '{"appliance":"00:1a:2b:3c:4d","edition":"compact"}'
expect_problem 400 appliance-id-mistyped "=$(cli_message issue server --appliance 00:1a:2b:3c:4d --edition compact)"
expect_eq "$(json '[d["code"], d["kind"], d["form"], d["expected_bytes"]]')" '["appliance_id_mistyped", "input", "mac", 6]'
api POST /v1/orders "$SHOP" '[{"type":"server","appliance":"vm-0043","edition":"vm"},
  {"type":"server","appliance":"123e4567-e89b-12d3-a456-42661417400","edition":"vm"}]'
expect_problem 400 appliance-id-mistyped '=order 2: appliance ID "123e4567-e89b-12d3-a456-42661417400" is written as a UUID but its groups have 8-4-4-4-11 hex digits, where a UUID has 8-4-4-4-12 (16 bytes): check it against the appliance'
expect_eq "$(json '[d["form"], d["expected_bytes"]]')" '["uuid", 16]'
# standby goes through the batch's order parser: what it says of a standby order, the server says.
echo '[{"type":"standby","appliance":"00:1a:2b:3c:4d:99"}]' >standby.json
api POST /v1/licenses/standby "$SHOP" '{"appliance":"00:1a:2b:3c:4d:99"}'
batch_says=$(cli_message issue batch --orders standby.json)
if [ "$STATUS" = 400 ]; then
  expect_problem 400 bad-input "=${batch_says#order 1: }"
fi
[ "$(ledger_dump)" = "$before" ] || [ "$STATUS" = 201 ] || fail "a refused request changed the ledger"

# The desk reads a refusal in its own words: the detail is the CLI's message, with no command
# line and no option in it; seatkey-keygen alone follows it with the command to run.
desk_words() {  # TYPE COMMAND ARGS...: the answer refuses as seatkey-keygen ARGS does
  local type=$1 command=$2 detail
  shift 2
  expect_problem 409 "$type" "=$(cli_message "$@")"
  detail=$(json 'd["detail"]')
  case "$detail" in *seatkey-keygen* | *--*) fail "the desk's detail names a command or option: $detail" ;; esac
  expect_eq "$(json '"command" in d')" false "(the problem carries no command)"
  expect_eq "$(cli_hint "$@")" "  $command" "(seatkey-keygen's line after the message)"
}
api POST /v1/licenses/server "$CLERK" "{\"appliance\":\"$A\",\"edition\":\"vm\"}"
desk_words second-server-license "seatkey-keygen issue server --appliance 001A2B3C4D5E --edition vm --replace" \
  issue server --appliance "$A" --edition vm
api POST /v1/licenses/users "$CLERK" '{"appliance":"00:1a:2b:3c:4d:77","users":5}'
desk_words no-server-license "seatkey-keygen issue server --appliance 001A2B3C4D77 --edition compact|appliance|vm" \
  issue users --appliance 00:1a:2b:3c:4d:77 --users 5
[ "$(ledger_dump)" = "$before" ] || fail "a refused request changed the ledger"

# Finding things: the filters of ledger list, one license with every field.
# (packs without a customer carry the server license's)
api GET "/v1/licenses?customer=acme" "$AUDITOR"
expect_status 200
expect_eq "$(json '[l["serial"] for l in d["licenses"]]')" "[1, 2, 3]"
api GET "/v1/licenses?order=SO-2&kind=users&status=active" "$AUDITOR"
expect_eq "$(json '[l["serial"] for l in d["licenses"]]')" "[2, 3]"
api GET "/v1/licenses?limit=2" "$AUDITOR"
expect_eq "$(json '[[l["serial"] for l in d["licenses"]], d["next_after"]]')" "[[1, 2], 2]"
api GET "/v1/licenses?after=2&limit=10" "$AUDITOR"
expect_eq "$(json '[[l["serial"] for l in d["licenses"]], d["next_after"]]')" "[[3, 4, 5], null]"
api GET "/v1/licenses?status=happy" "$AUDITOR"
expect_problem 400 bad-input '=unknown status "happy" (one of: active, superseded, expired, voided, transferred)'
api GET "/v1/licenses?since=yesterday" "$AUDITOR"
# (the query parameter is since, the option --since)
expect_problem 400 bad-input "=$(cli_message ledger list --since yesterday | sed 's/^--//')"
api GET /v1/licenses/2 "$AUDITOR"
expect_status 200
expect_eq "$(json '[d["serial"], d["kind"], d["users"], d["order"], d["status"], d["written_by"], d["events"]]')" \
  '[2, "users", 5, "SO-2", "active", "webshop", []]'
expect_eq "$(json '"token" in d')" "false" "(an auditor reads the ledger without the licenses' tokens)"
api GET /v1/licenses/2 "$SHOP"
expect_eq "$(json 'd["token"]')" "$(sqlite3 "$LEDGER" "SELECT token FROM licenses WHERE serial = 2")"
api GET /v1/licenses/99 "$AUDITOR"
expect_problem 404 not-found "=no license with serial 99 on record"

# Void: clerk only, the event names the token; the CLI's refusals.
api POST /v1/licenses/2/void "$SHOP" '{"reason":"refund"}'
expect_problem 403 forbidden '=this needs the role clerk or above; you are signed in as "webshop", whose role is shop'
api POST /v1/licenses/2/void "$CLERK" '{"reason":"refund, ticket 4711"}'
expect_status 200
expect_eq "$(json '[[v["serial"], v["status"]] for v in d["voided"]]')" '[[2, "voided"]]'
expect_eq "$(json 'd["appliances"][0]["licensed_users"]')" 8
expect_eq "$(sqlite3 "$LEDGER" "SELECT type, serial, reason, who FROM events")" "void|2|refund, ticket 4711|desk"
api POST /v1/licenses/2/void "$CLERK" '{"reason":"again"}'
expect_problem 409 already-voided "=$(cli_message void 2 --reason again)"
expect_eq "$(json '[d["code"], d["serial"]]')" '["already_voided", 2]'
api POST /v1/licenses/99/void "$CLERK" '{"reason":"x"}'
expect_problem 409 unknown-serial "=$(cli_message void 99 --reason x)"
api POST /v1/licenses/2/void "$CLERK" '{"why":"x"}'
expect_problem 400 bad-input '=unknown field "why" (allowed here: reason)'
api POST /v1/licenses/2/void "$CLERK" '{}'
expect_problem 400 bad-input '=missing field "reason"'
api GET /v1/licenses/2 "$AUDITOR"
expect_eq "$(json '[d["status"], [[e["type"], e["who"], e["written_by"]] for e in d["events"]]]')" '["voided", [["void", "desk", "desk"]]]'

# Transfer: 201 with the new appliance's licenses; refusals as the CLI's.
api GET /v1/revocations/latest "$AUDITOR"
expect_problem 404 not-found "no revocation lists yet"
api POST /v1/transfers "$CLERK" "{\"from\":\"$A\",\"to\":\"00:1a:2b:3c:4d:99\",\"reason\":\"RMA 1234\"}"
expect_status 201
expect_location /v1/appliances/001A2B3C4D99
expect_eq "$(json '[d["from"], d["to"], [[l["kind"], l["transferred_from"], l["written_by"]] for l in d["licenses"]]]')" \
  '["001A2B3C4D5E", "001A2B3C4D99", [["server", 1, "desk"], ["users", 3, "desk"]]]'
expect_eq "$(json 'd["appliances"][0]["licensed_users"]')" 8
expect_eq "$(json '[d["revocation_list"][k] for k in ("seq", "revoked", "status", "written_by", "added")] + [d["license_file_carries_list"]]')" \
  '[1, [1, 2, 3], "active", "desk", 3, false]'
expect_eq "$(json 'd["revocation_list"]["serial"]')" "$(sqlite3 "$LEDGER" "SELECT serial FROM licenses WHERE kind = 'revocation'")"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(who) FROM events WHERE type = 'transfer'")" "desk,desk"
api POST /v1/transfers "$CLERK" "{\"from\":\"$A\",\"to\":\"00:1a:2b:3c:4d:98\"}"
expect_problem 409 no-active-server-license "=$(cli_message transfer --from "$A" --to 00:1a:2b:3c:4d:98)"
api POST /v1/transfers "$CLERK" '{"from":"vm-0042"}'
expect_problem 400 bad-input '=missing field "to"'

# Revocation lists: the transfer signed list 1, naming what it and the void took back; after
# another void, the next one signed and recorded; the newest one read back.
api GET /v1/revocations/latest "$AUDITOR"
expect_status 200
expect_eq "$(json '[d["seq"], d["revoked"], d["status"], d["written_by"]]')" '[1, [1, 2, 3], "active", "desk"]'
api POST /v1/revocations "$CLERK" '{}'
expect_problem 409 nothing-new-to-revoke "=$(cli_message revocations issue)"
api POST /v1/licenses/5/void "$CLERK" '{"reason":"refund"}'
expect_status 200
api POST /v1/revocations "$CLERK" '{}'
expect_status 201
expect_location "/v1/licenses/$(json 'd["serial"]')"
expect_eq "$(json '[d["seq"], d["revoked"], d["added"], d["status"], d["written_by"]]')" '[2, [1, 2, 3, 5], 1, "active", "desk"]'
list_token=$(json 'd["token"]')
api POST /v1/revocations "$CLERK" '{}'
expect_problem 409 nothing-new-to-revoke "=$(cli_message revocations issue)"
api GET /v1/revocations/latest "$AUDITOR"
expect_status 200
expect_eq "$(json 'd["token"]')" "$list_token"

# The report of a period, as report --json.
api GET "/v1/report?since=2000-01-01T00:00:00Z" "$AUDITOR"
expect_status 200
keygen report --json --since 2000-01-01T00:00:00Z
expect_eq "$(json 'd')" "$(python3 -c 'import json; print(json.dumps(json.load(open("out"))))')" "(report)"
api GET "/v1/report?since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z" "$AUDITOR"
expect_problem 400 bad-input "is not before until"
# A date is the start of that day in UTC, in the report and the list alike; a date that is no
# day is refused, in the CLI's words.
api GET "/v1/report?since=2000-01-01&until=2100-01-01" "$AUDITOR"
expect_eq "$(json '[d["since"], d["until"]]')" '["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z"]'
today=$(date -u +%Y-%m-%d)
api GET "/v1/licenses?since=$today&kind=server" "$AUDITOR"
expect_eq "$(json '[l["serial"] for l in d["licenses"]]')" "[1, 4, 6]"
api GET "/v1/licenses?until=$today" "$AUDITOR"
expect_eq "$(json 'd["licenses"]')" "[]"
api GET "/v1/report?since=2026-02-30" "$AUDITOR"
expect_problem 400 bad-input "=$(cli_message report --since 2026-02-30 | sed 's/^--//')"
expect_problem 400 bad-input '=since "2026-02-30" is neither a date (like 2026-12-01: the start of that day, UTC) nor an RFC 3339 time in the years 0000-9999 (like 2026-12-01T08:00:00Z)'

# The appliance as it would see itself, and its license file (voided pack left out).
api GET /v1/appliances/001A2B3C4D99 "$AUDITOR"
expect_status 200
expect_eq "$(json '[d["entitlement"]["licensed"], d["entitlement"]["licensed_users"]]')" "[true, 8]"
api GET /v1/appliances/001A2B3C4D99/license-file "$SHOP"
expect_status 200
expect_header "content-type: text/plain"
"$VERIFY" --licenses out --appliance 001A2B3C4D99 --trusted-keys dev.public >verify.out 2>&1 ||
  fail "seatkey-verify refused the license file: $(cat verify.out)"

# A standby of that appliance: 201 with the standby license, and the standby sees itself as the
# primary's standby with its users; its license file verifies on it.
api POST /v1/licenses/standby "$SHOP" '{"appliance":"00:1a:2b:3c:4d:aa","primary":"001A2B3C4D99"}'
expect_status 201
expect_eq "$(json '[[l["kind"], l["appliance"], l["primary"], l["written_by"]] for l in d["licenses"]]')" \
  '[["standby", "001A2B3C4DAA", "001A2B3C4D99", "webshop"]]'
api GET /v1/appliances/001A2B3C4DAA "$AUDITOR"
expect_status 200
expect_eq "$(json '[d["entitlement"]["standby_for"], d["entitlement"]["licensed_users"]]')" '["001A2B3C4D99", 8]'
api GET /v1/appliances/001A2B3C4DAA/license-file "$SHOP"
expect_status 200
"$VERIFY" --licenses out --appliance 001A2B3C4DAA --trusted-keys dev.public >verify.out 2>&1 ||
  fail "seatkey-verify refused the standby's license file: $(cat verify.out)"
grep -q 'standby for 001A2B3C4D99' verify.out || fail "the standby's boot check does not say whose standby it is: $(cat verify.out)"

# A batch that replaces that standby twice: the answer names what it voided, and each license's
# status is the one after the whole batch (the first new standby is voided by the second).
# Roles are checked on what a request does: a replace voids, so it takes clerk, not shop.
first_standby=$(sqlite3 "$LEDGER" "SELECT max(serial) FROM licenses WHERE kind = 'standby'")
replacing='[{"type":"standby","appliance":"00:1a:2b:3c:4d:ab","primary":"001A2B3C4D99","replace":true},
  {"type":"standby","appliance":"00:1a:2b:3c:4d:ac","primary":"001A2B3C4D99","replace":true}]'
before=$(ledger_dump)
api POST /v1/orders "$SHOP" "$replacing"
expect_problem 403 forbidden '=this needs the role clerk or above (a standby order with replace voids the standby license it replaces); you are signed in as "webshop", whose role is shop'
expect_eq "$(ledger_dump)" "$before" "(the ledger after a refused replace)"
api POST /v1/orders "$CLERK" "$replacing"
expect_status 201
expect_eq "$(json '[[l["appliance"], l["status"]] for l in d["licenses"]]')" \
  '[["001A2B3C4DAB", "voided"], ["001A2B3C4DAC", "active"]]'
expect_eq "$(json '[l["serial"] for l in d["voided"]]')" "[$first_standby, $((first_standby + 1))]"

# The event feed, paged with its cursor from the beginning, is the chain's issues, revocation
# lists, voids and transfers in chain order (the API tokens' links passed over), as the ledger's
# own tables list them; an auditor reads it.
expected=$(sqlite3 "$LEDGER" "SELECT seq || ' ' || type FROM (
  SELECT chain_seq AS seq, CASE kind WHEN 'revocation' THEN 'revocation' ELSE 'issue' END AS type FROM licenses
  UNION ALL SELECT chain_seq, type FROM events) ORDER BY seq")
after=0 pages=0 fed=""
while :; do
  api GET "/v1/events?after=$after&limit=4" "$AUDITOR"
  expect_status 200
  fed+=$(json '"".join("%d %s\n" % (e["seq"], e["type"]) for e in d["events"])')$'\n'
  after=$(json 'd["next_after"]')
  pages=$((pages + 1))
  [ "$(json 'd["more"]')" = true ] || break
done
expect_eq "$(grep -v '^$' <<<"$fed")" "$expected" "(the feed)"
expect_eq "$after" "$(sqlite3 "$LEDGER" "SELECT max(s) FROM (SELECT max(chain_seq) AS s FROM licenses
  UNION ALL SELECT max(chain_seq) FROM events)")" "(the cursor after the last page)"
[ "$pages" -gt 3 ] || fail "the feed came in $pages pages of 4"
api GET "/v1/events?after=$after" "$AUDITOR"
expect_eq "$(json '[d["events"], d["next_after"], d["more"]]')" "[[], $after, false]"
# The first link is an API token's creation: no event, and the cursor past it.
api GET "/v1/events?limit=1" "$AUDITOR"
expect_eq "$(json '[d["events"], d["next_after"], d["more"]]')" '[[], 1, true]'
api GET "/v1/events?limit=10" "$SHOP"
expect_eq "$(json '[[e["license"]["serial"], "token" in e["license"]] for e in d["events"] if "license" in e][:2]')" \
  '[[1, false], [2, false]]'
api GET "/v1/events?after=-1" "$AUDITOR"
expect_problem 400 bad-input '=after "-1" is not a position in the chain (0, 1, 2, ...)'
api GET "/v1/events?limit=1001" "$AUDITOR"
expect_problem 400 bad-input '=limit "1001" is not a number from 1 to 1000'

# A whole UUID and an ID of the vendor's own shape are taken, as ever.
api POST /v1/orders "$SHOP" '[{"type":"server","appliance":"123e4567-e89b-12d3-a456-426614174000","edition":"vm"},
  {"type":"server","appliance":"SF-2024-00123","edition":"compact"}]'
expect_status 201
expect_eq "$(json '[l["appliance"] for l in d["licenses"]]')" '["123E4567E89B12D3A456426614174000", "SF202400123"]'

# What the server wrote verifies, row by row and token by token.
stop_server
keygen ledger verify
expect_rc 0 "ledger verify"
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE written_by IS NULL")" 0
pass
