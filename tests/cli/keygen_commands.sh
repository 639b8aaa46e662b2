#!/usr/bin/env bash
# ctest-name: keygen cli: commands: --version, unknown commands named, the exit status in --help
# ctest: needs=keygen,mint seconds=5
# The command line itself: --version; a mistyped command is named, with the commands there
# are (not CLI11's "A subcommand is required"); --help's exit status says what exit 1 means.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"

run "$KEYGEN" --version
expect_rc 0 "seatkey-keygen --version"
grep -qxE 'seatkey-keygen [0-9]+\.[0-9]+\.[0-9]+' out || fail "--version prints no version"

# unknown_command WORD WHERE COMMANDS ARGS...: exit 2, WORD named for WHERE, COMMANDS listed.
unknown_command() {
  local word=$1 where=$2 commands=$3
  shift 3
  run "$KEYGEN" "$@"
  expect_rc 2 "seatkey-keygen $*"
  expect_eq "$(cat err)" "seatkey-keygen: error: unknown command '$word'$where; the commands are: $commands (seatkey-keygen${where#* for seatkey-keygen} --help)"
  expect_err_lacks "A subcommand is required"
  expect_no_out
}
LEDGER_COMMANDS="list, show, verify, head, migrate, backup, copy, init, add-key"
TOP="key, issue, void, transfer, revocations, export, ledger, report, inspect, token, code"
unknown_command isue "" "$TOP" isue server --appliance 00:1a:2b:3c:4d:5e --edition compact
unknown_command frobnicate "" "$TOP" frobnicate
unknown_command lst " for seatkey-keygen ledger" "$LEDGER_COMMANDS" ledger lst
unknown_command srever " for seatkey-keygen issue" "server, users, standby, batch" issue srever --edition vm
unknown_command nwe " for seatkey-keygen key" "new, public" key nwe --out x.key
[ ! -e x.key ] || fail "a mistyped command wrote a file"

# A command group without its command lists them too.
run "$KEYGEN"
expect_rc 2
expect_eq "$(cat err)" "seatkey-keygen: error: seatkey-keygen needs a command: $TOP (seatkey-keygen --help)"
run "$KEYGEN" ledger
expect_rc 2
expect_eq "$(cat err)" "seatkey-keygen: error: seatkey-keygen ledger needs a command: $LEDGER_COMMANDS (seatkey-keygen ledger --help)"
run "$KEYGEN" revocations
expect_rc 2
expect_eq "$(cat err)" "seatkey-keygen: error: seatkey-keygen revocations needs a command: issue, list (seatkey-keygen revocations --help)"

# Options are still CLI11's to judge, with a pointer to --help.
run "$KEYGEN" inspect --colour red x
expect_rc 2
expect_eq "$(cat err)" "seatkey-keygen: error: The following arguments were not expected: x --colour (run with --help for the usage)"
run "$KEYGEN" --frobnicate
expect_rc 2

# --help: exit 1 is a refusal (a rule, an unknown key, the development key), an export with
# nothing on record, a ledger that does not verify, or a token that does not verify.
run "$KEYGEN" --help
expect_rc 0
expect_out "1 refused, nothing written (an issuing rule, a void or transfer the"
expect_out "ledger does not allow, a revocation list with nothing new, a key the ledger does not know,"
expect_out "active server license on record, a ledger that does not verify, ledger show of a serial it"
expect_out "does not have, or inspect --public with a token that does not verify; 2 usage or input"
dev_key
init_ledger
keygen export --appliance 00:1a:2b:3c:4d:5e
expect_rc 1 "export of an appliance with nothing on record"
expect_err "seatkey-keygen: refused: appliance 001A2B3C4D5E has no active server license on record: nothing to export"

pass
