# shellcheck shell=bash
# Helpers for CLI tests that need a PostgreSQL database in the tests' throwaway cluster
# (scripts/postgres-cluster.sh, started by CTest's "postgres" fixture). Source after lib.sh.
# Expects SEATKEY_TEST_POSTGRES_DIR and SEATKEY_POSTGRES_CLUSTER in the environment: CMake's
# seatkey_postgres_test() sets both (tests/postgres/CMakeLists.txt).

if [ -z "${SEATKEY_TEST_POSTGRES_DIR:-}" ] || [ -z "${SEATKEY_POSTGRES_CLUSTER:-}" ]; then
  fail "pg_lib.sh: SEATKEY_TEST_POSTGRES_DIR and SEATKEY_POSTGRES_CLUSTER are not set: add the test with seatkey_postgres_test() in CMake"
fi

# pg_new_database [NAME]: prints the URL of a new empty database (a random name unless NAME),
# e.g. postgresql://seatkey@/t_0123456789abcdef?host=/tmp/skpg.AbCdEf
# It runs in $(...), where fail cannot end the test: write  url=$(pg_new_database) || exit 1
pg_new_database() {
  local url
  url=$(bash "$SEATKEY_POSTGRES_CLUSTER" createdb "$SEATKEY_TEST_POSTGRES_DIR" "$@") ||
    fail "pg_new_database: no new database in the cluster of $SEATKEY_TEST_POSTGRES_DIR (is the test's FIXTURES_REQUIRED postgres?)"
  echo "$url"
}

# PostgreSQL 15's client programs (Debian's /usr/bin ones are wrappers that pick a cluster):
# PG_BINDIR from CMake, else where Debian keeps them.
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

# pg_database_name URL: the database a URL of the cluster (pg_new_database's form) names.
pg_database_name() {
  local db=${1#postgresql://*@/}
  echo "${db%%\?*}"
}

# pg_sql URL SQL: runs SQL as the cluster's superuser; rows as a|b, one a line; fails on errors.
pg_sql() { "$PG_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# pg_dump_ledger URL: the whole database (schema, rows, sequences) as SQL text, to compare a
# ledger before and after a command that must change nothing. (pg_dump's \restrict lines carry
# a new random key each time.)
pg_dump_ledger() {
  local dump
  dump=$("$PG_BINDIR/pg_dump" --no-owner -d "$1") || fail "pg_dump of $1"
  grep -vE '^\\(un)?restrict ' <<<"$dump"
}

# For seatkey-keygen tests (source after keygen_helpers.sh): its helpers on $LEDGER, whether
# that is a SQLite file or a postgresql:// URL. ledger_sql SQL runs a query on the ledger;
# ledger_dump, rows, refused, input_error and issued (keygen_helpers.sh) then work on either. When PG_SECRET is set
# (the password in $LEDGER's URL), keygen also checks it never reaches stdout or stderr.
PG_SECRET=${PG_SECRET:-}

is_pg_ledger() { [[ "$LEDGER" == postgresql://* ]]; }
ledger_sql() { if is_pg_ledger; then pg_sql "$LEDGER" "$1"; else sqlite3 "$LEDGER" "$1"; fi; }
ledger_dump() {
  if is_pg_ledger; then
    pg_dump_ledger "$LEDGER"
  elif [ -e "$LEDGER" ]; then
    sqlite3 "$LEDGER" .dump
  else
    echo absent
  fi
}
rows() { ledger_sql 'SELECT COUNT(*) FROM licenses' 2>/dev/null || echo 0; }

keygen() {
  run env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" "$@" </dev/null
  if [ -n "$PG_SECRET" ] && grep -qF -- "$PG_SECRET" out err; then
    fail "the ledger URL's password was printed by: keygen $*"
  fi
}
