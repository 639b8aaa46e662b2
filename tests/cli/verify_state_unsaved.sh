#!/usr/bin/env bash
# ctest: needs=verify,mint
# A grace never outlives what the state file recorded. The state file's lock is a 0600 lock
# file of the verifier's own beside it, so whoever may only read the state folder cannot block
# it by locking the folder. A state file that cannot be written (a full disk) counts a grace
# from the last good boot it holds: the PBX keeps running for the grace days after it, and then
# the grace ends, however often it boots, instead of starting anew at every boot.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" >acme.lic
: >empty.lic
mkdir -m 755 st
# boot LICENSES TIME [ID]: the boot check with the state file st/state.json.
boot() { run "$VERIFY" --appliance "${3:-$APPLIANCE}" --licenses "$1" --now "$2" --state st/state.json; }

# A reader of the state folder (0755) holds a lock on it, as long as it likes: the boot check
# neither waits for it nor leaves the state unwritten.
boot acme.lic "$NOW"
expect_rc 0 "the good boot"
expect_eq "$(stat -c %a st/state.json.lock)" 600 "(the lock file's mode)"
reader=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  reader=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  chmod 755 .
  # The lock file is the verifier's: nobody else can open it, so nobody else can lock it.
  run "${reader[@]}" flock -n st/state.json.lock true
  [ "$RC" -ne 0 ] || fail "another user could lock the lock file"
fi
if command -v flock >/dev/null; then
  "${reader[@]}" flock st sleep 3 >/dev/null 2>&1 &
  holder=$!
  sleep 0.3
  start=$(date +%s)
  boot empty.lic 2027-01-20T00:00:00Z
  expect_rc 0 "a boot with the folder locked by a reader"
  [ $(($(date +%s) - start)) -le 2 ] || fail "the boot check waited for the reader's lock on the folder"
  [ ! -s err ] || fail "warnings with the folder locked by a reader: $(cat err)"
  expect_out "Grace:    30 days left, until 2027-02-19T00:00:00Z (since 2027-01-20T00:00:00Z, licenses_damaged)"
  grep -q '"grace_since": "2027-01-20T00:00:00Z",' st/state.json || fail "the grace's start was not written"
  # Later boots keep that grace, then it ends.
  for at in 2027-06-01T00:00:00Z 2028-01-01T00:00:00Z; do
    boot empty.lic "$at"
    expect_rc 1 "a boot at $at, after the grace"
    expect_out "Appliance $APPLIANCE is NOT licensed"
  done
  wait "$holder"
else
  echo "note: no flock(1): the reader's lock on the folder is left out"
fi

# A state folder that cannot be written: a full file system where this can mount one (root),
# else a folder this user may not write (not root), else a directory in place of the
# temporary file (root without mount: the write fails the same way).
rm -rf st && mkdir -m 755 st
full=""
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k,mode=755 seatkey-test st 2>/dev/null; then
  full=st
  trap 'umount st 2>/dev/null; rm -rf "$SCRATCH"' EXIT
fi
boot acme.lic "$NOW"
expect_rc 0 "the good boot before the disk fills"
if [ -n "$full" ]; then
  head -c 1M /dev/zero >st/filler 2>/dev/null
  why="write of st/state.json.tmp: No space left on device"
elif [ "$(id -u)" != 0 ]; then
  chmod 555 st
  why="cannot create st/state.json.tmp: Permission denied"
else
  mkdir st/state.json.tmp
  why="cannot remove st/state.json.tmp: Is a directory"
fi
cp st/state.json before.json
# The licenses lost 12 days later: in grace, until 30 days after the last good boot.
boot empty.lic 2026-12-10T10:00:00Z
expect_rc 0 "the first boot without licenses, the state file unwritable"
expect_err "seatkey-verify: warning: state file st/state.json was not updated: $why"
expect_out "Appliance $APPLIANCE is licensed IN GRACE: Compact edition, 8 users (server license 1001)."
expect_out "Grace:    18 days left, until 2026-12-28T10:00:00Z (since 2026-11-28T10:00:00Z, licenses_damaged)"
expect_out "(the state file cannot be written, so this grace counts from the last good check, 2026-11-28T10:00:00Z)"
# Every boot after it: the same grace, and after it, not licensed, at every boot.
boot empty.lic 2026-12-27T10:00:00Z
expect_rc 0 "a day before the end"
expect_out "Grace:    1 day left, until 2026-12-28T10:00:00Z"
for at in 2026-12-28T10:00:00Z 2027-01-20T00:00:00Z 2027-06-01T00:00:00Z 2028-01-01T00:00:00Z; do
  boot empty.lic "$at"
  expect_rc 1 "a boot at $at with an unwritable state file"
  expect_out "Appliance $APPLIANCE is NOT licensed"
  expect_err "was not updated: $why"
done
cmp -s before.json st/state.json || fail "the state file changed"
# A full disk and a replaced board together, the day after a good boot: the PBX keeps running.
boot acme.lic 2026-11-29T10:00:00Z "$OTHER_APPLIANCE"
expect_rc 0 "a replaced board the day after the last good boot, the state file unwritable"
expect_out "Appliance $OTHER_APPLIANCE is licensed IN GRACE: Compact edition, 8 users"
expect_out "Grace:    29 days left, until 2026-12-28T10:00:00Z (since 2026-11-28T10:00:00Z, appliance_changed)"

pass
