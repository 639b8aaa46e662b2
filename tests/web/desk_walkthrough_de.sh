#!/usr/bin/env bash
# ctest-name: web: the desk page in German in headless Chromium: sell Compact with 12 users, a refusal in German, the switch to English and back, a void, the report, screenshots
# ctest: needs=keygen,verify,server,web seconds=30
# The license desk's page (GET /) as a German browser opens it (--lang=de-DE, Accept-Language
# de-DE): desk_walkthrough_de.js signs in a clerk and walks through the day in German, saving a
# full-page screenshot of each step. Then the screenshots are there and are PNGs, and the ledger
# holds what the page issued and voided.
# Expects KEYGEN, VERIFY, SERVER, SOURCE_DIR, NODE and CHROMIUM (empty: not found) in the
# environment; puppeteer-core in tests/web/node_modules (scripts/setup.sh installs both).
. "$SOURCE_DIR/tests/web/lib.sh"

dev_key
init_ledger
keygen token create --role clerk --name "Sachbearbeiterin"
expect_rc 0 "token create"
clerk_token=$(cat out)

start_server

mkdir browser
run env TZ=Europe/Berlin DESK_URL="${URL%/}" DESK_TOKEN="$clerk_token" CHROMIUM="$CHROMIUM" WORK_DIR="$PWD/browser" \
  NODE_PATH="$modules" "$NODE" "$SOURCE_DIR/tests/web/desk_walkthrough_de.js"
cat out
[ "$RC" -eq 0 ] || { echo "--- server log:" >&2; tail -20 server.log >&2; fail "the German walk-through failed"; }

# Each step's screenshot is a PNG file (its first 8 bytes are the PNG signature).
for step in 1-anmelden 2-verkauft 3-abgelehnt 4-englisch 5-deutsch 6-storniert 7-bericht; do
  shot="browser/screenshots/$step.png"
  [ -s "$shot" ] || fail "no screenshot $shot"
  expect_eq "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" "89504e470d0a1a0a" "($shot is not a PNG)"
done

# The ledger holds the Compact license and its packs for 12 users, one 1-user pack voided.
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(kind || ':' || users, '|') FROM licenses ORDER BY serial")" \
  "server:3|users:5|users:1|users:1|users:1|users:1" "(ledger rows)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(type || ':' || reason || ':' || who, '|') FROM events ORDER BY chain_seq")" \
  "void:Kunde hat einen Platz zurückgegeben:Sachbearbeiterin" "(ledger events)"
pass
