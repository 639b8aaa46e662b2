#!/usr/bin/env bash
# ctest-name: hostile: batch orders - hostile JSON is an input error naming the order, nothing written
# ctest: needs=keygen,verify,mint seconds=30
# seatkey-keygen on hostile batch orders files and inspect inputs: empty, binary, NUL bytes,
# CRLF, deep nesting, huge and negative numbers, wrong types, duplicated keys, IDs with spaces
# and non-ASCII, endless streams (/dev/zero) and files over 16 MiB. Each is an input error
# (exit 2) with a clear message, nothing on stdout, the ledger unchanged; nothing crashes and
# nothing reads without bound.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
issued 1 issue server --appliance "$A" --edition vm

# bad_orders MESSAGE: `issue batch --orders orders.json` is an input error saying MESSAGE.
bad_orders() { input_error "$1" issue batch --orders orders.json; }
pack() { printf '[{"type":"users","appliance":"001A2B3C4D5E","users":5%s}]' "${1:-}"; }

: >orders.json
bad_orders "orders file is not valid JSON"
printf '\x00\x01\xff\xfe' >orders.json
bad_orders "orders file is not valid JSON: a NUL byte at offset 0"
{ pack; printf '\0'; } >orders.json
bad_orders "orders file is not valid JSON: a NUL byte at offset 55"
{ pack; printf '\0'; pack ',"count":100'; } >orders.json
bad_orders "orders file is not valid JSON: a NUL byte at offset 55"
pack ',"customer":"'$'\xff''"' >orders.json
bad_orders "orders file is not valid JSON"
python3 -c 'print("[" * 100000 + "]" * 100000)' >orders.json
bad_orders "orders file nests too deeply"
pack ",\"x\":$(printf '%.0s[' {1..50})$(printf '%.0s]' {1..50})" >orders.json
bad_orders "orders file nests too deeply"
for count in 1e999 -1e999; do
  pack ",\"count\":$count" >orders.json
  bad_orders "orders file is not valid JSON: a number is too large to read"
done
for count in 9223372036854775807 9223372036854775808; do
  pack ",\"count\":$count" >orders.json
  bad_orders 'order 1: field "count" is out of range'
done
for count in -1 0 10001; do
  pack ",\"count\":$count" >orders.json
  bad_orders "order 1: count must be 1 to 10000"
done
for count in 2.0 1e1 0.5 18446744073709551621; do # the last one parses as a double
  pack ",\"count\":$count" >orders.json
  bad_orders 'order 1: field "count" must be a whole number, not a fraction'
done
printf '[{"type":"users","appliance":"001A2B3C4D5E","users":"5"}]' >orders.json
bad_orders 'order 1: field "users" must be a whole number, not string'
printf '[{"type":"users","appliance":"001A2B3C4D5E","users":5.0}]' >orders.json
bad_orders 'order 1: field "users" must be a whole number, not a fraction'
pack ',"users":1' >orders.json
bad_orders 'order 1: duplicated key "users"'
printf '[{"type":"users","appliance":"001A2B3C4D5E","users":5,"x":{"a":1,"a":2}}]' >orders.json
bad_orders 'order 1: duplicated key "a"'
printf '[{"type":"users","appliance":"001A 2B3C4D5E","users":5}]' >orders.json
bad_orders 'order 1: invalid appliance ID "001A 2B3C4D5E": invalid appliance ID: a space at position 5'
printf '[{"type":"users","appliance":"001A2B3C4D5É","users":5}]' >orders.json
bad_orders 'order 1: invalid appliance ID "001A2B3C4D5É": invalid appliance ID: a non-ASCII byte at position 12'
pack ',"customer":"Ac\u0000me"' >orders.json
bad_orders "order 1: customer contains a control character"
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >orders.json
bad_orders "the orders file is larger than 16 MiB"
# A device is refused unread; an endless stream on stdin is read up to the limit, not into
# memory without bound.
input_error "cannot read orders file /dev/zero: not a regular file (a device)" issue batch --orders /dev/zero
run env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue batch --orders - </dev/zero
expect_rc 2 "issue batch --orders - from /dev/zero"
expect_err "the orders file is larger than 16 MiB"
expect_no_out

# CRLF line ends are plain JSON whitespace: the batch is issued.
printf '[{"type":"users",\r\n "appliance":"001A2B3C4D5E",\r\n "users":5}]\r\n' >orders.json
issued 1 issue batch --orders orders.json

# inspect refuses a device and reads at most 16 MiB of a file or stdin.
keygen inspect /dev/zero
expect_rc 2 "inspect /dev/zero"
expect_err "cannot read /dev/zero: not a regular file (a device)"
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >huge.lic
keygen inspect huge.lic
expect_rc 2 "inspect of a file over 16 MiB"
expect_err "huge.lic is larger than 16 MiB: not a license file"
run "$KEYGEN" inspect - </dev/zero
expect_rc 2 "inspect - from /dev/zero"
expect_err "stdin is larger than 16 MiB: not a license file"
printf '\x00\x01\xff\n' >binary.lic
keygen inspect binary.lic
expect_rc 2 "inspect of a binary file"
expect_err "binary.lic:1: malformed: not a v4.public token"

pass
