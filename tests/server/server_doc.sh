#!/usr/bin/env bash
# ctest-name: server cli: docs/back-office.md: the shop integration's curl examples run as written
# ctest: needs=keygen,verify,server seconds=15 answers=record
# docs/back-office.md, "The shop integration": every sh block of the section, run in order
# against a real server with SEATKEY_URL and SHOP_TOKEN set, exits 0; what the text says of them
# holds (the retried order issued once, the refusal a 409 problem, the license file verifies).
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
SHOP_TOKEN=$(make_token shop webshop)
start_server
export SEATKEY_URL=${URL%/} SHOP_TOKEN

python3 - "$SOURCE_DIR/docs/back-office.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("### The shop integration", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
assert len(blocks) >= 6, "the section has %d sh blocks" % len(blocks)
for i, b in enumerate(blocks, 1):
    open("block%d.sh" % i, "w").write(b)
print(len(blocks))
PY
[ -f block1.sh ] || fail "no sh blocks extracted from docs/back-office.md"
for block in $(ls block*.sh | sort -V); do
  run bash -e -o pipefail "$block"
  expect_rc 0 "$block of docs/back-office.md's shop integration: $(cat "$block")"
  cat out >>all.out
done

expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE order_ref = 'SO-2002'")" 2 "(packs of the retried order)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(DISTINCT written_by) || written_by FROM licenses")" 1webshop
expect_eq "$(python3 -c 'import json; print(json.load(open("refused.json"))["status"])')" 409 "(the refusal)"
grep -qF '"detail":"2 packs of 5 users for 001A2B3C4D5E would take the compact appliance to 23 users, over its maximum of 20 (it has 13: ' refused.json ||
  fail "the refusal is not the one the doc shows: $(cat refused.json)"
grep -q '"licensed":true,"edition":"compact"' all.out || fail "the appliance's entitlement is not shown"
"$VERIFY" --licenses 001A2B3C4D5E.lic --appliance 001A2B3C4D5E --trusted-keys dev.public >verify.out 2>&1 ||
  fail "the downloaded license file does not verify: $(cat verify.out)"
grep -q "13 users" verify.out || fail "the license file is not for 13 users: $(cat verify.out)"
stop_server
pass
