#!/usr/bin/env bash
# ctest: needs=verify,mint
# seatkey-verify install: the PBX's "upload license" (docs/firmware.md, "Activating an
# appliance"). Installed as license.lic and booted; the file it replaced kept hidden, unread by
# the boot check; refused, naming what is lower, unless --force; never a file for another
# appliance or a damaged one; hostile inputs are clear errors that change nothing; --json.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

mint "$(server_payload 1001 compact '' ',"code":1234')" "$(pack_payload 1002 5 '' ',"code":1234')" >eight.lic
mint "$(server_payload 1001 compact '' ',"code":1234')" "$(pack_payload 1002 5 '' ',"code":1234')" \
  "$(pack_payload 1003 5 '' ',"code":1240')" >thirteen.lic
mint "$(server_payload 1009 vm "$OTHER_APPLIANCE")" >other.lic
{
  mint "$(server_payload 1001 compact)"
  echo "v4.public.damaged"
} >damaged.lic
mkdir lic

install() { run "$VERIFY" install "$@" --appliance 00:1a:2b:3c:4d:5e --now "$NOW"; }
# The folder's names (hidden ones too) and contents: what a refused install must not change.
folder_state() { (cd lic && for f in $(ls -A); do echo "$f $(cksum <"$f")"; done); }

install eight.lic --licenses lic
expect_rc 0 "the first install"
expect_out "Installed eight.lic as lic/license.lic."
expect_out "Appliance 001A2B3C4D5E is licensed: Compact edition, 8 users (server license 1001)."
expect_out "Codes:    activated with code no. 1234 (server license 1001, user pack 1002)."
cmp -s eight.lic lic/license.lic || fail "lic/license.lic is not the file installed"
[ "$(stat -c %a lic/license.lic)" = 600 ] || fail "license.lic is not 0600"
verify --licenses lic
expect_rc 0 "the boot check after the first install"
expect_out "8 users (server license 1001)."
expect_out "Codes:    activated with code no. 1234 (server license 1001, user pack 1002)."
verify --licenses lic --json
expect_out '"code": 1234,'

install thirteen.lic --licenses lic
expect_rc 0 "more users"
expect_out "Installed thirteen.lic as lic/license.lic; the file it replaced is kept as lic/.license.lic.previous."
expect_out "Codes:    activated with code no. 1234 (server license 1001, user pack 1002); code no. 1240 (user pack 1003)."
cmp -s eight.lic lic/.license.lic.previous || fail "the previous file was not kept"
verify --licenses lic
expect_rc 0 "the boot check after the second install"
expect_out "13 users"
expect_out "Licenses: 3 accepted, 0 not accepted."

# Fewer users: refused, naming both counts; nothing changes; --force installs it.
before=$(folder_state)
install eight.lic --licenses lic
expect_rc 1 "fewer users"
expect_no_out
expect_err "seatkey-verify: eight.lic was not installed: it would license fewer users: 8, against 13 now (--force installs it anyway)"
expect_eq "$(folder_state)" "$before" "(a refused install changed the folder)"
install eight.lic --licenses lic --json
expect_rc 1 "fewer users, --json"
expect_out '"licensed_users": 13,'
expect_out '"installed": false,'
expect_out '"installed_file": null,'
expect_out '"refusal_message": "it would license fewer users: 8, against 13 now"'
python3 -c 'import json,sys; j=json.load(open("out")); assert j["refusals"] == ["fewer_users"], j' ||
  fail "--json of a refusal is not JSON with its refusals"
install eight.lic --licenses lic --force
expect_rc 0 "--force"
expect_out "Forced:   it would license fewer users: 8, against 13 now."
expect_out "8 users (server license 1001)."
cmp -s thirteen.lic lic/.license.lic.previous || fail "the previous file after --force"
install thirteen.lic --licenses lic --json
expect_rc 0 "--json"
expect_out '"installed": true,'
expect_out '"installed_file": "lic/license.lic",'
expect_out '"previous_file": "lic/.license.lic.previous",'
expect_out '"refusals": [],'
expect_out '"refusal_message": null'

# Never: another appliance's file, a damaged one, an empty one, not even with --force.
before=$(folder_state)
for force in "" --force; do
  install other.lic --licenses lic $force
  expect_rc 1 "another appliance's file $force"
  expect_err "seatkey-verify: other.lic was not installed: other.lic:1 is a license for another appliance: issued for appliance 0099AABBCCDD, not for this one (001A2B3C4D5E)"
  expect_err_lacks "--force installs"
  install damaged.lic --licenses lic $force
  expect_rc 1 "a damaged file $force"
  expect_err "seatkey-verify: damaged.lic was not installed: damaged.lic:2 is damaged or not from this vendor (malformed: "
  : >empty.lic
  install empty.lic --licenses lic $force
  expect_rc 1 "an empty file $force"
  expect_err "seatkey-verify: empty.lic was not installed: empty.lic holds no license"
done
# A license of another key than the one trusted is damaged too.
"$MINT" --new-key other.key >other.public || fail "a second key"
install eight.lic --licenses lic --trusted-keys other.public
expect_rc 1 "licenses of an untrusted key"
expect_err "eight.lic:1 is damaged or not from this vendor (unknown_key: "
expect_eq "$(folder_state)" "$before" "(a refused install changed the folder)"

# Hostile inputs: clear errors (exit 2), nothing changed, nothing waited on.
mkfifo fifo
run timeout 10 "$VERIFY" install fifo --licenses lic --appliance "$APPLIANCE"
expect_rc 2 "a FIFO"
expect_err "seatkey-verify: cannot read license file fifo: not a regular file (a FIFO)"
mkdir a-dir
install a-dir --licenses lic
expect_rc 2 "a directory"
expect_err "seatkey-verify: cannot read license file a-dir: is a directory"
head -c 5242881 /dev/zero | tr '\0' '#' >huge.lic
install huge.lic --licenses lic
expect_rc 2 "a file over 5 MiB"
expect_err "seatkey-verify: license file huge.lic is over 5 MiB: not a license file"
install missing.lic --licenses lic
expect_rc 2 "a missing file"
expect_err "seatkey-verify: cannot read license file missing.lic: No such file or directory"
install eight.lic --licenses nowhere
expect_rc 2 "a missing folder"
expect_err "seatkey-verify: cannot open licenses folder nowhere: No such file or directory"
install eight.lic --licenses eight.lic
expect_rc 2 "a file as the folder"
expect_err "seatkey-verify: licenses folder eight.lic is not a directory"
install lic/license.lic --licenses lic
expect_rc 2 "a file of the folder itself"
expect_err "lies in the licenses folder lic, where the boot check reads it as it is"
expect_eq "$(folder_state)" "$before" "(an install that failed changed the folder)"

# A file name with control characters is shown escaped.
weird=$(printf 'a\nUsers: 500\033[1m.lic')
cp thirteen.lic "$weird"
install "$weird" --licenses lic
expect_rc 0 "a file name with control characters"
expect_out 'Installed a\x0aUsers: 500\x1b[1m.lic as lic/license.lic'
grep -q "$(printf '\033')" out && fail "an escape character reached the terminal"

# Usage errors.
run "$VERIFY" install eight.lic --appliance "$APPLIANCE"
expect_rc 2 "no --licenses"
expect_err "--licenses is required"
run "$VERIFY" install --licenses lic --appliance "$APPLIANCE"
expect_rc 2 "no file"
expect_err "file is required"
run "$VERIFY" install eight.lic --licenses lic
expect_rc 2 "no appliance"
expect_err "seatkey-verify: give this appliance's ID with --appliance ID or --appliance-file F"
echo "$APPLIANCE" >id
run "$VERIFY" install thirteen.lic --licenses lic --appliance-file id --now "$NOW"
expect_rc 0 "--appliance-file"
run "$VERIFY" install thirteen.lic --licenses lic --appliance "no id!"
expect_rc 2 "a bad appliance ID"
expect_err "seatkey-verify: --appliance: invalid appliance ID"
run "$VERIFY" --users 3 install thirteen.lic --licenses lic --appliance "$APPLIANCE"
expect_rc 2 "a boot check option before the subcommand"
expect_err "seatkey-verify: --users: an option of the boot check, not of install"
run "$VERIFY" install --help
expect_rc 0 "install --help"
expect_out "--force"
expect_out "Exit status: 0 installed, 1 refused (nothing changed), 2 usage or input error."

pass
