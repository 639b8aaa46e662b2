#!/usr/bin/env bash
# ctest-name: server cli: activations: an appliance activates with a code (curl, scripts/activate.sh), offline through /activate's API, refusals as problems
# ctest: needs=keygen,verify,server seconds=20 answers=record
# POST /v1/activations against a real server, no bearer token: scripts/activate.sh redeems a
# code, installs the file with seatkey-verify install and boots; the same code again answers
# the same file; another appliance gets 409 code-redeemed-elsewhere until the desk transfers the
# appliance; an offline request (seatkey-verify request) is redeemed like a code; a typo is 400
# naming its group; codes not on record get 404, then 429 with growing Retry-After; the public
# page /activate is served with its strict CSP; the ledger verifies after all of it.
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
"$KEYGEN" code new --ledger "$LEDGER" --count 4 --item server:compact,updates:12 --item users:5x2 \
  --reseller "Telco Partner" >codes.txt 2>/dev/null </dev/null || fail "code new"
code1=$(sed -n 1p codes.txt)
code2=$(sed -n 2p codes.txt)
start_server

# --- The PBX side with curl: redeem, install, boot.
mkdir licenses
run env SEATKEY_VERIFY="$VERIFY" bash "$SOURCE_DIR/scripts/activate.sh" --server "$URL" --code "$code1" \
  --appliance 00:1a:2b:3c:4d:5e --licenses licenses --trusted-keys dev.public
expect_rc 0 "scripts/activate.sh"
expect_out "Appliance 001A2B3C4D5E is licensed: Compact edition, 13 users"
expect_out "activated with code no. 1"
[ -s licenses/license.lic ] || fail "no license file installed"

# The same code and appliance again: the same file (text/plain), nothing issued.
rows_before=$(rows)
api POST /v1/activations - "{\"code\":\"$(tr 'A-Z' 'a-z' <<<"$code1")\",\"appliance\":\"001A2B3C4D5E\"}" -H 'Accept: text/plain'
expect_status 200
expect_header "content-type: text/plain"
cmp -s out licenses/license.lic || fail "the second answer is not the installed file"
api POST /v1/activations - "{\"code\":\"$code1\",\"appliance\":\"001A2B3C4D5E\"}"
expect_status 200
expect_eq "$(json 'd["codes"]')" "[1]"
expect_eq "$(json 'd["summary"]["licensed_users"]')" 13
expect_eq "$(rows)" "$rows_before"

# --- Another appliance: 409 with its own problem; after the desk's transfer, the new one.
api POST /v1/activations - "{\"code\":\"$code1\",\"appliance\":\"BEEF0001\"}"
expect_problem 409 code-redeemed-elsewhere "this code (code no. 1) is activated on another appliance: ask your reseller or the vendor's desk"
keygen transfer --from 001A2B3C4D5E --to BEEF0001 --reason "RMA 17"
expect_rc 0 "transfer"
api POST /v1/activations - "{\"code\":\"$code1\",\"appliance\":\"BEEF0001\"}"
expect_status 200 "(the code after the transfer)"
expect_eq "$(json 'd["appliance"]')" BEEF0001
api POST /v1/activations - "{\"code\":\"$code1\",\"appliance\":\"001A2B3C4D5E\"}"
expect_problem 409 code-redeemed-elsewhere "activated on another appliance"

# --- Offline: the appliance's request, pasted into the page's API.
run "$VERIFY" request --appliance cafe-0002 --code "$code2"
expect_rc 0 "seatkey-verify request"
request=$(grep '^SKR1-' out)
api POST /v1/activations - "{\"request\":\"$request\"}"
expect_status 200
expect_eq "$(json 'd["appliance"]')" CAFE0002
json 'd["license_file"]' >offline.lic
run "$VERIFY" --licenses offline.lic --appliance cafe-0002 --trusted-keys dev.public
expect_rc 0 "the offline file boots"
api POST /v1/activations - '{"request":"SKR1-AAAAA-AAAAA"}'
expect_problem 400 request-mistyped ""
api POST /v1/activations - "{\"code\":\"${code2:0:6}$( [ "${code2:6:1}" = 7 ] && echo 8 || echo 7 )${code2:7}\",\"appliance\":\"CAFE0003\"}"
expect_problem 400 code-mistyped "group 2 ("
expect_eq "$(json 'd["groups"]')" 2
api POST /v1/activations - '{"code":"x"}'
expect_problem 400 bad-input 'either "code" and "appliance", or "request"'

# --- Guessing: well-formed codes not on record, from one address: 404, then 429 growing.
"$KEYGEN" ledger init --ledger other.db --key dev.key --allow-development-key >/dev/null 2>&1 </dev/null
"$KEYGEN" code new --ledger other.db --count 8 --item users:1 >guesses.txt 2>/dev/null </dev/null
for i in 1 2 3 4 5; do
  api POST /v1/activations - "{\"code\":\"$(sed -n ${i}p guesses.txt)\",\"appliance\":\"CAFE0009\"}"
  expect_problem 404 code-unknown "on record: check it against the code as it was sold"
done
api POST /v1/activations - "{\"code\":\"$(sed -n 6p guesses.txt)\",\"appliance\":\"CAFE0009\"}"
expect_problem 429 too-many-requests "are not on record; try again in 1 s"
expect_header "retry-after: 1"
api POST /v1/activations - "{\"code\":\"$(sed -n 7p guesses.txt)\",\"appliance\":\"CAFE0009\"}"
expect_header "retry-after: 2"
# A valid code from the same address is served at once.
api POST /v1/activations - "{\"code\":\"$(sed -n 3p codes.txt)\",\"appliance\":\"CAFE0004\"}"
expect_status 200 "(a valid code from a guessing address)"
api GET /healthz
expect_status 200
expect_eq "$(json 'd["code_failures_last_minute"]')" 7

# --- /v1/codes for the ERP (auditor) and the desk (clerk): never a code but in POST's answer.
CLERK=$(make_token clerk desk)
AUDITOR=$(make_token auditor erp)
SHOP=$(make_token shop webshop)
api POST /v1/codes "$CLERK" '{"count":2,"items":["server:vm","users:1"],"reseller":"Shop B","order":"PO-9"}'
expect_status 201
expect_eq "$(json '[c["number"] for c in d["codes"]]')" "[5, 6]"
expect_location /v1/codes/5
expect_eq "$(json 'd["codes"][0]["items"]')" "server:vm users:1"
new_code=$(json 'd["codes"][0]["code"]')
[[ "$new_code" =~ ^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$ ]] || fail "POST /v1/codes did not answer a code: $new_code"
expect_eq "$(json 'd["codes"][0]["created_by"]')" desk
api POST /v1/codes "$CLERK" '{"items":["users:1"]}' -H 'Idempotency-Key: k-1'
expect_problem 400 bad-input "POST /v1/codes takes no Idempotency-Key: its answer holds the codes"
api POST /v1/codes "$CLERK" '{"items":["seats:1"]}'
expect_problem 400 bad-input 'item "seats:1" is none of'
api POST /v1/codes "$CLERK" '{"items":["server:free","users:1"]}'
expect_problem 409 free-takes-no-packs "a code cannot carry both"
api POST /v1/codes "$SHOP" '{"items":["users:1"]}'
expect_status 403
api GET "/v1/codes?reseller=Shop%20B" "$AUDITOR"
expect_status 200
expect_eq "$(json '[c["number"] for c in d["codes"]]')" "[5, 6]"
! grep -q "$new_code" out || fail "GET /v1/codes shows a code"
api GET "/v1/codes?status=redeemed&limit=1" "$AUDITOR"
expect_eq "$(json '[[c["number"], c["appliance"]] for c in d["codes"]]')" '[[1, "BEEF0001"]]'
expect_eq "$(json 'd["next_after"]')" 1
api GET "/v1/codes?colour=red" "$AUDITOR"
expect_problem 400 bad-input 'unknown query parameter "colour"'
api GET /v1/codes/1 "$AUDITOR"
expect_status 200
expect_eq "$(json '[d["state"], d["redeemed_for"], d["appliance"], d["reseller"]]')" \
  '["redeemed", "001A2B3C4D5E", "BEEF0001", "Telco Partner"]'
api GET /v1/codes/999 "$AUDITOR"
expect_problem 404 code-unknown "the ledger has no code no. 999"
api GET /v1/codes/x1 "$AUDITOR"
expect_problem 400 bad-input "not a code number"
api POST /v1/codes/5/void "$CLERK" '{"reason":"never sold"}'
expect_status 200
expect_eq "$(json 'd["voided"]')" "[]"
api POST /v1/codes/5/void "$CLERK" '{"reason":"again"}'
expect_problem 409 code-void "code no. 5 was voided on"
api POST /v1/activations - "{\"code\":\"$new_code\",\"appliance\":\"CAFE0005\"}"
expect_problem 409 code-void "ask your reseller or the vendor's desk"
api GET /v1/report "$AUDITOR"
expect_status 200
expect_eq "$(json 'd["codes"]')" \
  '[{"reseller": "Shop B", "created": 2, "redeemed": 0, "voided": 1, "open": 1}, {"reseller": "Telco Partner", "created": 4, "redeemed": 3, "voided": 0, "open": 1}]'

# --- The public activation page: no sign-in, its own script, a strict CSP (not recorded: the
# page is no operation of the API document).
curl -sS -D headers -o out "${URL%/}/activate" || fail "GET /activate"
expect_header "content-type: text/html"
expect_header "content-security-policy: default-src 'self'; object-src 'none'"
grep -q '<script src="/activate.js" defer></script>' out || fail "the page does not load /activate.js"
! grep -qE '(src|href)="(https?:)?//' out || fail "the page loads something from elsewhere"
curl -sS -D headers -o out "${URL%/}/activate.js" || fail "GET /activate.js"
expect_header "content-type: text/javascript"
grep -q '"/v1/activations"' out || fail "activate.js does not post to /v1/activations"

stop_server
keygen ledger verify
expect_rc 0 "the ledger verifies after the activations"
pass
