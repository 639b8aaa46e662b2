#!/usr/bin/env bash
# ctest: needs=verify,mint
# seatkey-verify request: the offline activation request (docs/format.md, "Activation
# requests"): one line of SKR1 and 0-9 A-Z -, carrying the ID, the codes and the time exactly as
# the documented example does; a code's typo named by its group before anything is sent; usage
# errors. The docs' Python reference prints the documented example.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

CODE=NN47G-3VN9Z-F5J9P-YFBEM
CODE2=QVHV9-6YBWG-T9HEC-1HN6Y
EXAMPLE=SKR1-20038-NKRKA-Y3BA8-E7QAJ-YB4KW-YPW1N-GN9H0-04HMA-SW9EN-26S

# The docs' reference implementation gives the docs' example.
awk '$0 == "```python" { on = 1; next } on && $0 == "```" { exit } on' "$SOURCE_DIR/docs/format.md" >reference.py
run python3 reference.py
expect_rc 0 "docs/format.md's Python"
expect_eq "$(cat out)" "$EXAMPLE" "(docs/format.md's Python)"
grep -qF "    $EXAMPLE" "$SOURCE_DIR/docs/format.md" || fail "docs/format.md does not show the example request"

# The same appliance, code and time as the example: everything up to the nonce is the same.
run "$VERIFY" request --appliance 00:1a:2b:3c:4d:5e --code "$CODE" --now "$NOW"
expect_rc 0 "a request"
[ ! -s err ] || fail "a request wrote to stderr"
[ "$(wc -l <out)" -eq 1 ] || fail "a request is one line"
request=$(cat out)
[ "${#request}" -eq 62 ] || fail "a MAC address and one code: 62 characters, not ${#request}"
[[ $request =~ ^SKR1(-[0-9A-HJKMNP-TV-Z]{5})+(-[0-9A-HJKMNP-TV-Z]{1,5})?$ ]] || fail "not SKR1 and groups: $request"
case $request in SKR1-20038-NKRKA-Y3BA8-E7QAJ-YB4KW-YPW1N-GN9H0-*) ;; *) fail "the ID, code or time differ from the example: $request" ;; esac
run "$VERIFY" request --appliance 00:1a:2b:3c:4d:5e --code "$CODE" --now "$NOW"
[ "$(cat out)" != "$request" ] || fail "two requests have the same nonce"

# Forgiving codes, several of them, none, and the ID from a file or standard input.
echo "$APPLIANCE" >id
run "$VERIFY" request --appliance-file id --code "nn47g 3vn9z f5j9p yfbem" --code "$CODE2" --now "$NOW"
expect_rc 0 "two codes, one typed forgivingly"
expect_out "SKR1-20038-NKRKA-Y5"
run "$VERIFY" request --appliance-file - --now "$NOW" <id
expect_rc 0 "no code, the ID from stdin"
[[ $(cat out) =~ ^SKR1-20038-NKRKA-Y[0-9A-Z-]+$ ]] || fail "no code: $(cat out)"
echo 0123456789abcdef0123456789abcdef >machine-id
run "$VERIFY" request --appliance-file machine-id --code "$CODE"
expect_rc 0 "a machine-id and the system clock"
[ "$(wc -c <out)" -eq 82 ] || fail "a machine-id and one code: 81 characters and a newline, not $(wc -c <out)"

# A typo is named by its group, before anything is printed.
run "$VERIFY" request --appliance "$APPLIANCE" --code "$CODE" --code QVHV9-6YBWG-T9HCE-1HN6Y
expect_rc 2 "a typo"
expect_no_out
expect_err "seatkey-verify: code 2: group 3 (T9HCE) has a typo: compare it with the code as printed"
run "$VERIFY" request --appliance "$APPLIANCE" --code NN47G-3VN9Z-F5J9P
expect_rc 2 "a short code"
expect_err "seatkey-verify: code 1: an activation code has 20 symbols (4 groups of 5), not 15"
run "$VERIFY" request --appliance "$APPLIANCE" --code "$(printf 'NN47G-3VN9Z-F5J9P-YFB\033[1m')"
expect_rc 2 "an escape in a code"
expect_err "seatkey-verify: code 1: a byte 0x1B (in group 4) is not in any activation code"
run "$VERIFY" request --appliance "$APPLIANCE" --code "$CODE" --code "$CODE"
expect_rc 2 "a code twice"
expect_err "seatkey-verify: code 2 is code 1 again"
# shellcheck disable=SC2046
run "$VERIFY" request --appliance "$APPLIANCE" $(for _ in 1 2 3 4 5 6 7 8 9; do printf -- '--code %s ' "$CODE"; done)
expect_rc 2 "nine codes"
expect_err "seatkey-verify: an activation request carries at most 8 codes, not 9"

# Usage errors.
run "$VERIFY" request --code "$CODE"
expect_rc 2 "no appliance"
expect_err "seatkey-verify: give this appliance's ID with --appliance ID or --appliance-file F"
run "$VERIFY" request --appliance "00 1a"
expect_rc 2 "a bad appliance ID"
expect_err "seatkey-verify: --appliance: invalid appliance ID: a space at position 3"
run "$VERIFY" request --appliance "$APPLIANCE" --appliance-file id
expect_rc 2 "--appliance and --appliance-file"
expect_err "excludes"
mkfifo fifo
run timeout 10 "$VERIFY" request --appliance-file fifo
expect_rc 2 "a FIFO as the appliance file is refused at once"
expect_err "seatkey-verify: cannot read appliance file fifo: not a regular file (a FIFO)"
run "$VERIFY" request --appliance "$APPLIANCE" --now yesterday
expect_rc 2 "a bad --now"
expect_err "seatkey-verify: --now: "
run "$VERIFY" request --appliance "$APPLIANCE" --now 1969-12-31T23:59:59Z
expect_rc 2 "a time before 1970"
expect_err "seatkey-verify: an activation request cannot carry a time before 1970-01-01T00:00:00Z"
run "$VERIFY" --json request --appliance "$APPLIANCE"
expect_rc 2 "a boot check option before the subcommand"
expect_err "seatkey-verify: --json: an option of the boot check, not of request: give the options after \"request\""
run "$VERIFY" request --appliance "$APPLIANCE" --licenses x
expect_rc 2 "a boot check option after the subcommand"
expect_err "--licenses"
run "$VERIFY" request --help
expect_rc 0 "request --help"
expect_out "--code CODE"
expect_out "seatkey-verify request --appliance-file /etc/machine-id --code"
help_code=$(grep -oE -- '--code [0-9A-Z-]{23}' out | head -1 | cut -d' ' -f2)
run "$VERIFY" request --appliance "$APPLIANCE" --code "$help_code"
expect_rc 0 "the code in --help's example is a valid code"

pass
