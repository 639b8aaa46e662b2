#!/usr/bin/env bash
# ctest-name: postgres cli: keygen on PostgreSQL: no server, not a ledger, two inits at once, a connection lost mid-batch: exit 2, nothing written
# ctest: needs=keygen,verify,postgres seconds=45
# What a desk can hit with a PostgreSQL ledger: no server at the URL, a database that is not a
# ledger (empty, or another application's licenses table), and the connection lost while a
# large batch is being written: exit 2, no token printed, nothing of the batch in the database,
# the ledger still verifies. No message shows the URL's password.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
. "$SOURCE_DIR/tests/cli/pg_lib.sh"
dev_key
PG_SECRET=Pw-4kR8vNq1

# --- No server listening on the socket directory the URL names.
mkdir nosrv
LEDGER="postgresql://seatkey:$PG_SECRET@/ledger?host=$SCRATCH/nosrv"
for cmd in "ledger list" "ledger verify" "issue server --appliance $A --edition vm" "ledger init --allow-development-key"; do
  # shellcheck disable=SC2086
  keygen $cmd
  expect_rc 2 "$cmd without a server"
  expect_err "cannot connect to ledger postgresql://seatkey@/ledger?host=$SCRATCH/nosrv: "
  expect_err_lacks "$PG_SECRET"
  expect_no_out
done
# The password as a query parameter is hidden too.
LEDGER="postgresql://seatkey@/ledger?host=$SCRATCH/nosrv&password=$PG_SECRET&connect_timeout=5"
keygen ledger list
expect_rc 2 "ledger list without a server"
expect_err "cannot connect to ledger postgresql://seatkey@/ledger?connect_timeout=5&host=$SCRATCH/nosrv: "
expect_err_lacks "$PG_SECRET"
# Every spelling of a secret libpq reads: sslpassword, a percent-encoded parameter name, a
# password holding / or ? (percent-encoded, as libpq wants them), an upper-case scheme.
for url in "postgresql://seatkey@/ledger?host=$SCRATCH/nosrv&sslpassword=$PG_SECRET" \
  "postgresql://seatkey@/ledger?host=$SCRATCH/nosrv&pass%77ord=$PG_SECRET" \
  "postgresql://seatkey:pa%2F$PG_SECRET@/ledger?host=$SCRATCH/nosrv" \
  "postgresql://seatkey:pa%3F$PG_SECRET@/ledger?host=$SCRATCH/nosrv" \
  "POSTGRESQL://seatkey:$PG_SECRET@/ledger?host=$SCRATCH/nosrv"; do
  LEDGER=$url keygen ledger head
  expect_rc 2 "ledger head without a server"
  expect_err "cannot connect to ledger postgresql://seatkey@/ledger?host=$SCRATCH/nosrv: "
  expect_err_lacks "$PG_SECRET"
done
# Written as it should not be (a / or ? in the password not encoded), the URL is not what it
# meant; whatever libpq makes of it, no part of the password is shown.
for url in "postgresql://seatkey:pa/$PG_SECRET@/ledger?host=$SCRATCH/nosrv" \
  "postgresql://seatkey:pa?$PG_SECRET@/ledger?host=$SCRATCH/nosrv" \
  "postgresql://seatkey:$PG_SECRET@/ledger?host=$SCRATCH/nosrv&nosuchoption=1"; do
  LEDGER=$url keygen ledger head
  expect_rc 2 "ledger head of $url"
  expect_err "cannot connect to ledger postgresql://"
  expect_err_lacks "$PG_SECRET"
done

# --- A database that does not exist.
url=$(pg_new_database) || exit 1
LEDGER="${url%%\?*}_missing?${url#*\?}"
keygen ledger list
expect_rc 2 "a database that does not exist"
expect_err "cannot connect to ledger $LEDGER: "
expect_err "does not exist"

# --- An empty database: every command but init names ledger init; nothing is created.
LEDGER=$url
for cmd in "ledger list" "ledger verify" "ledger head" "report" "token list" \
  "issue server --appliance $A --edition vm" "void 1 --reason x" "ledger backup --out b.db"; do
  # shellcheck disable=SC2086
  input_error "$url is not a seatkey ledger (an empty database; create the ledger first)" $cmd
done
[ ! -e b.db ] || fail "a backup of an empty database was written"
expect_eq "$(pg_sql "$url" "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")" 0 "(tables in the empty database)"

# --- Another application's database with a licenses table: not a ledger, not touched, and
# ledger init does not make one there either.
other=$(pg_new_database) || exit 1
pg_sql "$other" "CREATE TABLE licenses (id SERIAL PRIMARY KEY, product TEXT); INSERT INTO licenses (product) VALUES ('office')" ||
  fail "the other application's table"
LEDGER=$other
for cmd in "ledger list" "ledger verify" "issue server --appliance $A --edition vm" \
  "ledger init --allow-development-key" "ledger migrate"; do
  # shellcheck disable=SC2086
  input_error "$other is not a seatkey ledger (no schema version)" $cmd
done
init_ledger source.db
input_error "$other is not a seatkey ledger (no schema version)" ledger copy --from source.db --to "$other"
expect_eq "$(pg_sql "$other" "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'")" licenses

# --- Two ledger inits of one empty database at once, with different keys: both find it empty,
# then wait for the writers' lock (held here from psql); the second to get it finds the first's
# ledger and is refused, its key not added.
run "$KEYGEN" key new --out other.key --no-passphrase
expect_rc 0 "key new"
racy=$(pg_new_database) || exit 1
racy_db=$(pg_database_name "$racy")
# The key of every writer's pg_advisory_xact_lock (keygen/src/postgres.cpp).
PGAPPNAME=holder "$PG_BINDIR/psql" -X -q -d "$racy" \
  -c "SELECT pg_advisory_lock(7310594041632613753)" -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
# advisory_locks SQL_CONDITION: how many advisory locks of this database meet the condition.
advisory_locks() {
  pg_sql "$racy" "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND ($1)
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
}
for ((i = 0; i < 400; i++)); do
  [ "$(advisory_locks granted)" -ge 1 ] && break
  sleep 0.05
done
expect_eq "$(advisory_locks granted)" 1 "(the lock held from psql)"
racing_init() {
  "$KEYGEN" ledger init --ledger "$racy" --key "$1" --allow-development-key >"init.$1.out" 2>"init.$1.err" </dev/null
}
racing_init dev.key &
init_dev=$!
racing_init other.key &
init_other=$!
for ((i = 0; i < 400; i++)); do
  waiting=$(advisory_locks "NOT granted")
  [ "$waiting" -ge 2 ] && break
  sleep 0.05
done
expect_eq "$waiting" 2 "(inits waiting for the lock)"
pg_sql "$racy" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'holder' AND datname = '$racy_db'" >/dev/null
wait "$holder"
rc_dev=0 rc_other=0
wait "$init_dev" || rc_dev=$?
wait "$init_other" || rc_other=$?
expect_eq "$(printf '%s\n' "$rc_dev" "$rc_other" | sort | tr '\n' ' ')" "0 2 " "(exit statuses of the two inits)"
cat init.*.err >both.err
grep -qF "$racy already holds a seatkey ledger: a new ledger is never made over an existing one" both.err ||
  fail "the second init's message: $(cat both.err)"
expect_eq "$(pg_sql "$racy" "SELECT COUNT(*), MIN(origin) FROM signing_keys")" "1|init" "(signing keys after two inits)"

# --- Another writer holds the ledger longer than this one waits (the URL's lock_timeout):
# busy, exit 2, nothing printed or written.
busy=$(pg_new_database) || exit 1
LEDGER=$busy
init_ledger "$LEDGER"
issued 1 issue server --appliance "$A" --edition vm
PGAPPNAME=busy_holder "$PG_BINDIR/psql" -X -q -d "$busy" \
  -c "SELECT pg_advisory_lock(7310594041632613753)" -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
busy_holder=$!
for ((i = 0; i < 400; i++)); do
  [ "$(pg_sql "$busy" "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" -ge 1 ] && break
  sleep 0.05
done
LEDGER="$busy&options=-c%20lock_timeout%3D1s"
refused_busy() {
  local before
  before=$(ledger_dump)
  keygen "$@"
  expect_rc 2 "keygen $* while another writer holds the ledger"
  expect_err "is busy (another writer holds it): cannot lock the ledger"
  expect_no_out
  [ "$(ledger_dump)" = "$before" ] || fail "ledger changed by a busy: keygen $*"
}
refused_busy issue users --appliance "$A" --users 5
refused_busy void 1 --reason "busy test"
# Readers do not wait for writers.
keygen ledger list
expect_rc 0 "ledger list while another writer holds the ledger"
pg_sql "$busy" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'busy_holder'" >/dev/null
wait "$busy_holder"
issued 1 issue users --appliance "$A" --users 5

# --- The connection lost in the middle of a large batch.
LEDGER=$(pg_new_database) || exit 1
init_ledger "$LEDGER"
issued 1 issue server --appliance "$A" --edition vm
head=$(env SEATKEY_LEDGER="$LEDGER" "$KEYGEN" ledger head 2>/dev/null)
db=$(pg_database_name "$LEDGER")
PACKS=5000
echo "[{\"type\": \"users\", \"appliance\": \"$A\", \"users\": 1, \"count\": $PACKS}]" >big.json
env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue batch --orders big.json >big.out 2>big.err </dev/null &
batch=$!
# Wait until the batch writes its rows (in its transaction, under the writers' lock), then end
# its backend from another session.
terminated=0
for ((i = 0; i < 1200; i++)); do
  writing=$(pg_sql "$LEDGER" "SELECT COUNT(*) FROM pg_stat_activity
    WHERE datname = '$db' AND pid <> pg_backend_pid() AND query LIKE 'INSERT INTO licenses%'" 2>/dev/null)
  if [ "${writing:-0}" -ge 1 ]; then
    terminated=$(pg_sql "$LEDGER" "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = '$db' AND pid <> pg_backend_pid()) AS t")
    break
  fi
  kill -0 "$batch" 2>/dev/null || break
  sleep 0.02
done
rc=0
wait "$batch" || rc=$?
[ "$terminated" -ge 1 ] || fail "the batch was never seen holding the ledger's lock (exit $rc; $(head -c 300 big.err))"
expect_eq "$rc" 2 "(the batch's exit status after its connection was lost)"
[ ! -s big.out ] || fail "the batch printed tokens it did not record: $(head -c 200 big.out)"
grep -qF "the connection to the database server was lost" big.err || fail "the batch's message: $(cat big.err)"
expect_eq "$(pg_sql "$LEDGER" "SELECT COUNT(*) FROM licenses")" 1 "(rows after the lost batch)"
# It had written rows, which its end rolled back (the ended backend reports them as it exits).
for ((i = 0; i < 50; i++)); do
  dead=$(pg_sql "$LEDGER" "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'licenses'")
  [ "$dead" -gt 0 ] && break
  sleep 0.1
done
[ "$dead" -gt 0 ] || fail "the batch had written no row when its connection was ended"
echo "the batch's connection was ended after $dead of its $PACKS rows were written"
keygen ledger verify
expect_rc 0 "ledger verify after the lost batch"
expect_eq "$(cat out)" "$head" "(the head after the lost batch)"
# The ledger is usable again: the next pack gets serial 2.
issued 1 issue users --appliance "$A" --users 1
expect_eq "$(pg_sql "$LEDGER" "SELECT MAX(serial) FROM licenses")" 2
pass
