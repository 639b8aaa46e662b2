#!/usr/bin/env bash
# ctest-name: keygen cli: FIFOs and devices as key, passphrase, orders and inspect files: an error, never a hang
# ctest: needs=keygen,mint seconds=10
# Every file seatkey-keygen reads may be a FIFO (or a device) where a file was expected: a clear
# error at once, never a hang (each command runs under `timeout 5`: exit 124 would be a hang).
# `--orders -` and `inspect -` still read standard input, a pipe or a FIFO alike.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
issued 1 issue server --appliance "$A" --edition vm
token=$(cat out)
printf 'fifo test passphrase\n' >pw.txt && chmod 600 pw.txt
run "$KEYGEN" key new --out pw.key --passphrase-file pw.txt --insecure-fast-kdf
expect_rc 0
mkfifo fifo
chmod 600 fifo
before=$(ledger_dump)

# fifo_error MESSAGE ARGS...: seatkey-keygen ARGS ends within 5 s with exit 2 and MESSAGE.
fifo_error() {
  local message=$1
  shift
  run timeout 5 env SEATKEY_LEDGER="$LEDGER" "$KEYGEN" "$@" </dev/null
  [ "$RC" -ne 124 ] || fail "seatkey-keygen $* hung on a FIFO"
  expect_rc 2 "$*"
  expect_err "$message"
  expect_no_out
  [ "$(ledger_dump)" = "$before" ] || fail "the ledger changed: $*"
}

fifo_error "cannot read key file fifo: not a regular file (a FIFO)" issue users --key fifo --appliance "$A" --users 5
fifo_error "cannot read key file fifo: not a regular file (a FIFO)" key public --key fifo
fifo_error "cannot read key file fifo: not a regular file (a FIFO)" ledger init --ledger new.db --key fifo
fifo_error "cannot read key file fifo: not a regular file (a FIFO)" ledger add-key --key fifo
fifo_error "cannot read passphrase file fifo: not a regular file (a FIFO)" \
  issue users --key pw.key --passphrase-file fifo --appliance "$A" --users 5
fifo_error "cannot read passphrase file fifo: not a regular file (a FIFO)" key public --key pw.key --passphrase-file fifo
fifo_error "cannot read passphrase file fifo: not a regular file (a FIFO)" key new --out new.key --passphrase-file fifo
[ ! -e new.key ] || fail "key new wrote a key"
fifo_error "cannot read orders file fifo: not a regular file (a FIFO)" issue batch --key dev.key --orders fifo
fifo_error "cannot read fifo: not a regular file (a FIFO)" inspect fifo
fifo_error "cannot read public key file fifo: not a regular file (a FIFO)" inspect --public fifo "$token"
fifo_error "ledger fifo is not a regular file" issue users --key dev.key --ledger fifo --appliance "$A" --users 5
fifo_error "ledger fifo is not a regular file" ledger list --ledger fifo
fifo_error "/dev/zero: not a regular file (a device)" issue users --key /dev/zero --appliance "$A" --users 5

# '-' is standard input: a pipe, or a FIFO with a writer.
printf '[{"type":"users","appliance":"%s","users":5}]' "$A" >orders.json
run timeout 5 env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue batch --orders - <orders.json
expect_rc 0 "issue batch --orders - from a file"
cat orders.json >fifo &
run timeout 5 env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue batch --orders - <fifo
wait
expect_rc 0 "issue batch --orders - from a FIFO"
expect_eq "$(grep -c '^v4\.public\.' out)" 1
printf '%s\n' "$token" >fifo &
run timeout 5 "$KEYGEN" inspect --public dev.public - <fifo
wait
expect_rc 0 "inspect - from a FIFO"
expect_out '"verified": true'
run timeout 5 "$KEYGEN" inspect - < <(printf '%s\n' "$token")
expect_rc 0 "inspect - from a pipe"

pass
