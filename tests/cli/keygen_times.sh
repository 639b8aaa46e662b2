#!/usr/bin/env bash
# ctest-name: keygen cli: times: outside 0000-9999 refused; a ledger with such a row still lists, naming it
# ctest: needs=keygen,mint seconds=10
# Times are RFC 3339 in the years 0000-9999 once their offset is applied: anything beyond is an
# input error before anything is signed (every time option, every batch field); the edges
# themselves are times. A ledger that already holds a row with such a time (as a tool that
# accepted them wrote it) still lists its other rows and exports its other appliances, and
# names the bad row wherever it is needed.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger

# --- Beyond the edges: refused with exit 2, nothing printed or written (input_error checks).
for t in 9999-12-31T23:59:59-23:59 9999-12-31T23:59:59-00:01 0000-01-01T00:00:00+00:01 \
  0000-01-01T23:58:59+23:59; do
  input_error "--updates-until \"$t\" is not an RFC 3339 time in the years 0000-9999" \
    issue server --appliance "$A" --edition compact --updates-until "$t"
  input_error "--expires \"$t\" is not an RFC 3339 time in the years 0000-9999" \
    issue server --appliance "$A" --edition compact --expires "$t"
done
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH"
input_error '--expires "9999-12-31T23:59:59-23:59" is not an RFC 3339 time in the years 0000-9999' \
  issue users --appliance "$A" --users 5 --expires 9999-12-31T23:59:59-23:59
printf '[{"type":"server","appliance":"vm-0001","edition":"vm","updates_until":"9999-12-31T23:59:59-23:59"}]' >orders.json
input_error 'order 1: updates_until "9999-12-31T23:59:59-23:59" is not an RFC 3339 time in the years 0000-9999' \
  issue batch --orders orders.json
printf '[{"type":"server","appliance":"vm-0001","edition":"vm"},
         {"type":"users","appliance":"vm-0001","users":1,"expires":"9999-12-31T23:59:59-00:01"}]' >orders.json
input_error 'order 2: expires "9999-12-31T23:59:59-00:01" is not an RFC 3339 time in the years 0000-9999' \
  issue batch --orders orders.json
expect_eq "$(rows)" 1 "(rows after the refused times)"

# --- The edges are times: recorded in UTC, signed, and the claims read back valid.
issued 1 issue server --appliance vm-0002 --edition vm --updates-until 9999-12-31T00:00:59-23:59 \
  --expires 9999-12-31T23:59:59Z
run "$KEYGEN" inspect --public dev.public "$(cat out)"
expect_rc 0
expect_out '"updates_until": "9999-12-31T23:59:59Z"'
expect_out '"exp": "9999-12-31T23:59:59Z"'
expect_out '"license_claims": "valid"'
expect_eq "$(sqlite3 "$LEDGER" "SELECT updates_until, expires FROM licenses WHERE appliance = 'VM0002'")" \
  "9999-12-31T23:59:59Z|9999-12-31T23:59:59Z"
issued 1 issue server --appliance vm-0003 --edition vm --updates-until 0000-01-01T00:01:00+00:01
expect_eq "$(sqlite3 "$LEDGER" "SELECT updates_until FROM licenses WHERE appliance = 'VM0003'")" \
  "0000-01-01T00:00:00Z"

# --- A ledger holding a row no tool can read back: the year 10000, as 9999-12-31T23:59:59-23:59
# became in a tool that accepted it.
issued 2 issue users --appliance "$A" --users 5 --count 2
sqlite3 "$LEDGER" "INSERT INTO licenses (kind, appliance, edition, users, customer, issued_at, updates_until,
  issuer, key_id, token, chain_seq, chain_hash) VALUES ('server', '001A2B3C4D5E', 'compact', 3, 'Acme GmbH',
  '2024-06-01T12:00:00Z', '10000-01-01T23:58:59Z', 'seatkey', 'k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW',
  'v4.public.bad', 900001, zeroblob(32))"
bad=$(sqlite3 "$LEDGER" "SELECT MAX(serial) FROM licenses")
why="row $bad (appliance 001A2B3C4D5E) is corrupt: updates_until \"10000-01-01T23:58:59Z\" is not an RFC 3339 time in the years 0000-9999"
before=$(ledger_dump)

# ledger list: every other row, the bad one marked, a warning naming it; the appliance with the
# bad row is not judged, the others are.
keygen ledger list
expect_rc 0 "ledger list of a ledger with a corrupt row"
expect_err "seatkey-keygen: warning: ledger ledger.db: $why"
grep -qE "^ +$bad  \?  +001A2B3C4D5E .* CORRUPT \(see the warning\)$" out || fail "the corrupt row is not listed as such"
grep -qE '^ +2  server  VM0002 +vm .* active$' out || fail "another appliance's row is not listed"
grep -qE '^ +1  server  001A2B3C4D5E  compact .* unknown$' out || fail "the affected appliance's rows are not 'unknown'"
expect_out "001A2B3C4D5E: unknown: row $bad is corrupt (see the warning)"
expect_out "VM0002: vm, 1 user (1 included + 0 in packs, no maximum)"
keygen ledger list --json
expect_rc 0
expect_out "\"serial\": $bad,"
expect_out '"status": "corrupt",'
expect_out "\"error\": \"row $bad (appliance 001A2B3C4D5E) is corrupt: updates_until \\\"10000-01-01T23:58:59Z\\\""
expect_eq "$(grep -c '"token": "v4.public.' out)" 5 "(the readable rows in the JSON)"
keygen ledger list --appliance vm-0002
expect_rc 0
expect_err_lacks "corrupt"

# export: another appliance as ever; the affected one a clear error naming the row.
keygen export --appliance vm-0002
expect_rc 0 "export of another appliance"
expect_out "# seatkey license file for appliance VM0002"
keygen export --appliance "$A"
expect_rc 2 "export of the appliance with the corrupt row"
expect_err "seatkey-keygen: error: ledger ledger.db: $why; appliance 001A2B3C4D5E cannot be judged until the row is repaired"
expect_no_out

# issue: the same; nothing written for the affected appliance, other appliances issue as ever.
keygen issue users --appliance "$A" --users 1
expect_rc 2 "issue for the appliance with the corrupt row"
expect_err "$why"
expect_no_out
[ "$(ledger_dump)" = "$before" ] || fail "a refused issue changed the ledger"
issued 1 issue users --appliance vm-0002 --users 5

pass
