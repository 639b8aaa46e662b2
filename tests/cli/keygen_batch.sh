#!/usr/bin/env bash
# ctest-name: keygen cli: issue batch: cumulative rules, all or nothing, strict JSON
# ctest: needs=keygen,mint seconds=10
# issue batch: the rules apply cumulatively in order; any refusal or input error issues
# nothing; the JSON is strict (no duplicated keys, no unknown fields).
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger

# A batch may create a server license and then packs for it, for several appliances.
cat >orders.json <<'JSON'
[
  {"type": "server", "appliance": "00:1a:2b:3c:4d:5e", "edition": "compact", "customer": "Acme GmbH", "order": "SO-7"},
  {"type": "users", "appliance": "00:1a:2b:3c:4d:5e", "users": 5, "count": 2, "order": "SO-7"},
  {"type": "server", "appliance": "vm-0042", "edition": "free"},
  {"type": "server", "appliance": "vm-0042", "edition": "vm", "updates_until": "2030-06-30T00:00:00Z"},
  {"type": "users", "appliance": "VM0042", "users": 1, "count": 3, "expires": "2099-01-01T00:00:00Z"}
]
JSON
issued 8 issue batch --orders orders.json
expect_err "issued 2 user packs of 5 users (serials 2-3) for appliance 001A2B3C4D5E"
expect_err "appliance 001A2B3C4D5E now: compact, 13 users (3 included + 10 in packs, max 20)"
expect_err "superseding server license 4"
expect_err "appliance VM0042 now: vm, 4 users (1 included + 3 in packs, no maximum)"
expect_err "8 tokens recorded in ledger.db"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(serial) FROM licenses")" "1,2,3,4,5,6,7,8"

# Refused in its third order: nothing at all is issued, the message names the order.
cat >over.json <<'JSON'
[
  {"type": "users", "appliance": "VM0042", "users": 5},
  {"type": "users", "appliance": "00:1a:2b:3c:4d:5e", "users": 5},
  {"type": "users", "appliance": "00:1a:2b:3c:4d:5e", "users": 5}
]
JSON
refused "order 3 (1 pack of 5 users for 001A2B3C4D5E): 1 pack of 5 users for 001A2B3C4D5E would take the compact appliance to 23 users" \
  issue batch --orders over.json
echo '[{"type":"server","appliance":"cafe0001","edition":"vm"},{"type":"users","appliance":"cafe0002","users":5}]' >nosrv.json
refused "order 2 (1 pack of 5 users for CAFE0002): appliance CAFE0002 has no server license on record" \
  issue batch --orders nosrv.json
echo '[{"type":"users","appliance":"cafe0001","users":3}]' >size.json
refused "exactly 1 or 5 users, not 3" issue batch --orders size.json
echo '[{"type":"server","appliance":"vm0042","edition":"appliance"}]' >second.json
refused "already has the vm server license 5" issue batch --orders second.json

# Input errors: duplicated keys, unknown fields, wrong types, bad JSON, bad IDs; nothing issued.
echo '[{"type":"server","appliance":"cafe0001","edition":"vm","edition":"free"}]' >dup.json
input_error 'order 1: duplicated key "edition"' issue batch --orders dup.json
echo '[{"type":"server","appliance":"cafe0001","edition":"vm"},{"type":"users","appliance":"cafe0001","users":5,"colour":"red"}]' >unknown.json
input_error 'order 2: unknown field "colour"' issue batch --orders unknown.json
echo '[{"type":"users","appliance":"cafe0001","users":"5"}]' >type.json
input_error 'order 1: field "users" must be a whole number' issue batch --orders type.json
echo '[{"type":"server","appliance":"ca","edition":"vm"}]' >id.json
input_error 'order 1: invalid appliance ID "ca"' issue batch --orders id.json
echo '[{"type":"server","appliance":"cafe0001","edition":"platinum"}]' >edition.json
input_error 'order 1: unknown edition "platinum"' issue batch --orders edition.json
echo '[{"type":"server","appliance":"cafe0001","edition":"vm"},' >broken.json
input_error 'orders file is not valid JSON' issue batch --orders broken.json
echo '[]' >empty.json
input_error 'orders file holds no orders' issue batch --orders empty.json
# Orders for one appliance are checked against all the batch's earlier ones: at most 1,000 of
# them in one batch (the packs of more are one order with a count); other appliances' don't count.
python3 -c 'import json; print(json.dumps([{"type":"users","appliance":"vm-0042","users":1}] * 1000 + [{"type":"users","appliance":"vm-0043","users":1}] + [{"type":"users","appliance":"vm0042","users":1}]))' >many.json
input_error 'the batch holds more than 1000 orders for appliance VM0042; give its packs as one order with a count' \
  issue batch --orders many.json
input_error 'cannot read orders file missing.json: No such file or directory' issue batch --orders missing.json

# The orders may come on stdin.
echo '[{"type":"users","appliance":"vm0042","users":5,"count":2}]' >stdin.json
before=$(rows)
run env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue batch --orders - <stdin.json
expect_rc 0
expect_eq "$(grep -c '^v4\.public\.' out)" 2
expect_eq "$(rows)" $((before + 2))

pass
