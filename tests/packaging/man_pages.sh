#!/usr/bin/env bash
# ctest-name: packaging: man pages - render without warnings and list every --help option
# ctest: needs=packaging seconds=25
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
# --help's example is the man page's, and the README and docs use the same paths.
help_example=$(sed -n '/^Example:$/{n;s/^ *//;p;q}' out)
[ -n "$help_example" ] || fail "seatkey-verify --help shows no example"
expect_in_man seatkey-verify.1 "$help_example"
# The subcommands: the page names each, its options and its example.
for cmd in request install; do
  run "$VERIFY" "$cmd" --help
  expect_rc 0 "seatkey-verify $cmd --help"
  # shellcheck disable=SC2046
  expect_in_man seatkey-verify.1 "seatkey-verify $cmd" $(options <out)
  help_example=$(sed -n '/^Example:$/{n;s/^ *//;p;q}' out)
  [ -n "$help_example" ] || fail "seatkey-verify $cmd --help shows no example"
  expect_in_man seatkey-verify.1 "$help_example"
done
for doc in "$SOURCE_DIR"/README.md "$SOURCE_DIR"/docs/*.md "$MAN_DIR"/*.1; do
  sed 's/\\-/-/g' "$doc" | grep -oE -- '--(appliance-file|licenses) /[^ `]+' | while read -r option path; do
    case "$option $path" in
      "--appliance-file /etc/machine-id" | "--licenses /etc/seatkey/licenses") ;;
      *) fail "$doc: $option $path (the examples use --appliance-file /etc/machine-id --licenses /etc/seatkey/licenses)" ;;
    esac
  done || exit 1
done
# A firmware build has no --trusted-keys; the page says so.
expect_in_man seatkey-verify.1 --trusted-keys SEATKEY_FIRMWARE

if [ -z "${KEYGEN:-}" ]; then
  # A verifier-only build (SEATKEY_KEYGEN=OFF) has no seatkey-keygen to compare its page with.
  echo "note: built with SEATKEY_KEYGEN=OFF: seatkey-keygen(1) is not compared with its --help"
  pass
fi
for cmd in "" "key" "key new" "key public" "issue" "issue server" "issue users" "issue batch" "export" \
  "void" "transfer" "revocations" "revocations issue" "revocations list" "ledger" "ledger list" "ledger show" \
  "ledger verify" "ledger head" "ledger migrate" "ledger backup" "ledger copy" "ledger init" "ledger add-key" "report" \
  "inspect" "token" "token create" "token list" "token revoke" "code" "code new" "code list" "code show" \
  "code redeem" "code void"; do
  # shellcheck disable=SC2086
  run "$KEYGEN" $cmd --help
  expect_rc 0 "seatkey-keygen $cmd --help"
  # shellcheck disable=SC2046
  expect_in_man seatkey-keygen.1 $(options <out)
  [ -z "$cmd" ] || expect_in_man seatkey-keygen.1 "seatkey-keygen $cmd"
done
expect_in_man seatkey-keygen.1 SEATKEY_KEY SEATKEY_LEDGER SEATKEY_PASSPHRASE SEATKEY_ISSUER "EXIT STATUS"

pass
