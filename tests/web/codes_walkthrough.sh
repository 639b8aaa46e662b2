#!/usr/bin/env bash
# ctest-name: web: the desk's codes panel in headless Chromium: make, CSV, find, redeemed, void, an auditor's view
# ctest: needs=keygen,verify,server,web seconds=30
# The desk's activation codes panel in headless Chromium: seatkey-server on a scratch ledger
# holding 60 codes of one reseller, a clerk's and an auditor's API tokens, and
# codes_walkthrough.js clicking through it. Then the CSV the browser made has the columns of
# `code new --csv` for the same batch, the ledger holds what the page made, redeemed and voided,
# and its chain verifies.
# Expects KEYGEN, VERIFY, SERVER, SOURCE_DIR, NODE and CHROMIUM (empty: not found) in the
# environment; puppeteer-core in tests/web/node_modules (scripts/setup.sh installs both).
. "$SOURCE_DIR/tests/web/lib.sh"

dev_key
init_ledger
keygen token create --role clerk --name "desk clerk"
expect_rc 0 "token create (clerk)"
clerk_token=$(cat out)
keygen token create --role auditor --name "erp reader"
expect_rc 0 "token create (auditor)"
auditor_token=$(cat out)
keygen code new --count 60 --item users:1 --reseller "Bulk GmbH"
expect_rc 0 "code new (60 for paging)"

start_server

mkdir browser
run env TZ=Europe/Berlin DESK_URL="${URL%/}" CLERK_TOKEN="$clerk_token" AUDITOR_TOKEN="$auditor_token" CHROMIUM="$CHROMIUM" \
  WORK_DIR="$PWD/browser" NODE_PATH="$modules" "$NODE" "$SOURCE_DIR/tests/web/codes_walkthrough.js"
cat out
[ "$RC" -eq 0 ] || { cat err >&2; echo "--- server log:" >&2; tail -20 server.log >&2; fail "the walk-through failed"; }
stop_server

# The page's CSV and the command line's, for a batch of the same items, reseller and order: the
# same columns after the number and the code, down to the quoting and the formula guard.
keygen code new --count 1 --item server:compact,updates:12 --item users:5x2 \
  --reseller "<img src=x onerror=alert(1)> Telco" --order '=HYPERLINK("http://x.example","y"),1' --csv
expect_rc 0 "code new --csv"
expect_eq "$(sed -n 2p out | cut -d, -f3-)" "$(sed -n 2p browser/codes.csv | cut -d, -f3-)" "(CSV columns of the page and of code new --csv)"
expect_eq "$(head -1 out)" "$(head -1 browser/codes.csv)" "(CSV header)"

# The ledger: the page's codes by the clerk's token, valid until the end of the day typed in
# Berlin (the browser's TZ); no. 62 redeemed for the appliance, no. 63 voided by the clerk with
# the reason typed.
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(number || ':' || who || ':' || customer || ':' || valid_until, '|') FROM codes WHERE number BETWEEN 61 AND 63")" \
  "61:desk clerk:Müller GmbH:2030-12-31T22:59:59Z|62:desk clerk:Müller GmbH:2030-12-31T22:59:59Z|63:desk clerk:Müller GmbH:2030-12-31T22:59:59Z" "(codes made)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(type || ':' || number || ':' || ifnull(appliance, '-') || ':' || ifnull(reason, '-') || ':' || ifnull(who, '-'), '|') FROM code_events ORDER BY chain_seq")" \
  "redeem:62:001A2B3C4D5E:-:code no. 62|void:63:-:reseller returned it:desk clerk" "(code events)"
run "$KEYGEN" ledger verify --ledger "$LEDGER"
expect_rc 0 "ledger verify after the walk-through"
pass
