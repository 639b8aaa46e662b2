#!/usr/bin/env bash
# ctest: needs=verify,mint
# "-" reads standard input: --licenses - (e.g. seatkey-keygen export ... | seatkey-verify
# --licenses - ...), sources "stdin:LINE", and --appliance-file -. Standard input is bounded
# like a file (5 MiB, 10,000 licenses; 4096 bytes for an ID): an endless one is refused, never
# read to the end. Both at once is a usage error.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

expect_input_error() { # MESSAGE
  expect_rc 2 "$1"
  expect_err "seatkey-verify: $1"
  expect_no_out
}
# verify_t ARGS...: verify under a 20 s timeout, so reading an endless input fails the test
# instead of hanging CTest.
verify_t() { run timeout 20 "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" "$@"; }

# A license file as seatkey-keygen export writes it: comments, then tokens.
{
  echo "# appliance $APPLIANCE: compact, 8 users"
  echo "# server license 1001"
  mint "$(server_payload 1001 compact)"
  echo
  echo "# user pack 1002"
  mint "$(pack_payload 1002 5)"
  mint "$(pack_payload 1003 1 "$OTHER_APPLIANCE")"
} >export.lic

# --licenses - from a pipe, then from a redirected file: the same answer, sources stdin:LINE.
verify_t --licenses - --json < <(cat export.lic)
expect_rc 0 "a license file piped to --licenses -"
expect_out '"licensed_users": 8,'
expect_out '"source": "stdin:3",'
expect_out '"source": "stdin:6",'
expect_out '"source": "stdin:7",'
verify_t --licenses - <export.lic
expect_rc 0 "a license file redirected to --licenses -"
expect_out "Appliance 001A2B3C4D5E is licensed: Compact edition, 8 users (server license 1001)."
expect_out "  stdin:7: user pack 1003 (1 user): issued for appliance 0099AABBCCDD, not for this one (001A2B3C4D5E)."
# Duplicates name their first copy on stdin too.
verify_t --licenses - --json < <(cat export.lic export.lic)
expect_out "a copy of license 1002, already counted from stdin:6"

# Nothing on stdin: evaluated, not licensed.
verify_t --licenses - </dev/null
expect_rc 1 "an empty stdin"
expect_out "Licenses: none found in stdin."
# stdin closed: a clear error.
verify_t --licenses - <&-
expect_input_error "cannot read licenses from stdin: Bad file descriptor"

# Endless inputs stop at 5 MiB, whatever they hold; 10,001 licenses are refused too.
verify_t --licenses - </dev/zero
expect_input_error "the license set is over the 5 MiB limit (at stdin); refusing all of it"
verify_t --licenses - < <(yes "v4.public.x")
expect_input_error "the license set is over the 5 MiB limit (at stdin); refusing all of it"
verify_t --licenses - < <(yes "v4.public.x" | head -n 10001)
expect_input_error "the license set holds over 10,000 licenses (at stdin:10001); refusing all of it"
verify_t --licenses - --json < <(yes "v4.public.x" | head -n 10000)
expect_rc 1 "10,000 malformed licenses on stdin"
expect_eq "$(grep -c '"reason": "malformed",' out)" 10000 "(malformed licenses)"

# --appliance-file -: the ID on stdin, trailing whitespace ignored.
mint "$(server_payload 1001 compact)" >server.lic
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file - < <(printf '00:1a:2b:3c:4d:5e\r\n')
expect_rc 0 "the appliance ID piped to --appliance-file -"
expect_out "Appliance 001A2B3C4D5E is licensed"
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file - </dev/null
expect_input_error "stdin (--appliance-file -): invalid appliance ID: 0 characters"
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file - </dev/zero
expect_input_error "stdin (--appliance-file -) is over 4096 bytes: not an appliance ID"
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file - <&-
expect_input_error "cannot read the appliance ID from stdin: Bad file descriptor"

# Both from stdin: a usage error, before anything is read.
run timeout 20 "$VERIFY" --now "$NOW" --appliance-file - --licenses - <export.lic
expect_input_error "--appliance-file - and --licenses - cannot both read standard input"
expect_err "Run with --help for more information."

pass
