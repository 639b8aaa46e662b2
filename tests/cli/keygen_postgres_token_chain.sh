#!/usr/bin/env bash
# ctest-name: postgres cli: API tokens are links of the chain on PostgreSQL: a token row written past the tool is found, stored answers cannot change
# ctest: needs=keygen,verify,postgres seconds=20
# Token links and stored answers on a PostgreSQL ledger: the cases of keygen_token_chain_body.sh.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
. "$SOURCE_DIR/tests/cli/pg_lib.sh"
dev_key
LEDGER=$(pg_new_database) || exit 1
init_ledger
. "$SOURCE_DIR/tests/cli/keygen_token_chain_body.sh"
pass
