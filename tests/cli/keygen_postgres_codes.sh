#!/usr/bin/env bash
# ctest-name: postgres cli: activation codes on a PostgreSQL ledger: made, redeemed, moved, voided, verified, copied
# ctest: needs=keygen,verify,postgres seconds=30
# Activation codes on a PostgreSQL ledger: the cases of keygen_codes_body.sh.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
. "$SOURCE_DIR/tests/cli/pg_lib.sh"
dev_key
LEDGER=$(pg_new_database) || exit 1
init_ledger
. "$SOURCE_DIR/tests/cli/keygen_codes_body.sh"
pass
