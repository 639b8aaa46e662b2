#!/usr/bin/env bash
# ctest-name: server cli: activations: an appliance activates with a code (curl, scripts/activate.sh), offline through /activate's API, refusals as problems
# ctest: needs=keygen,verify,server seconds=20
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

# --- The public activation page: no sign-in, its own script, a strict CSP.
api GET /activate
expect_status 200
expect_header "content-type: text/html"
expect_header "content-security-policy: default-src 'self'; object-src 'none'"
grep -q '<script src="/activate.js" defer></script>' out || fail "the page does not load /activate.js"
! grep -qE '(src|href)="(https?:)?//' out || fail "the page loads something from elsewhere"
api GET /activate.js
expect_status 200
expect_header "content-type: text/javascript"
grep -q '"/v1/activations"' out || fail "activate.js does not post to /v1/activations"

stop_server
keygen ledger verify
expect_rc 0 "the ledger verifies after the activations"
pass
