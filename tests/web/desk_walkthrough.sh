#!/usr/bin/env bash
# ctest-name: web: the desk page in headless Chromium: sign in, sell, history, void, transfer, report, refusals beside their forms, an auditor's view, an admin's tokens
# ctest: needs=keygen,verify,server,web seconds=30
# The license desk's page (GET /) in headless Chromium: seatkey-server on a scratch ledger with
# the development key, a clerk's API token, and desk_walkthrough.js clicking through it. Then
# the license file the browser downloaded is checked with seatkey-verify, and the ledger holds
# exactly what the page issued, voided and transferred (and its chain verifies).
# Expects KEYGEN, VERIFY, SERVER, SOURCE_DIR, NODE and CHROMIUM (empty: not found) in the
# environment; puppeteer-core in tests/web/node_modules (scripts/setup.sh installs both).
. "$SOURCE_DIR/tests/web/lib.sh"

dev_key
init_ledger
keygen token create --role clerk --name "desk clerk"
expect_rc 0 "token create"
clerk_token=$(cat out)
keygen token create --role auditor --name "erp reader"
expect_rc 0 "token create (auditor)"
auditor_token=$(cat out)
keygen token create --role admin --name "desk admin"
expect_rc 0 "token create (admin)"
admin_token=$(cat out)

# The server on a free port; its log says where it listens.
start_server

mkdir browser
run env DESK_URL="${URL%/}" DESK_TOKEN="$clerk_token" AUDITOR_TOKEN="$auditor_token" ADMIN_TOKEN="$admin_token" CHROMIUM="$CHROMIUM" WORK_DIR="$PWD/browser" \
  NODE_PATH="$modules" "$NODE" "$SOURCE_DIR/tests/web/desk_walkthrough.js"
cat out
[ "$RC" -eq 0 ] || { echo "--- server log:" >&2; tail -20 server.log >&2; fail "the walk-through failed"; }

# A full-page screenshot of each step, each a PNG file (its first 8 bytes are the signature).
for step in 1-signed-in 2-sold 3-voided 4-report; do
  shot="browser/screenshots/$step.png"
  [ -s "$shot" ] || fail "no screenshot $shot"
  expect_eq "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" "89504e470d0a1a0a" "($shot is not a PNG)"
done

# What the browser downloaded is the appliance's license file: it verifies on the appliance.
run "$VERIFY" --appliance "$A" --licenses browser/downloaded.lic --trusted-keys dev.public
expect_rc 0 "seatkey-verify of the downloaded file"
expect_out "Users:    8 (3 included + 5 from user packs"

# The ledger holds what the page issued, written by the clerk's token, the transfer's new
# server license for serial 1, and the void and the transfer as events by the same token.
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(serial || ':' || kind || ':' || appliance || ':' || users || ':' || customer || ':' || written_by || ':' || ifnull(transferred_from, '-'), '|') FROM licenses ORDER BY serial")" \
  "1:server:001A2B3C4D5E:3:<img src=x onerror=alert(1)>:desk clerk:-|2:users:001A2B3C4D5E:5:<img src=x onerror=alert(1)>:desk clerk:-|3:server:001A2B3C4D5F:3:<img src=x onerror=alert(1)>:desk clerk:1" "(ledger rows)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(type || ':' || serial || ':' || reason || ':' || who || ':' || ifnull(transfer_to, '-'), '|') FROM events ORDER BY chain_seq")" \
  "void:2:customer returned the pack:desk clerk:-|transfer:1:RMA:desk clerk:001A2B3C4D5F" "(ledger events)"
run "$KEYGEN" ledger verify --ledger "$LEDGER"
expect_rc 0 "ledger verify after the walk-through"
pass
