#!/usr/bin/env bash
# ctest-name: keygen cli: activation codes: made once as CSV, redeemed under the issuing rules, moved, voided, verified
# ctest: needs=keygen,verify seconds=20
# Activation codes on a SQLite ledger: the cases of keygen_codes_body.sh.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
. "$SOURCE_DIR/tests/cli/keygen_codes_body.sh"
pass
