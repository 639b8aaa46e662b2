#!/usr/bin/env bash
# ctest: needs=verify,mint
# The clock floor (docs/format.md): the rules apply at max(clock, clock floor), the floor being
# the newest iat of any license whose signature verified, a firmware build's time and the state
# file's high-water mark. --now stands in for the system clock and cannot go below the floor:
# a 1970 clock does not unlicense a PBX, a clock set back does not revive an expired license.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

TODAY=$(date -u +%Y-%m-%dT%H:%M:%SZ)
days_from() { date -u -d "$1 $2 days" +%Y-%m-%dT%H:%M:%SZ; } # TIME N: TIME + N days
YESTERDAY=$(days_from "$TODAY" -1)
YEAR_AGO=$(days_from "$TODAY" -365)
MONTH_AGO=$(days_from "$TODAY" -30)
# payload_issued PAYLOAD TIME: the payload with its iat replaced.
payload_issued() { sed -E "s/\"iat\":\"[^\"]*\"/\"iat\":\"$2\"/" <<<"$1"; }

# A set whose newest iat is today licenses with the clock at 1970.
mint "$(payload_issued "$(server_payload 1001 compact)" "$TODAY")" \
  "$(payload_issued "$(pack_payload 1002 5)" "$MONTH_AGO")" >today.lic
run "$VERIFY" --appliance "$APPLIANCE" --licenses today.lic --now 1970-01-01T00:00:00Z
expect_rc 0 "newest iat today, --now 1970"
expect_out "Appliance $APPLIANCE is licensed: Compact edition, 8 users (server license 1001)."
expect_out "Clock:    the system clock (1970-01-01T00:00:00Z) is behind by about 56 years: evaluated at $TODAY, the latest time this appliance knows has passed."
run "$VERIFY" --appliance "$APPLIANCE" --licenses today.lic --now 1970-01-01T00:00:00Z --json
expect_rc 0 "newest iat today, --now 1970, --json"
expect_out "\"evaluated_at\": \"$TODAY\","
expect_out '"clock": "1970-01-01T00:00:00Z",'
expect_out "\"clock_floor\": \"$TODAY\","
expect_out '"clock_behind": true,'
expect_out '"licensed_users": 8,'

# A pack whose exp was yesterday stays expired with --now a year back: the server license was
# issued today, so today has passed.
mint "$(payload_issued "$(server_payload 1001 compact)" "$TODAY")" \
  "$(payload_issued "$(pack_payload 1002 5 '' ",\"exp\":\"$YESTERDAY\"")" "$MONTH_AGO")" >yesterday.lic
run "$VERIFY" --appliance "$APPLIANCE" --licenses yesterday.lic --now "$YEAR_AGO"
expect_rc 0 "pack expired yesterday, --now a year back"
expect_out "Compact edition, 3 users"
expect_out "yesterday.lic:2: user pack 1002 (5 users): expired at $YESTERDAY."
expect_out "Clock:    the system clock ($YEAR_AGO) is behind by 365 days"

# The same pack with licenses all issued a month ago: only the state file knows that today
# has passed. A boot today writes it; a boot with the clock a year back reads it.
mint "$(payload_issued "$(server_payload 1001 compact)" "$MONTH_AGO")" \
  "$(payload_issued "$(pack_payload 1002 5 '' ",\"exp\":\"$YESTERDAY\"")" "$MONTH_AGO")" >old.lic
run "$VERIFY" --appliance "$APPLIANCE" --licenses old.lic --now "$YEAR_AGO" --json
expect_rc 0 "without a state file, a year back"
expect_out '"licensed_users": 8,'
expect_out "\"evaluated_at\": \"$MONTH_AGO\","
run "$VERIFY" --appliance "$APPLIANCE" --licenses old.lic --state state.json
expect_rc 0 "a boot today with a state file"
expect_out "Compact edition, 3 users"
expect_err "state file state.json does not exist yet"
run "$VERIFY" --appliance "$APPLIANCE" --licenses old.lic --state state.json --now "$YEAR_AGO" --json
expect_rc 0 "with the state file, a year back"
expect_out '"licensed_users": 3,'
expect_out '"clock_behind": true,'
expect_out '"reason": "expired",'
[ ! -s err ] || fail "a valid state file gave warnings: $(cat err)"

# The floor moves only forward: a clock after it is used as it is, and nothing verified gives
# no floor.
mint "$(server_payload 1001 compact)" >plain.lic
verify --licenses plain.lic --json
expect_rc 0 "--now after the floor"
expect_out "\"evaluated_at\": \"$NOW\","
expect_out '"clock_floor": "2026-11-01T09:00:00Z",'
expect_out '"clock_behind": false,'
verify --licenses plain.lic
expect_out_lacks "Clock:"
echo "v4.public.not-a-license" >garbage.lic
verify --licenses garbage.lic --json
expect_rc 1 "nothing verified"
expect_out '"clock_floor": null,'
expect_out '"clock_behind": false,'
# A license for another appliance or signed by an unknown key: its iat counts only when its
# signature verified.
mint "$(payload_issued "$(server_payload 2001 vm "$OTHER_APPLIANCE")" 2027-01-01T00:00:00Z)" >other.lic
verify --licenses other.lic --json
expect_out '"clock_floor": "2027-01-01T00:00:00Z",'
expect_out '"evaluated_at": "2027-01-01T00:00:00Z",'
"$MINT" --new-key other.key >/dev/null || fail "cannot make a test key"
mint --key other.key "$(payload_issued "$(server_payload 2001 vm)" 2027-01-01T00:00:00Z)" >unknown.lic
verify --licenses unknown.lic --json
expect_out '"clock_floor": null,'
expect_out '"reason": "unknown_key",'

pass
