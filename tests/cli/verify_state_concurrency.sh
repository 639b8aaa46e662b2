#!/usr/bin/env bash
# ctest: needs=verify,mint seconds=60
# Concurrent boot checks with one state file take turns on its lock file: 40 at once,
# each with its own clock, leave a whole state file whose high-water mark is the latest clock
# of them all (none of them wrote over a later one), exactly one of them found no state file,
# and none found a damaged one. 40 at once after the appliance ID changed all report the same
# grace, started once. A lock held for longer than the wait (10 s) is a warning and the state
# file is not written; the boot check goes on.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

N=40
mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" >acme.lic
hours_after() { date -u -d "$NOW $1 hours" +%Y-%m-%dT%H:%M:%SZ; } # N: $NOW + N hours

# at_once ID NAME: N boot checks of appliance ID started together, the i-th at $NOW + i hours
# (each would rewrite the state file), in a shuffled order; NAME-i.out/.err/.rc hold what each
# did.
at_once() {
  local id=$1 name=$2 i
  for i in $(seq 1 $N | shuf); do
    (
      "$VERIFY" --appliance "$id" --licenses acme.lic --state state.json --now "$(hours_after "$i")" --json \
        >"$name-$i.out" 2>"$name-$i.err"
      echo $? >"$name-$i.rc"
    ) &
  done
  wait
  TESTS_RUN=$((TESTS_RUN + N))
}

at_once "$APPLIANCE" first
for i in $(seq 1 $N); do
  expect_eq "$(cat "first-$i.rc")" 0 "(boot check $i of $N)"
  grep -q '"licensed_users": 8,' "first-$i.out" || fail "boot check $i: not the 8 users"
done
expect_eq "$(cat first-*.err | grep -c 'does not exist yet')" 1 "(boot checks that found no state file)"
expect_eq "$(cat first-*.err | grep -v 'does not exist yet' | wc -l)" 0 "(other warnings: $(cat first-*.err))"
python3 -c 'import json; json.load(open("state.json"))' || fail "the state file is not whole"
grep -q "\"high_water\": \"$(hours_after $N)\"," state.json ||
  fail "the high-water mark is not the latest clock $(hours_after $N): $(grep high_water state.json)"
[ ! -e state.json.tmp ] || fail "a temporary file was left"

# The appliance ID changes: 40 boot checks at once, one grace, the same for all.
at_once "$OTHER_APPLIANCE" moved
for i in $(seq 1 $N); do
  expect_eq "$(cat "moved-$i.rc")" 0 "(boot check $i of $N after the move)"
done
[ "$(cat moved-*.err | wc -c)" -eq 0 ] || fail "warnings: $(cat moved-*.err)"
expect_eq "$(grep -h '"since":' moved-*.out | sort -u | wc -l)" 1 "(distinct grace starts)"
expect_eq "$(grep -h '"until":' moved-*.out | sort -u | wc -l)" 1 "(distinct grace ends)"
since=$(grep -h '"since":' moved-1.out | sed 's/.*"since": "\(.*\)",/\1/')
grep -q "\"grace_since\": \"$since\"," state.json || fail "the state file's grace is not the one reported"

# A lock held by someone else for longer than the wait: a warning, the state not written.
if command -v flock >/dev/null; then
  cp state.json before.json
  flock state.json.lock sleep 12 &
  holder=$!
  sleep 0.5
  start=$(date +%s)
  run "$VERIFY" --appliance "$APPLIANCE" --licenses acme.lic --state state.json --now "$(hours_after 500)"
  waited=$(($(date +%s) - start))
  expect_rc 0 "a boot check that could not take the lock"
  expect_err "seatkey-verify: warning: state file state.json was not updated: another evaluation held the lock on state.json.lock for 10000 ms"
  [ "$waited" -ge 9 ] && [ "$waited" -le 12 ] || fail "waited ${waited} s for the lock, not 10"
  cmp -s before.json state.json || fail "the state file changed without the lock"
  wait "$holder"
  # A lock held for a moment only: the boot check waits for it and saves.
  flock state.json.lock sleep 1 &
  holder=$!
  sleep 0.3
  run "$VERIFY" --appliance "$APPLIANCE" --licenses acme.lic --state state.json --now "$(hours_after 600)"
  expect_rc 0 "a boot check that waited for the lock"
  [ ! -s err ] || fail "warnings after waiting for the lock: $(cat err)"
  grep -q "\"high_water\": \"$(hours_after 600)\"," state.json || fail "not saved after waiting for the lock"
  wait "$holder"
else
  echo "note: no flock(1): the held-lock cases are left out"
fi

pass
