#!/usr/bin/env bash
# ctest-name: keygen cli: API tokens are links of the chain: a token row written past the tool is found, stored answers cannot change
# ctest: needs=keygen,verify seconds=10
# Token links and stored answers on a SQLite ledger: the cases of keygen_token_chain_body.sh.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
. "$SOURCE_DIR/tests/cli/keygen_token_chain_body.sh"
pass
