#!/usr/bin/env bash
# ctest-name: web: the activation page in headless Chromium: an offline request pasted, the license file downloaded and booted, a typo named
# ctest: needs=keygen,verify,server,web seconds=30
# The public activation page (GET /activate) in headless Chromium: seatkey-server on a scratch
# ledger with activation codes; an appliance's offline request (seatkey-verify request) pasted
# into the page, its license file downloaded and checked with seatkey-verify; a license key
# with a typo named by its group. The ledger then verifies, the code redeemed once.
# Expects KEYGEN, VERIFY, SERVER, SOURCE_DIR, NODE and CHROMIUM (empty: not found).
. "$SOURCE_DIR/tests/web/lib.sh"

dev_key
init_ledger
keygen code new --count 2 --item server:compact --item users:5x2
expect_rc 0 "code new"
code=$(sed -n 1p out)
other=$(sed -n 2p out)
typo="${other:0:6}$([ "${other:6:1}" = 7 ] && echo 8 || echo 7)${other:7}"
run "$VERIFY" request --appliance 00:1a:2b:3c:4d:5e --code "$code"
expect_rc 0 "seatkey-verify request"
request=$(grep '^SKR1-' out)

start_server

mkdir browser
run env ACTIVATE_URL="${URL%/}" ACTIVATE_REQUEST="$request" ACTIVATE_CODE="$typo" ACTIVATE_APPLIANCE=001A2B3C4D5E \
  CHROMIUM="$CHROMIUM" WORK_DIR="$PWD/browser" NODE_PATH="$modules" "$NODE" "$SOURCE_DIR/tests/web/activate_walkthrough.js"
cat out
[ "$RC" -eq 0 ] || { cat err >&2; tail -20 server.log >&2; fail "the walk-through failed"; }

run "$VERIFY" --appliance 00:1a:2b:3c:4d:5e --licenses browser/downloaded.lic --trusted-keys dev.public
expect_rc 0 "seatkey-verify of the downloaded file"
expect_out "activated with code no. 1"
expect_eq "$(sqlite3 "$LEDGER" "SELECT type || ':' || number || ':' || appliance FROM code_events")" "redeem:1:001A2B3C4D5E"
run "$KEYGEN" ledger verify --ledger "$LEDGER"
expect_rc 0 "ledger verify after the activation"
pass
