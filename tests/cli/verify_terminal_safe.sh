#!/usr/bin/env bash
# ctest: needs=verify,mint
# Untrusted text never reaches the terminal raw. File names (in sources and in the messages that
# quote them), paths, typed values and file contents are shown with every control character,
# DEL, C1 control, bidirectional formatting character and invalid UTF-8 byte as a visible
# escape ("\x1b", "\u202e"), and every backslash as "\\", in the summary on stdout and in the
# errors on stderr: a license file named "b<newline>Users:    500 ...<ESC>[1;32m" cannot forge a
# line or a colour, nor one named "...\x1b..." pass for an escape. --json keeps the exact text,
# JSON-escaped.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

# expect_terminal_safe FILE: FILE is valid UTF-8 and holds no control character but its line
# ends, no DEL, no C1 control and no bidirectional formatting character.
expect_terminal_safe() {
  python3 - "$1" <<'PY' || fail "$1 holds a raw control or bidi character (above)"
import sys
text = open(sys.argv[1], "rb").read().decode("utf-8")  # invalid UTF-8 raises
bidi = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
bad = [(n, hex(ord(c))) for n, line in enumerate(text.split("\n"), 1) for c in line
       if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or ord(c) in bidi]
if bad:
    print("raw characters (line, code point):", bad[:10], file=sys.stderr)
    sys.exit(1)
PY
}
# expect_safe_error MESSAGE: exit 2, one terminal-safe line on stderr holding MESSAGE, no stdout.
expect_safe_error() {
  expect_rc 2 "$1"
  expect_err "seatkey-verify: $1"
  expect_no_out
  [ "$(wc -l <err)" -eq 1 ] || fail "more than one line on stderr"
  expect_terminal_safe err
}

# A file name that forges a summary line and turns the terminal green, and how it is shown.
FORGED=$'b\nUsers:    500 (1 included + 499 from user packs)\e[1;32m'
FORGED_SHOWN='b\x0aUsers:    500 (1 included + 499 from user packs)\x1b[1;32m'
RLO=$'\u202e'               # RIGHT-TO-LEFT OVERRIDE: "\u202ecil.txt" looks like "txt.lic"
CSI_C1=$'\u009b'            # the C1 control CSI, UTF-8 C2 9B
CSI_BYTE=$'\x9b'            # CSI as a lone byte (not UTF-8): 8-bit terminals obey it too

mint "$(server_payload 1001 compact)" >server.lic
mkdir lic
cp server.lic lic/10-server.lic
{ echo "garbage"; mint "$(pack_payload 1002 5)"; } >"lic/$FORGED"
{ echo "garbage"; mint "$(pack_payload 1002 5)"; } >"lic/c-copy.lic"
echo "garbage" >"lic/d-${RLO}cil.txt"
echo "garbage" >"lic/e-${CSI_C1}2J.lic"
echo "garbage" >"lic/f-${CSI_BYTE}2J.lic"
echo "garbage" >"lic/g-"$'\x7f\x07\t'".lic"

verify --licenses lic
expect_rc 0 "a directory with hostile file names"
expect_terminal_safe out
expect_eq "$(wc -l <out)" 12 "(summary lines: 3 about the license, 1 about the development key, 1 count, 7 rejected)"
grep -q '^Users:    500' out && fail "a file name forged a summary line"
expect_out "Users:    8 (3 included + 5 from user packs; the Compact edition allows up to 20)."
expect_out "  lic/$FORGED_SHOWN:1: not a valid license: not a v4.public token."
expect_out "  lic/c-copy.lic:2: user pack 1002 (5 users): a copy of license 1002, already counted from lic/$FORGED_SHOWN:2."
expect_out '  lic/d-\u202ecil.txt:1: not a valid license'
expect_out '  lic/e-\x9b2J.lic:1: not a valid license'
expect_out '  lic/f-\x9b2J.lic:1: not a valid license'
expect_out '  lic/g-\x7f\x07\x09.lic:1: not a valid license'

# A backslash is escaped as "\\": a name that spells an escape ("\x1b", four plain characters)
# cannot pass for one.
SPELLED='h-\x1b[1;32m.lic'
echo "garbage" >"$SPELLED"
verify --licenses "$SPELLED"
expect_rc 1 "a file name that spells an escape"
expect_out '  h-\\x1b[1;32m.lic:1: not a valid license: not a v4.public token.'
verify --licenses "nowhere\\$SPELLED"
expect_safe_error 'cannot read licenses nowhere\\h-\\x1b[1;32m.lic: No such file or directory'

# --json keeps the exact names (JSON-escaped; the byte that is not UTF-8 becomes U+FFFD).
verify --licenses lic --json
expect_rc 0 "a directory with hostile file names, --json"
expect_out '"source": "lic/b\nUsers:    500 (1 included + 499 from user packs)\u001b[1;32m:1",'
python3 - <<'PY' || fail "--json does not hold the exact file names"
import json
d = json.load(open("out", encoding="utf-8"))
sources = {r["source"] for r in d["accepted"] + d["rejected"]}
forged = "lic/b\nUsers:    500 (1 included + 499 from user packs)\x1b[1;32m"
want = {forged + ":1", forged + ":2", "lic/d-\u202ecil.txt:1", "lic/e-\u009b2J.lic:1",
        "lic/f-\ufffd2J.lic:1", "lic/g-\x7f\x07\t.lic:1"}
assert want <= sources, want - sources
messages = [r["message"] for r in d["rejected"]]
assert "a copy of license 1002, already counted from " + forged + ":2" in messages, messages
PY

# The forged name as --licenses: a file, and a path that does not exist.
cp "lic/$FORGED" "$FORGED"
verify --licenses "$FORGED"
expect_rc 1 "a license file with a forged name"
expect_terminal_safe out
expect_out "  $FORGED_SHOWN:1: not a valid license: not a v4.public token."
expect_out "  $FORGED_SHOWN:2: user pack 1002 (5 users): a user pack counts only together with a valid server license"
verify --licenses "nowhere-$FORGED"
expect_safe_error "cannot read licenses nowhere-$FORGED_SHOWN: No such file or directory"
mkdir empty
verify --licenses "empty/$RLO"
expect_safe_error 'cannot read licenses empty/\u202e: No such file or directory'

# Claims with control and bidi characters: a serial with them is invalid (serials are plain
# ASCII) and not shown; customer and order are never shown by seatkey-verify.
{
  mint "$(server_payload 2001 compact '' ',"customer":"\u001b]0;owned\u0007Acme\u202e","order":"SO-1\r\nUsers: 500"')"
  mint "$(pack_payload '2002\u001b[31m' 5)"
} >claims.lic
verify --licenses claims.lic
expect_rc 0 "a server license with control characters in customer and order"
expect_terminal_safe out
expect_out "  claims.lic:2: the license content is invalid: claim \"jti\" has a character outside A-Z a-z 0-9 - _ . :."
expect_out_lacks "owned"
expect_out_lacks "Users: 500"
verify --licenses claims.lic --json
expect_out '"rejected": ['
expect_out_lacks "owned"

# Errors on stderr that quote a path, a typed value or a file's content.
run "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file "nowhere-$FORGED"
expect_safe_error "cannot read appliance file nowhere-$FORGED_SHOWN: No such file or directory"
run "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file "$FORGED"
expect_safe_error "appliance file $FORGED_SHOWN: invalid appliance ID: a control character at position 8"
printf 'k4.public.\e[2J\n' >"keys-$FORGED"
verify --licenses server.lic --trusted-keys "keys-$FORGED"
expect_safe_error "keys-$FORGED_SHOWN:1: expected a k4.public key"
verify --licenses server.lic --trusted-keys "no-keys-$RLO"
expect_safe_error 'cannot read trusted keys file no-keys-\u202e: No such file or directory'
run "$VERIFY" --appliance "$APPLIANCE" --licenses server.lic --now $'\e[31m2026-11-28\nUsers: 500'
expect_safe_error '--now: not an RFC 3339 time: "\x1b[31m2026-11-28\x0aUsers: 500"'
run "$VERIFY" --appliance $'00:1a\e[2J' --now "$NOW" --licenses server.lic
expect_safe_error "--appliance: invalid appliance ID: a control character at position 6"
# Command line errors (CLI11 quotes what was typed); the hint follows on a line of its own.
run "$VERIFY" --appliance "$APPLIANCE" --licenses server.lic --users $'\e[2J'
expect_rc 2 "--users with an escape sequence"
expect_err '\x1b[2J'
expect_terminal_safe err
expect_eq "$(wc -l <err)" 2 "(lines on stderr: the error and the --help hint)"
run "$VERIFY" --appliance "$APPLIANCE" --licenses server.lic $'--frob\u202e'
expect_rc 2 "an unknown option with a bidi override"
expect_err '--frob\u202e'
expect_terminal_safe err

pass
