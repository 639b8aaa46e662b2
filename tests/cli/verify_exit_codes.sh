#!/usr/bin/env bash
# ctest: needs=verify,mint
# seatkey-verify exit status: 0 licensed, 1 not licensed, 2 usage or input error.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" >licensed.lic
mint "$(pack_payload 1002 5)" >packs-only.lic
mint "$(server_payload 1001 compact '' ',"exp":"2026-01-01T00:00:00Z"')" >expired.lic
mint "$(server_payload 1001 compact "$OTHER_APPLIANCE")" >other.lic
: >empty.lic
mkdir empty-dir

# 0: a valid server license
verify --licenses licensed.lic
expect_rc 0 "a licensed compact"
verify --licenses licensed.lic --json
expect_rc 0 "a licensed compact, --json"
# --users never changes the exit status: over the license is still licensed
verify --licenses licensed.lic --users 100
expect_rc 0 "--users over the licensed users"
expect_out "92 more than licensed"

# 1: no valid server license
for f in packs-only.lic expired.lic other.lic empty.lic empty-dir; do
  verify --licenses "$f"
  expect_rc 1 "not licensed: $f"
  expect_out "is NOT licensed"
  verify --licenses "$f" --json
  expect_rc 1 "not licensed: $f --json"
  expect_out '"licensed": false'
done

# 2: usage errors
run "$VERIFY"
expect_rc 2 "no arguments"
expect_err "--licenses is required"
run "$VERIFY" --licenses licensed.lic --now "$NOW"
expect_rc 2 "no appliance"
expect_err "give this appliance's ID with --appliance ID or --appliance-file F"
run "$VERIFY" --appliance "$APPLIANCE" --licenses licensed.lic --frobnicate
expect_rc 2 "an unknown option"
expect_err "frobnicate"
expect_err "Run with --help for more information."
echo "$APPLIANCE" >id
run "$VERIFY" --appliance "$APPLIANCE" --appliance-file id --licenses licensed.lic
expect_rc 2 "--appliance and --appliance-file together"
expect_err "excludes"
verify --licenses licensed.lic --users -1
expect_rc 2 "--users -1"
expect_err "--users"
verify --licenses licensed.lic --users many
expect_rc 2 "--users many"
expect_err "--users"
verify --licenses licensed.lic stray-argument
expect_rc 2 "a stray argument"
verify --licenses licensed.lic --state -
expect_rc 2 "--state -"
expect_err "seatkey-verify: --state -: the state file is a file that is read and rewritten, not standard input"
verify --licenses licensed.lic --state ''
expect_rc 2 "--state ''"
expect_err "seatkey-verify: --state: give the state file's path"
for bad in "--grace-days -1" "--grace-days 3651" "--grace-days x" "--warn-days -1" "--warn-days 3651" "--warn-days x"; do
  # shellcheck disable=SC2086 # an option and its value
  verify --licenses licensed.lic --state st.json $bad
  expect_rc 2 "$bad"
  expect_err "${bad%% *}"
  [ ! -e st.json ] || fail "$bad wrote a state file"
done
# 2: input errors
verify --licenses missing.lic
expect_rc 2 "a missing license file"
expect_err "cannot read licenses missing.lic: No such file or directory"

# 2: the result cannot be written
if [ -w /dev/full ]; then
  "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses licensed.lic --json >/dev/full 2>err
  RC=$?
  expect_rc 2 "stdout is /dev/full"
  expect_err "seatkey-verify: cannot write the result to standard output"
fi

# --help and --version: 0, on stdout
run "$VERIFY" --help
expect_rc 0 "--help"
expect_out "Example:"
expect_out "seatkey-verify --appliance-file"
expect_out "Exit status: 0 licensed (also in grace), 1 not licensed, 2 usage or input error."
run "$VERIFY" --version
expect_rc 0 "--version"
expect_out "seatkey-verify 0."

pass
