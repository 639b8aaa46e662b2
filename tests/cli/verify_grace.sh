#!/usr/bin/env bash
# ctest: needs=verify,mint
# Grace (docs/format.md): with --state, an evaluation worse than the last good one for a
# reason other than expiry keeps the last good entitlement for --grace-days (30) from the first
# worse boot, exit 0; repeated boots, deleting and restoring the license files or setting the
# clock back do not lengthen it; an expired license never gets grace.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

days_after() { date -u -d "$NOW $1 days" +%Y-%m-%dT%H:%M:%SZ; } # N: $NOW + N days
# boot ID TIME [ARGS...]: the boot check of appliance ID at TIME with the state file state.json.
boot() {
  local id=$1 at=$2
  shift 2
  run "$VERIFY" --appliance "$id" --licenses licenses --state state.json --now "$at" "$@"
}

mkdir licenses
mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" >licenses/acme.lic
cp licenses/acme.lic acme.lic.backup

# A good boot, then the appliance ID changes (the VM moved): licensed in grace, 30 days from
# the first worse boot.
boot "$APPLIANCE" "$NOW"
expect_rc 0 "the good boot"
expect_out "Appliance $APPLIANCE is licensed: Compact edition, 8 users"
FIRST_WORSE=$(days_after 1)
UNTIL=$(days_after 31)
boot "$OTHER_APPLIANCE" "$FIRST_WORSE"
expect_rc 0 "the first boot with another ID"
expect_out "Appliance $OTHER_APPLIANCE is licensed IN GRACE: Compact edition, 8 users (server license 1001)."
expect_out "Grace:    30 days left, until $UNTIL (since $FIRST_WORSE, appliance_changed): the last good licenses (compact edition, 8 users, server license 1001) are for appliance $APPLIANCE, and this is $OTHER_APPLIANCE (a moved VM or a replaced board?): get licenses for this appliance ID; after that it is not licensed."
expect_out "acme.lic:1: server license 1001: issued for appliance $APPLIANCE, not for this one ($OTHER_APPLIANCE)."
[ ! -s err ] || fail "warnings in grace: $(cat err)"
boot "$OTHER_APPLIANCE" "$FIRST_WORSE" --json
expect_out '"licensed": true,'
expect_out '"licensed_users": 8,'
expect_out '"reason": "appliance_changed",'
expect_out "\"since\": \"$FIRST_WORSE\","
expect_out "\"until\": \"$UNTIL\","
expect_out '"days_left": 30,'

# Ten more boots over the next days; the license files deleted, restored, emptied: the same
# until every time.
for i in $(seq 2 11); do
  case $((i % 3)) in
    0) rm -f licenses/acme.lic ;;
    1) : >licenses/acme.lic ;;
    2) cp acme.lic.backup licenses/acme.lic ;;
  esac
  boot "$OTHER_APPLIANCE" "$(days_after "$i")" --json
  expect_rc 0 "boot $i in grace"
  expect_out "\"until\": \"$UNTIL\","
  expect_out "\"since\": \"$FIRST_WORSE\","
  expect_out "\"days_left\": $((31 - i)),"
done
rm -rf licenses
boot "$OTHER_APPLIANCE" "$(days_after 20)"
expect_rc 0 "the licenses folder gone, in grace"
expect_out "11 days left, until $UNTIL"
expect_err "seatkey-verify: warning: cannot read licenses licenses: No such file or directory: evaluated as no licenses"
mkdir licenses && cp acme.lic.backup licenses/acme.lic

# The grace ends at UNTIL; after it, not licensed, also with the clock set back into the grace.
boot "$OTHER_APPLIANCE" "$UNTIL"
expect_rc 1 "at the end of the grace"
expect_out "Appliance $OTHER_APPLIANCE is NOT licensed"
boot "$OTHER_APPLIANCE" "$(days_after 5)"
expect_rc 1 "the clock set back into the grace"
expect_out "Clock:    the system clock ($(days_after 5)) is behind by 26 days: evaluated at $UNTIL"
boot "$OTHER_APPLIANCE" "$(days_after 40)"
expect_rc 1 "later"
# Back on its own ID (the VM moved back): licensed again, with a grace of its own next time.
boot "$APPLIANCE" "$(days_after 41)"
expect_rc 0 "the VM moved back"
expect_out_lacks "GRACE"
boot "$OTHER_APPLIANCE" "$(days_after 42)"
expect_rc 0 "moved again: a new grace"
expect_out "Grace:    30 days left, until $(days_after 72) (since $(days_after 42), appliance_changed)"

# An expired pack never gets grace: 13 users, then the rental pack ends.
rm -rf licenses state.json && mkdir licenses
mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" \
  "$(pack_payload 1003 5 '' ",\"exp\":\"$(days_after 10)\"")" >licenses/acme.lic
boot "$APPLIANCE" "$NOW"
expect_rc 0 "with the rental pack"
expect_out "13 users"
expect_out "Expiring: user pack 1003 (5 users) expires $(days_after 10), in 10 days (licenses/acme.lic:3)."
boot "$APPLIANCE" "$(days_after 10)"
expect_rc 0 "the rental pack expired"
expect_out "Compact edition, 8 users"
expect_out_lacks "GRACE"
expect_out "licenses/acme.lic:3: user pack 1003 (5 users): expired at $(days_after 10)."
boot "$APPLIANCE" "$(days_after 11)" --json
expect_out '"grace": null,'
expect_out '"licensed_users": 8,'
# In grace, a license that expires drops out alone: a Compact with a 1-user rental pack that
# ends in 24 days keeps its 30-day grace, with 4 users, then 3 ("Compact minus 1 user").
rm -rf licenses state.json && mkdir licenses
mint "$(server_payload 1001 compact)" "$(pack_payload 1003 1 '' ",\"exp\":\"$(days_after 24)\"")" >licenses/acme.lic
boot "$APPLIANCE" "$NOW"
expect_out "Compact edition, 4 users"
rm licenses/acme.lic
boot "$APPLIANCE" "$(days_after 1)"
expect_rc 0 "lost a day after the good boot"
expect_out "Appliance $APPLIANCE is licensed IN GRACE: Compact edition, 4 users (server license 1001)."
expect_out "Grace:    30 days left, until $(days_after 31) (since $(days_after 1), licenses_damaged)"
boot "$APPLIANCE" "$(days_after 24)"
expect_rc 0 "the rental's end, in grace"
expect_out "Appliance $APPLIANCE is licensed IN GRACE: Compact edition, 3 users (server license 1001)."
expect_out "Grace:    7 days left, until $(days_after 31) (since $(days_after 1), licenses_damaged): licenses that counted at the last good check (compact edition, 3 users, server license 1001) no longer do"
expect_out "Users:    3 (3 included; the Compact edition allows up to 20)."
boot "$APPLIANCE" "$(days_after 31)"
expect_rc 1 "after the grace"

# The grace names today's cause: started by a moved VM, then back on its own ID with the
# license file deleted, it says so, not "a moved VM".
rm -rf licenses state.json && mkdir licenses
cp acme.lic.backup licenses/acme.lic
boot "$APPLIANCE" "$NOW"
boot "$OTHER_APPLIANCE" "$(days_after 1)"
expect_out "(since $FIRST_WORSE, appliance_changed): the last good licenses (compact edition, 8 users, server license 1001) are for appliance $APPLIANCE, and this is $OTHER_APPLIANCE (a moved VM or a replaced board?)"
rm licenses/acme.lic
boot "$APPLIANCE" "$(days_after 2)"
expect_rc 0 "back on its own ID, the license file deleted"
expect_out "Grace:    29 days left, until $UNTIL (since $FIRST_WORSE, licenses_damaged): licenses that counted at the last good check (compact edition, 8 users, server license 1001) no longer do: restore the license files the vendor sent; after that it is not licensed."
expect_out_lacks "moved VM"
grep -q '"grace_reason": "licenses_damaged"' state.json || fail "the state file keeps the first cause"

# --grace-days N; 0: no grace. Never without a state file.
rm -rf licenses state.json && mkdir licenses
cp acme.lic.backup licenses/acme.lic
boot "$APPLIANCE" "$NOW" --grace-days 7
boot "$OTHER_APPLIANCE" "$(days_after 1)" --grace-days 7
expect_rc 0 "--grace-days 7"
expect_out "Grace:    7 days left, until $(days_after 8)"
rm state.json
boot "$APPLIANCE" "$NOW" --grace-days 0
boot "$OTHER_APPLIANCE" "$(days_after 1)" --grace-days 0
expect_rc 1 "--grace-days 0"
run "$VERIFY" --appliance "$OTHER_APPLIANCE" --licenses licenses --now "$(days_after 1)"
expect_rc 1 "no --state"
run "$VERIFY" --appliance "$APPLIANCE" --licenses missing --now "$(days_after 1)"
expect_rc 2 "a missing license path without --state is an input error as ever"
expect_err "seatkey-verify: cannot read licenses missing: No such file or directory"

pass
