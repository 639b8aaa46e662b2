#!/usr/bin/env bash
# ctest: needs=verify,mint
# Times past 2038-01-19T03:14:07Z, where a 32-bit time_t ends: licenses issued, expiring and
# with an update option past it, a clock and a state file's high-water mark past it. On every
# target; on 32-bit ARM (armhf, whose time_t is 32 bits unless asked otherwise) they are the
# point (cmake/SeatkeyTime64.cmake).
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

# payload_issued PAYLOAD TIME: the payload with its iat replaced.
payload_issued() { sed -E "s/\"iat\":\"[^\"]*\"/\"iat\":\"$2\"/" <<<"$1"; }

mint "$(payload_issued "$(server_payload 1001 compact '' ',"updates_until":"2040-12-31T23:59:59Z"')" 2039-06-01T09:00:00Z)" \
  "$(payload_issued "$(pack_payload 1002 5 '' ',"exp":"2041-01-01T00:00:00Z"')" 2039-06-02T09:00:00Z)" >future.lic

# Issued in 2039: the clock floor is there, whatever the clock says.
run "$VERIFY" --appliance "$APPLIANCE" --licenses future.lic --now "$NOW" --json
expect_rc 0 "licenses issued in 2039, the clock in 2026"
expect_out '"licensed_users": 8,'
expect_out '"updates_allowed": true,'
expect_out '"updates_until": "2040-12-31T23:59:59Z",'
expect_out '"evaluated_at": "2039-06-02T09:00:00Z",'
expect_out '"clock_floor": "2039-06-02T09:00:00Z",'
expect_out '"clock_behind": true,'
expect_out '"expires": "2041-01-01T00:00:00Z",'

# A clock in 2040 (past 2^31 seconds): the pack is still valid, the update option too; the
# summary says when the pack expires, within the warning days.
run "$VERIFY" --appliance "$APPLIANCE" --licenses future.lic --now 2040-12-20T00:00:00Z
expect_rc 0 "a clock in 2040"
expect_out "is licensed: Compact edition, 8 users (server license 1001)."
expect_out "Updates:  included for firmware released until 2040-12-31T23:59:59Z."
expect_out "Expiring: user pack 1002 (5 users) expires 2041-01-01T00:00:00Z, in 12 days (future.lic:2)."

# In 2041 the pack has expired and the update option ended.
run "$VERIFY" --appliance "$APPLIANCE" --licenses future.lic --now 2041-01-01T00:00:00Z
expect_rc 0
expect_out "Compact edition, 3 users"
expect_out "future.lic:2: user pack 1002 (5 users): expired at 2041-01-01T00:00:00Z."
expect_out "Updates:  the update option ended at 2040-12-31T23:59:59Z"

# A state file's high-water mark past 2038 is written and is the floor of a boot at 1970.
run "$VERIFY" --appliance "$APPLIANCE" --licenses future.lic --now 2040-06-01T00:00:00Z --state state.json
expect_rc 0 "a boot in 2040 with a state file"
grep -q '"high_water": "2040-06-01T00:00:00Z"' state.json || fail "the state file lacks the 2040 high-water mark: $(cat state.json)"
run "$VERIFY" --appliance "$APPLIANCE" --licenses future.lic --now 1970-01-01T00:00:00Z --state state.json --json
expect_rc 0 "a boot at 1970 after one in 2040"
expect_out '"clock_floor": "2040-06-01T00:00:00Z",'
expect_out '"evaluated_at": "2040-06-01T00:00:00Z",'
expect_out '"licensed_users": 8,'

pass
