# shellcheck shell=bash
# What the desk finds in the golden ledger (tests/fixtures/README.md), for its tests on SQLite and
# PostgreSQL: every row as ledger show gives it, and ledger list of a few searches. Read as it is
# (every row compared, every list read) and from the search tables after the migration, it must
# be the same. Source after keygen_helpers.sh.
golden_found() {
  local serial filter
  for serial in $(seq 1 14); do
    keygen ledger show "$serial" --json
    cat out
  done
  for filter in "--customer ACME" "--customer gmbh --kind server" "--order so-" "--order 3" \
    "--customer kg --status active"; do
    # shellcheck disable=SC2086
    keygen ledger list --json $filter
    cat out
  done
}
