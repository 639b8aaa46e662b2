#!/usr/bin/env bash
# ctest: needs=verify,mint
# A UTF-8 byte order mark (EF BB BF, which Windows PowerShell and Notepad write) at the very
# start of a license file, of each file of a license directory, of standard input and of a
# trusted-keys file is skipped; anywhere else it is part of its line (docs/format.md).
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

BOM=$'\xef\xbb\xbf'
SERVER=$(mint "$(server_payload 1001 compact)")
PACK=$(mint "$(pack_payload 1002 5)")

# BOM + token: the server license verifies.
printf '%s%s\n' "$BOM" "$SERVER" >bom.lic
verify --licenses bom.lic --json
expect_rc 0 "a license file starting with a BOM"
expect_out '"licensed_users": 3,'
expect_out '"source": "bom.lic:1",'
expect_out '"rejected": []'

# BOM + CRLF line ends (a file saved on Windows), the summary too.
printf '%s%s\r\n%s\r\n' "$BOM" "$SERVER" "$PACK" >bom-crlf.lic
verify --licenses bom-crlf.lic
expect_rc 0 "a license file with a BOM and CRLF line ends"
expect_out "Appliance 001A2B3C4D5E is licensed: Compact edition, 8 users (server license 1001)."
expect_out "Licenses: 2 accepted, 0 not accepted."

# BOM + '#' line: a comment, not a license.
printf '%s# licenses of appliance %s\n%s\n' "$BOM" "$APPLIANCE" "$SERVER" >bom-comment.lic
verify --licenses bom-comment.lic --json
expect_rc 0 "a BOM before a comment line"
expect_out '"source": "bom-comment.lic:2",'
expect_out '"rejected": []'
expect_out_lacks "bom-comment.lic:1"

# A directory of two files, each with its BOM.
mkdir lic
printf '%s# server\n%s\n' "$BOM" "$SERVER" >lic/10-server.lic
printf '%s%s\n' "$BOM" "$PACK" >lic/20-pack.lic
verify --licenses lic --json
expect_rc 0 "a directory of two files with a BOM each"
expect_out '"licensed_users": 8,'
expect_out '"source": "lic/10-server.lic:2",'
expect_out '"source": "lic/20-pack.lic:1",'
expect_out '"rejected": []'

# Standard input starting with a BOM.
verify --licenses - <bom-crlf.lic
expect_rc 0 "a BOM on standard input"
expect_out "8 users (server license 1001)"

# A BOM anywhere but at the very start is not skipped: that line is not a license.
printf '%s\n%s%s\n' "$SERVER" "$BOM" "$PACK" >bom-middle.lic
verify --licenses bom-middle.lic --json
expect_rc 0 "a BOM on line 2"
expect_out '"licensed_users": 3,'
python3 -c '
import json
d = json.load(open("out", encoding="utf-8"))
r = d["rejected"]
assert [(x["source"], x["reason"]) for x in r] == [("bom-middle.lic:2", "malformed")], r
' || fail "the line starting with a BOM should be malformed"
printf '\n%s%s\n' "$BOM" "$SERVER" >bom-line2.lic
verify --licenses bom-line2.lic
expect_rc 1 "a BOM after a blank first line"
expect_out "  bom-line2.lic:2: not a valid license: not a v4.public token."
printf '%s%s%s\n' "$BOM" "$BOM" "$SERVER" >bom-twice.lic
verify --licenses bom-twice.lic
expect_rc 1 "two BOMs: only the first is skipped"
expect_out "  bom-twice.lic:1: not a valid license: not a v4.public token."

# A trusted-keys file starting with a BOM, before a comment or before the key.
{ printf '%s# vendor key\n' "$BOM"; grep '^k4\.public\.' "$DEV_PUBLIC"; } >bom-comment.keys
verify --licenses bom.lic --trusted-keys bom-comment.keys
expect_rc 0 "a trusted-keys file starting with a BOM and a comment"
{ printf '%s' "$BOM"; grep '^k4\.public\.' "$DEV_PUBLIC"; } >bom.keys
verify --licenses bom.lic --trusted-keys bom.keys
expect_rc 0 "a trusted-keys file starting with a BOM and the key"
{ grep '^k4\.public\.' "$DEV_PUBLIC"; printf '%s' "$BOM"; grep '^k4\.public\.' "$DEV_PUBLIC"; } >bom-middle.keys
verify --licenses bom.lic --trusted-keys bom-middle.keys
expect_rc 2 "a trusted-keys file with a BOM on line 2"
expect_err "seatkey-verify: bom-middle.keys:2: expected a k4.public key: not a k4.public PASERK key"

pass
