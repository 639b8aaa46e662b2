# The ledger on PostgreSQL, driven through the programs: CLI scripts (tests/cli/, tests/server/)
# against databases in the throwaway cluster of the "postgres" fixture (tests/postgres/).
# Included at the end of tests/CMakeLists.txt, when the programs' targets exist.
if(NOT SEATKEY_POSTGRES_TESTS OR NOT TARGET seatkey-keygen OR NOT TARGET seatkey-verify)
  return()
endif()

# psql and pg_dump of the PostgreSQL 15 that tests/postgres/CMakeLists.txt found.
get_directory_property(seatkey_pg_bindir DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/postgres"
  DEFINITION seatkey_postgres_bindir)
set(seatkey_pg_cli_env
  "KEYGEN=$<TARGET_FILE:seatkey-keygen>"
  "VERIFY=$<TARGET_FILE:seatkey-verify>"
  "SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  "PG_BINDIR=${seatkey_pg_bindir}")
if(TARGET seatkey-server)
  list(APPEND seatkey_pg_cli_env "SERVER=$<TARGET_FILE:seatkey-server>")
endif()

# seatkey_pg_cli_test(NAME SCRIPT [TIMEOUT]): SCRIPT (under tests/) on the fixture's cluster.
function(seatkey_pg_cli_test name script)
  set(timeout 120)
  if(ARGC GREATER 2)
    set(timeout ${ARGV2})
  endif()
  add_test(NAME "postgres cli: ${name}" COMMAND bash "${PROJECT_SOURCE_DIR}/tests/${script}")
  set_tests_properties("postgres cli: ${name}" PROPERTIES ENVIRONMENT "${seatkey_pg_cli_env}" TIMEOUT ${timeout})
  seatkey_postgres_test("postgres cli: ${name}")
endfunction()

seatkey_pg_cli_test("keygen on a PostgreSQL ledger: issue, refuse, void, transfer, export, verify, backup, tokens; no password shown"
  cli/keygen_postgres.sh)
seatkey_pg_cli_test("keygen on PostgreSQL: no server, not a ledger, two inits at once, a connection lost mid-batch: exit 2, nothing written"
  cli/keygen_postgres_errors.sh)
# These two write through seatkey-server as well (the copy: rows a token wrote, stored answers).
if(TARGET seatkey-server)
  seatkey_pg_cli_test("ledger copy SQLite to PostgreSQL to SQLite keeps the head hash and the serial counter; refusals leave nothing"
    cli/keygen_ledger_copy.sh)
  seatkey_pg_cli_test("2 servers and 8 CLI issuers on one database: distinct serials, a linear chain, every token recorded"
    server/server_postgres.sh 180)
endif()
