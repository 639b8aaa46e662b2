#!/usr/bin/env bash
# postgres-cluster.sh on its own cluster in a scratch folder: start after a run that was killed
# (its postmaster SIGKILLed, or still running) replaces the old cluster; stop removes everything
# and keeps the server's log; the errors a user can hit, one line each, exit 2.
# Expects SEATKEY_POSTGRES_CLUSTER, PG_BINDIR and SOURCE_DIR.
. "$SOURCE_DIR/tests/cli/lib.sh"

cluster() { bash "$SEATKEY_POSTGRES_CLUSTER" "$@"; }
alive() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q postgres; }
postmaster() { head -n 1 "$(cat "$SCRATCH/pg/run")/data/postmaster.pid"; }
# gone PID...: waits up to 10 s for these processes to end
gone() {
  local p left
  for _ in $(seq 100); do
    left=""
    for p in "$@"; do alive "$p" && left="$left $p"; done
    [ -z "$left" ] && return 0
    sleep 0.1
  done
  fail "still running:$left"
}
answers() { "$PG_BINDIR/psql" "$(cat "$SCRATCH/pg/url")" -X -A -t -c "SELECT 1" 2>&1; }
setting() { "$PG_BINDIR/psql" "$(cat "$SCRATCH/pg/url")" -X -A -t -c "SHOW $1" 2>&1; }

run cluster start "$SCRATCH/pg"
expect_rc 0 "start"
expect_out "postgres-cluster: PostgreSQL 15 running from /tmp/skpg."
first=$(cat "$SCRATCH/pg/run")
expect_eq "$(answers)" "1" "from the first cluster"
expect_eq "$(setting fsync)" "off" "fsync of a test cluster"
expect_eq "$(setting synchronous_commit)" "off" "synchronous_commit of a test cluster"

# The run was killed before its cleanup: its cluster still runs. start stops it first.
pid=$(postmaster)
children=$(pgrep -P "$pid" | tr '\n' ' ')
run cluster start "$SCRATCH/pg"
expect_rc 0 "start over a running cluster"
second=$(cat "$SCRATCH/pg/run")
[ "$second" != "$first" ] || fail "start reused $first"
[ ! -e "$first" ] || fail "start left the old cluster's $first"
gone "$pid" $children
expect_eq "$(answers)" "1" "from the second cluster"

# The postmaster itself was SIGKILLed: its postmaster.pid is stale, start starts afresh.
pid=$(postmaster)
children=$(pgrep -P "$pid" | tr '\n' ' ')
kill -KILL "$pid"
gone "$pid" $children
# A benchmark's cluster: durable commits, as SQLite's synchronous=FULL.
run env SEATKEY_PG_FSYNC=on bash "$SEATKEY_POSTGRES_CLUSTER" start "$SCRATCH/pg"
expect_rc 0 "start after a SIGKILLed postmaster, SEATKEY_PG_FSYNC=on"
[ ! -e "$second" ] || fail "start left the killed cluster's $second"
expect_eq "$(answers)" "1" "from the third cluster"
expect_eq "$(setting fsync)" "on" "fsync with SEATKEY_PG_FSYNC=on"
expect_eq "$(setting synchronous_commit)" "on" "synchronous_commit with SEATKEY_PG_FSYNC=on"
expect_eq "$(setting full_page_writes)" "on" "full_page_writes with SEATKEY_PG_FSYNC=on"

third=$(cat "$SCRATCH/pg/run")
pid=$(postmaster)
children=$(pgrep -P "$pid" | tr '\n' ' ')
run cluster stop "$SCRATCH/pg"
expect_rc 0 "stop"
expect_out "postgres-cluster: stopped; data and socket removed (server log in $SCRATCH/pg/postgres.log)"
gone "$pid" $children
[ ! -e "$third" ] || fail "stop left $third"
[ ! -e "$SCRATCH/pg/url" ] || fail "stop left the URL of a stopped cluster"
grep -q "database system is shut down" "$SCRATCH/pg/postgres.log" || fail "the kept server log lacks the shutdown"
run cluster stop "$SCRATCH/pg"
expect_rc 0 "stop again"
expect_out "postgres-cluster: no cluster recorded in $SCRATCH/pg; nothing to stop"

# Errors a user can hit.
run cluster createdb "$SCRATCH/pg"
expect_rc 2 "createdb without a started cluster"
expect_err "postgres-cluster: no cluster started in $SCRATCH/pg (run: postgres-cluster.sh start $SCRATCH/pg)"
run cluster createdb "$SCRATCH/none"
expect_rc 2 "createdb in a missing folder"
expect_err "postgres-cluster: no cluster in $SCRATCH/none"
for args in "" "start" "restart $SCRATCH/pg" "start $SCRATCH/pg extra"; do
  run cluster $args
  expect_rc 2 "postgres-cluster.sh $args"
  expect_err "postgres-cluster: usage: postgres-cluster.sh start DIR | createdb DIR [NAME] | stop DIR"
done
# An unknown SEATKEY_PG_FSYNC starts nothing.
run env SEATKEY_PG_FSYNC=yes bash "$SEATKEY_POSTGRES_CLUSTER" start "$SCRATCH/pg"
expect_rc 2 "start with SEATKEY_PG_FSYNC=yes"
expect_err "postgres-cluster: SEATKEY_PG_FSYNC is on or off, not 'yes'"
[ ! -e "$SCRATCH/pg/run" ] || fail "start with SEATKEY_PG_FSYNC=yes recorded a cluster"
# A run record that names something else is refused, and nothing is removed.
mkdir "$SCRATCH/victim"
echo "$SCRATCH/victim" >"$SCRATCH/pg/run"
run cluster stop "$SCRATCH/pg"
expect_rc 2 "stop with a foreign run record"
expect_err "postgres-cluster: $SCRATCH/pg/run does not name a cluster this script started: $SCRATCH/victim"
[ -d "$SCRATCH/victim" ] || fail "stop removed $SCRATCH/victim"
run cluster start "$SCRATCH/pg"
expect_rc 2 "start over a foreign run record"
expect_err "does not name a cluster this script started"
[ -d "$SCRATCH/victim" ] || fail "start removed $SCRATCH/victim"
pass
