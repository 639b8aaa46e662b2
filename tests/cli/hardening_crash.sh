#!/usr/bin/env bash
# ctest-name: hardening: SIGKILL mid-issue - the ledger holds all or none of the command's rows, serials never reused
# ctest: needs=keygen,verify,mint seconds=90
# Ledger crash safety: seatkey-keygen is killed with SIGKILL at a random moment of a
# 9,999-pack `issue users --count` (the most one appliance can hold besides its server license)
# and of a multi-order `issue batch`. After every kill the ledger holds all of that command's
# rows or none, passes PRAGMA integrity_check, gave the new rows serials above every serial
# before, holds every token the killed process printed, and the next issue works.
# SEATKEY_HARDENING_KILLS (default 10) sets the kills per command; a run prints how many kills
# landed before the commit (none) and after it (all).
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
KILLS=${SEATKEY_HARDENING_KILLS:-10}
PACKS=9999

ms_now() { date +%s%3N; }
integrity() { expect_eq "$(sqlite3 "$LEDGER" 'PRAGMA integrity_check')" ok "(integrity_check after $1)"; }
max_serial() { sqlite3 "$LEDGER" 'SELECT COALESCE(MAX(serial), 0) FROM licenses'; }

# printed_in_ledger FILE: every complete line the killed process printed is a token in the ledger.
printed_in_ledger() {
  python3 - "$1" "$LEDGER" <<'PY' || fail "a token printed by a killed seatkey-keygen is not in the ledger"
import sqlite3, sys
data = open(sys.argv[1], "rb").read()
lines = data.split(b"\n")[:-1]  # a last line without '\n' was cut by the kill
db = sqlite3.connect(sys.argv[2])
tokens = {row[0].encode() for row in db.execute("SELECT token FROM licenses")}
missing = [l for l in lines if l not in tokens]
sys.exit(1 if missing else 0)
PY
}

# kill_run NAME DELAY_MS ARGS...: starts seatkey-keygen ARGS, SIGKILLs it after DELAY_MS
# (unless it finished), leaves its stdout in NAME.out and its exit status in $RC.
kill_run() {
  local name=$1 delay=$2 pid
  shift 2
  env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" "$@" >"$name.out" 2>"$name.err" </dev/null &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  RC=$?
  TESTS_RUN=$((TESTS_RUN + 1))
}

# check_all_or_none NAME WHERE EXPECTED BEFORE_MAX: the rows WHERE are 0 or EXPECTED, above
# BEFORE_MAX; a process that was not killed committed them all; printed tokens are recorded.
check_all_or_none() {
  local name=$1 where=$2 expected=$3 before=$4 rows low
  rows=$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE $where")
  low=$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE ($where) AND serial <= $before")
  integrity "$name"
  expect_eq "$low" 0 "(rows of $name with a serial at or below $before: a serial reused)"
  if [ "$rows" -eq 0 ]; then
    [ "$RC" -ne 0 ] || fail "$name exited 0 but recorded nothing"
    [ ! -s "$name.out" ] || fail "$name printed tokens that are not in the ledger"
    NONE=$((NONE + 1))
  elif [ "$rows" -eq "$expected" ]; then
    printed_in_ledger "$name.out"
    ALL=$((ALL + 1))
  else
    fail "$name left $rows of its $expected rows (exit $RC)"
  fi
  [ "$RC" -eq 0 ] || [ "$RC" -eq 137 ] || { cat "$name.err" >&2; fail "$name exited $RC"; }
}

# The time of an uninterrupted 9,999-pack issue sets the range of the random kill delays.
issued 1 issue server --appliance k-0000 --edition appliance
start=$(ms_now)
keygen issue users --appliance k-0000 --users 1 --count "$PACKS"
expect_rc 0 "an uninterrupted $PACKS-pack issue"
span=$(($(ms_now) - start))
echo "an uninterrupted $PACKS-pack issue took $span ms; kills land at random in 0..$((span * 13 / 10)) ms"

NONE=0
ALL=0
for ((i = 1; i <= KILLS; i++)); do
  id=$(printf 'K%04d' "$i") # short: 10,000 tokens of a long ID would pass the 4 MiB limit
  issued 1 issue server --appliance "$id" --edition appliance # the next issue works
  before=$(max_serial)
  kill_run "users-$i" $((RANDOM * span * 13 / 10 / 32767)) \
    issue users --appliance "$id" --users 1 --count "$PACKS"
  check_all_or_none "users-$i" "appliance = '$id' AND kind = 'users'" "$PACKS" "$before"
done
echo "issue users --count $PACKS killed $KILLS times: $NONE left no row, $ALL all $PACKS rows"
users_none=$NONE users_all=$ALL

# A batch: a server license and packs for two new appliances, 6,002 rows, all or nothing.
batch_orders() { # N: the batch of round N
  cat <<JSON
[{"type": "server", "appliance": "batch-$1-a", "edition": "vm", "order": "kill-b-$1"},
 {"type": "users", "appliance": "batch-$1-a", "users": 5, "count": 3000, "order": "kill-b-$1"},
 {"type": "server", "appliance": "batch-$1-b", "edition": "compact", "order": "kill-b-$1"},
 {"type": "users", "appliance": "batch-$1-b", "users": 1, "count": 17, "order": "kill-b-$1"},
 {"type": "users", "appliance": "batch-$1-a", "users": 1, "count": 2983, "order": "kill-b-$1"}]
JSON
}
batch_orders 0 >orders-0.json
start=$(ms_now)
keygen issue batch --orders orders-0.json
expect_rc 0 "an uninterrupted batch"
span=$(($(ms_now) - start))
expect_eq "$(grep -c '^v4\.public\.' out)" 6002 "(tokens of the uninterrupted batch)"
NONE=0
ALL=0
for ((i = 1; i <= KILLS; i++)); do
  batch_orders "$i" >"orders-$i.json"
  before=$(max_serial)
  kill_run "batch-$i" $((RANDOM * span * 13 / 10 / 32767)) issue batch --orders "orders-$i.json"
  check_all_or_none "batch-$i" "appliance IN ('BATCH${i}A', 'BATCH${i}B')" 6002 "$before"
  issued 1 issue server --appliance "after-batch-$i" --edition free # the next issue works
done
echo "issue batch (6,002 rows) killed $KILLS times: $NONE left no row, $ALL all rows"

# The ledger as a whole: serials distinct and every appliance's license file verifying.
expect_eq "$(sqlite3 "$LEDGER" 'SELECT COUNT(*) = COUNT(DISTINCT serial) FROM licenses')" 1
integrity "all kills"
if [ -n "${VERIFY:-}" ]; then
  keygen export --appliance k-0000
  expect_rc 0 "export after the kills"
  cp out k-0000.lic
  run "$VERIFY" --appliance k-0000 --licenses k-0000.lic --trusted-keys dev.public
  expect_rc 0 "seatkey-verify of the uninterrupted appliance"
  expect_out "10000 users"
fi
echo "summary: users kills none/all $users_none/$users_all, batch kills none/all $NONE/$ALL"
pass
