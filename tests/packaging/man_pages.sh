#!/usr/bin/env bash
# man/seatkey-verify.1 and man/seatkey-keygen.1: render without warnings, and name every
# option and subcommand that the programs' --help shows.
. "$SOURCE_DIR/tests/packaging/lib.sh"

MAN_DIR="$SOURCE_DIR/man"

# The options (--name) in a help text on stdin, one per line.
options() { grep -oE -- '--[a-z][a-z-]*' | sort -u; }
# expect_in_man PAGE WORD...: each word appears in the page's source ('\-' read as '-').
expect_in_man() {
  local page=$1
  shift
  sed 's/\\-/-/g' "$MAN_DIR/$page" >page.txt
  for w in "$@"; do
    grep -qF -- "$w" page.txt || fail "$page does not mention $w"
  done
}

if command -v man >/dev/null 2>&1; then
  for page in seatkey-verify.1 seatkey-keygen.1; do
    run env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$MAN_DIR/$page"
    expect_rc 0 "man -l $page"
    [ ! -s err ] || fail "man --warnings reports problems in $page"
    grep -q "^NAME" out || fail "$page has no NAME section"
  done
else
  echo "note: man is not installed; only checking that the pages name every option"
fi

run "$VERIFY" --help
expect_rc 0
# shellcheck disable=SC2046
expect_in_man seatkey-verify.1 $(options <out) "EXIT STATUS"
# A firmware build has no --trusted-keys; the page says so.
expect_in_man seatkey-verify.1 --trusted-keys SEATKEY_FIRMWARE

for cmd in "" "key" "key new" "key public" "issue" "issue server" "issue users" "issue batch" "export" \
  "ledger" "ledger list" "ledger init" "ledger add-key" "inspect"; do
  # shellcheck disable=SC2086
  run "$KEYGEN" $cmd --help
  expect_rc 0 "seatkey-keygen $cmd --help"
  # shellcheck disable=SC2046
  expect_in_man seatkey-keygen.1 $(options <out)
  [ -z "$cmd" ] || expect_in_man seatkey-keygen.1 "seatkey-keygen $cmd"
done
expect_in_man seatkey-keygen.1 SEATKEY_KEY SEATKEY_LEDGER SEATKEY_PASSPHRASE SEATKEY_ISSUER "EXIT STATUS"

pass
