#!/usr/bin/env bash
# ctest: needs=verify,mint
# --state FILE (docs/format.md, "The state file"): created 0600 whatever the umask, JSON with
# the high-water mark, the last good entitlement and the grace; missing, damaged, unreadable
# or unwritable it is a warning on stderr (and in --json's warnings), never a failed boot; a
# state file of another appliance is what a moved VM has, not a damaged one.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

mint "$(server_payload 1001 compact '' ',"updates_until":"2027-12-31T23:59:59Z"')" "$(pack_payload 1002 5)" \
  "$(pack_payload 1003 1 '' ',"exp":"2027-01-01T00:00:00Z"')" >acme.lic
boot() { run "$VERIFY" --appliance "$APPLIANCE" --licenses acme.lic --now "$NOW" "$@"; } # ARGS...

# Missing: a warning, the boot as without one, the file created 0600 under umask 000.
old_umask=$(umask)
umask 000
boot --state state.json
umask "$old_umask"
expect_rc 0 "the first boot"
expect_out "Compact edition, 9 users"
expect_eq "$(cat err)" "seatkey-verify: warning: state file state.json does not exist yet: evaluated without one; a new one is written"
expect_eq "$(stat -c %a state.json)" 600 "(the state file's mode)"
[ ! -e state.json.tmp ] || fail "a temporary file was left"
cat >expected <<'JSON'
{
  "seatkey_state": 1,
  "high_water": "2026-11-28T10:00:00Z",
  "good_appliance": "001A2B3C4D5E",
  "good_at": "2026-11-28T10:00:00Z",
  "good_edition": "compact",
  "good_server_license": "1001",
  "good_included_users": 3,
  "good_pack_users": 6,
  "good_licensed_users": 9,
  "good_max_users": 20,
  "good_excess_users": 0,
  "good_updates_until": "2027-12-31T23:59:59Z",
  "good_until": "2027-01-01T00:00:00Z",
  "good_ends": null,
  "good_pack_expiries": [
    "2027-01-01T00:00:00Z 1"
  ]
}
JSON
diff -u expected state.json >diff || fail "the state file differs: $(cat diff)"

# Read back: no warning. A re-check within the hour that changes nothing leaves the file as it
# is; an hour later the high-water mark moves; it never goes back.
at_time() { run "$VERIFY" --appliance "$APPLIANCE" --licenses acme.lic --now "$1" --state state.json; } # TIME
at_time 2026-11-28T10:59:59Z
expect_rc 0 "a re-check within the hour"
[ ! -s err ] || fail "warnings with a good state file: $(cat err)"
diff -u expected state.json >diff || fail "a re-check within the hour rewrote the state file: $(cat diff)"
at_time 2026-12-01T00:00:00Z
expect_rc 0 "three days later"
grep -q '"high_water": "2026-12-01T00:00:00Z",' state.json || fail "the high-water mark did not move"
grep -q '"good_at": "2026-12-01T00:00:00Z",' state.json || fail "the last good evaluation's time did not move"
boot --state state.json
grep -q '"high_water": "2026-12-01T00:00:00Z",' state.json || fail "the high-water mark went back"
expect_out "Clock:    the system clock (2026-11-28T10:00:00Z) is behind by 2 days"

# Damaged, in many ways: a warning naming the problem, the boot as without a state file, and
# a good state file written in its place.
damage() { # NAME CONTENT: state.json is CONTENT, the boot warns that it is damaged for NAME
  printf '%s' "$2" >state.json
  boot --state state.json --json
  expect_rc 0 "damaged: $1"
  expect_out '"licensed": true,'
  expect_err "seatkey-verify: warning: state file state.json is damaged ($1): evaluated without one; it is rewritten"
  expect_out '"code": "state_damaged",'
  python3 -c 'import json,sys; json.load(open("state.json"))' || fail "damaged ($1): not rewritten"
  grep -q '"good_licensed_users": 9,' state.json || fail "damaged ($1): the new state lacks the last good entitlement"
}
damage "not valid JSON" ""
damage "not valid JSON" "$(head -c 100 expected)"
damage "not a JSON object" "[1, 2]"
damage "seatkey_state is not 1 (a state file of another version)" '{"seatkey_state": 2}'
damage "high_water is missing" '{"seatkey_state": 1}'
damage "good_licensed_users is not a whole number" "$(sed 's/"good_licensed_users": 9/"good_licensed_users": "9"/' expected)"
damage "grace_until is before grace_since" "$(sed 's/"good_until": "2027-01-01T00:00:00Z"/&, "grace_since": "2026-11-20T00:00:00Z", "grace_until": "2026-11-19T00:00:00Z", "grace_reason": "appliance_changed"/' expected)"
damage 'duplicated key "high_water"' "$(sed 's/"seatkey_state": 1,/&\n  "high_water": "2026-01-01T00:00:00Z",/' expected)"
head -c 70000 /dev/zero | tr '\0' ' ' >state.json
boot --state state.json
expect_rc 0 "a state file over 64 KiB"
expect_err "is damaged (over 64 KiB)"
printf '{"seatkey_state": 1, \xff}' >state.json
boot --state state.json
expect_err "is damaged (not valid JSON)"

printf '{\0}' >state.json
boot --state state.json
expect_err "is damaged (not valid JSON: a NUL byte at offset 1)"

# A state file of another appliance: not damaged, it is what a moved VM has (grace, see
# verify_grace.sh).
sed "s/$APPLIANCE/$OTHER_APPLIANCE/" expected >state.json
boot --state state.json --json
expect_rc 0 "another appliance's state file"
[ ! -s err ] || fail "another appliance's state file gave warnings: $(cat err)"
expect_out '"grace": null,'
grep -q "\"good_appliance\": \"$APPLIANCE\"" state.json || fail "the last good entitlement is not this appliance's now"

# Not a regular file, or in a folder that does not exist: warned at once, never waited on.
mkfifo fifo
start=$(date +%s)
boot --state fifo
expect_rc 0 "a FIFO as the state file"
expect_err "seatkey-verify: warning: cannot read state file fifo: not a regular file (a FIFO): evaluated without one"
[ $(($(date +%s) - start)) -le 2 ] || fail "the FIFO was waited on"
mkdir dir
boot --state dir
expect_rc 0 "a directory as the state file"
expect_err "seatkey-verify: warning: cannot read state file dir: is a directory: evaluated without one"
expect_err "seatkey-verify: warning: state file dir was not updated: rename of dir.tmp: Is a directory"
boot --state no-such-folder/state.json --json
expect_rc 0 "a state file in a missing folder"
expect_err "state file no-such-folder/state.json does not exist yet"
expect_err "seatkey-verify: warning: state file no-such-folder/state.json was not updated: cannot open its folder no-such-folder: No such file or directory"
expect_out '"code": "state_not_saved",'

# A read-only folder (as nobody: root writes anywhere), a day later (a change to save): not
# saved, a warning, the boot as ever.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  mkdir ro && cp expected ro/state.json && chmod 555 ro && chmod 644 ro/state.json && chmod 755 . &&
    chmod 644 acme.lic
  run setpriv --reuid=nobody --regid=nogroup --clear-groups "$VERIFY" --appliance "$APPLIANCE" \
    --licenses acme.lic --now 2026-11-29T10:00:00Z --state ro/state.json
  expect_rc 0 "a read-only state folder"
  expect_err "seatkey-verify: warning: state file ro/state.json was not updated: cannot open its lock file ro/state.json.lock: Permission denied"
  diff -u expected ro/state.json >/dev/null || fail "the read-only state file changed"
else
  echo "note: not root or no setpriv: the read-only folder case is left out"
fi

# A boot check that cannot run (an invalid appliance ID) leaves the state file alone.
run "$VERIFY" --appliance 'no id!' --licenses acme.lic --now "$NOW" --state never.json
expect_rc 2 "an invalid appliance ID with --state"
[ ! -e never.json ] || fail "a boot check that could not run wrote a state file"

# The state file's path on stderr is escaped like every other untrusted text.
NAME=$'evil\e[31m\nstate'
boot --state "$NAME"
expect_rc 0 "a state file named with control characters"
expect_err 'state file evil\x1b[31m\x0astate does not exist yet'
[ -f "$NAME" ] || fail "the state file with the odd name was not written"

pass
