#!/usr/bin/env bash
# The tests' PostgreSQL cluster (fixture "postgres"): new databases from pg_lib.sh and
# postgres-cluster.sh createdb, each empty and reachable by its URL, on a PostgreSQL 15 that
# listens on its Unix socket only; createdb's errors.
# Expects SEATKEY_TEST_POSTGRES_DIR, SEATKEY_POSTGRES_CLUSTER, PG_BINDIR and SOURCE_DIR.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/pg_lib.sh"

psql_at() { "$PG_BINDIR/psql" "$1" -X -A -t -v ON_ERROR_STOP=1 -c "$2"; }

url=$(pg_new_database) || exit 1
[[ "$url" =~ ^postgresql://seatkey@/(t_[0-9a-f]{16})\?host=(/tmp/skpg\.[A-Za-z0-9]{6})$ ]] ||
  fail "pg_new_database printed '$url', not postgresql://seatkey@/t_<16 hex>?host=/tmp/skpg.XXXXXX"
name=${BASH_REMATCH[1]}
socket_dir=${BASH_REMATCH[2]}
[ -S "$socket_dir/.s.PGSQL.5432" ] || fail "no socket $socket_dir/.s.PGSQL.5432"

run psql_at "$url" "SHOW server_version"
expect_rc 0 "SHOW server_version"
[[ "$(cat out)" =~ ^15\. ]] || fail "server_version is '$(cat out)', not 15.x"
run psql_at "$url" "SHOW listen_addresses"
expect_rc 0 "SHOW listen_addresses"
expect_eq "$(cat out)" "" "as listen_addresses (TCP)"
run psql_at "$url" "SELECT inet_server_addr() IS NULL, current_database(), current_user"
expect_rc 0
expect_eq "$(cat out)" "t|$name|seatkey" "(connection over the Unix socket, to the new database)"
run psql_at "$url" "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
expect_eq "$(cat out)" "0" "relations in the new database's public schema"

# Each call is a different database: a test's tables never meet another's.
run psql_at "$url" "CREATE TABLE mine (x int)"
expect_rc 0 "CREATE TABLE"
url2=$(pg_new_database) || exit 1
[ "$url2" != "$url" ] || fail "pg_new_database printed the same URL twice: $url"
run psql_at "$url2" "SELECT count(*) FROM pg_class WHERE relname = 'mine'"
expect_eq "$(cat out)" "0" "tables of another test's database seen in a new one"

# A chosen name; the same name again, or a name that is not a plain identifier, is refused.
named=ledger_$RANDOM$RANDOM
run pg_new_database "$named"
expect_rc 0 "pg_new_database $named"
expect_eq "$(cat out)" "postgresql://seatkey@/$named?host=$socket_dir"
run bash "$SEATKEY_POSTGRES_CLUSTER" createdb "$SEATKEY_TEST_POSTGRES_DIR" "$named"
expect_rc 2 "createdb of an existing name"
expect_err "postgres-cluster: createdb $named failed:"
expect_err "already exists"
expect_no_out
for bad in 'Ledger' '1ledger' 'led-ger' 'a;drop' "$(printf 'x%.0s' {1..64})"; do
  run bash "$SEATKEY_POSTGRES_CLUSTER" createdb "$SEATKEY_TEST_POSTGRES_DIR" "$bad"
  expect_rc 2 "createdb '$bad'"
  expect_err "database name '$bad' is not a lower-case identifier of at most 63 characters"
  expect_no_out
done

# Sourced without the fixture's environment, pg_lib.sh ends the test and says what is missing.
run env -u SEATKEY_TEST_POSTGRES_DIR bash -c '. "$SOURCE_DIR/tests/cli/lib.sh"; . "$SOURCE_DIR/tests/cli/pg_lib.sh"; echo reached'
expect_rc 1 "pg_lib.sh without SEATKEY_TEST_POSTGRES_DIR"
expect_err "pg_lib.sh: SEATKEY_TEST_POSTGRES_DIR and SEATKEY_POSTGRES_CLUSTER are not set"
expect_out_lacks reached
pass
