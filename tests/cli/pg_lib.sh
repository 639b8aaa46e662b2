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
