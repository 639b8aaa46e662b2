#!/usr/bin/env bash
# ctest-name: keygen cli: untrusted text: C1 and bidi refused; ledger text and file names printed escaped
# ctest: needs=keygen,mint seconds=20
# Text that could disguise what a terminal shows never gets into a license, and never reaches
# the terminal raw: C1 controls and bidirectional overrides, isolates and marks are refused in
# --customer, --order, --issuer and batch fields; whatever the ledger holds (written by hand or
# by an older tool), and file names, are printed escaped in every line for people. JSON
# output stays JSON.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH"

ESC=$'\e'
RLO=$'\xe2\x80\xae' # U+202E RIGHT-TO-LEFT OVERRIDE
# raw_bytes_in FILE: whether FILE holds a C0 control other than a line break, DEL, a C1 control
# (as UTF-8) or a bidirectional formatting character, unescaped.
raw_bytes_in() {
  LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1"
}

# --- Refused where the desk types them (exit 2, nothing written), each named by its code point.
for pair in $'\xc2\x85|a control character (U+0085)' $'\xc2\x9b|a control character (U+009B)' \
  $'\xe2\x80\xae|a bidirectional formatting character (U+202E)' \
  $'\xe2\x80\xaa|a bidirectional formatting character (U+202A)' \
  $'\xe2\x81\xa6|a bidirectional formatting character (U+2066)' \
  $'\xe2\x81\xa9|a bidirectional formatting character (U+2069)' \
  $'\xe2\x80\x8e|a bidirectional formatting character (U+200E)' \
  $'\xe2\x80\x8f|a bidirectional formatting character (U+200F)' \
  $'\xd8\x9c|a bidirectional formatting character (U+061C)'; do
  c=${pair%%|*} named=${pair#*|}
  input_error "--customer contains $named, which could disguise what a terminal shows" \
    issue server --appliance vm-0001 --edition vm --customer "Acme${c}GmbH"
  input_error "--order contains $named" issue users --appliance "$A" --users 5 --order "SO-${c}1"
  input_error "issuer contains $named" issue server --appliance vm-0001 --edition vm --issuer "Vendor${c}"
  printf '[{"type":"server","appliance":"vm-0001","edition":"vm","customer":"Acme%sGmbH"}]' "$c" >orders.json
  input_error "order 1: customer contains $named" issue batch --orders orders.json
  printf '[{"type":"users","appliance":"%s","users":5,"order":"SO-%s1"}]' "$A" "$c" >orders.json
  input_error "order 1: order contains $named" issue batch --orders orders.json
  raw_bytes_in err && fail "an error message printed $named raw"
done
# Ordinary non-ASCII text is fine.
issued 1 issue server --appliance vm-0002 --edition vm --customer "Müller & Söhne ÖÄÜ 日本 ☎" --order "SO-Ω"

# --- What the ledger holds, printed escaped. A server license whose customer and order a hand
# edit (or an older tool) filled with terminal escapes, a forged line and an override.
evil_customer="Acme${ESC}[1;32m${RLO}HbmG"
evil_order=$'SO-1\nUsers:    500'
sqlite3 "$LEDGER" "INSERT INTO licenses (kind, appliance, edition, users, customer, order_ref, issued_at,
  issuer, key_id, token, chain_seq, chain_hash) VALUES ('server', '001A2B3C4D70', 'vm', 1, '$evil_customer',
  '$evil_order', '2024-06-01T12:00:00Z', 'seatkey', 'k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW',
  'v4.public.x', 900001, zeroblob(32)),
  ('server', '$ESC]0;owned$ESC\\', 'vm', 1, NULL, NULL, '2024-06-01T12:00:00Z', 'seatkey',
  'k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW', 'v4.public.y', 900002, zeroblob(32))"
keygen ledger list
expect_rc 0
raw_bytes_in out && fail "ledger list printed a control or bidirectional character raw"
expect_out 'Acme\x1b[1;32m\u202eHbmG'
expect_out 'SO-1\x0aUsers:'
expect_out '\x1b]0;owned\x1b\'
keygen ledger list --json
expect_rc 0
expect_out '"customer": "Acme\u001b[1;32m'"$RLO"'HbmG",' # JSON as it is: escaped where JSON escapes
keygen export --appliance 001A2B3C4D70
expect_rc 0
raw_bytes_in out && fail "export printed a control or bidirectional character raw"
expect_out '# server license 3: vm, 1 user included, customer "Acme\u001b[1;32m\u202eHbmG", order "SO-1\nUsers:    500", issued 2024-06-01T12:00:00Z'
# Packs without a customer would carry that customer: refused, named, until one is given.
keygen issue users --appliance 001A2B3C4D70 --users 5
expect_rc 2
expect_err "packs with no customer of their own carry the customer of server license 3, but its customer contains a control character: name the packs' customer"
raw_bytes_in err && fail "the refusal printed the customer raw"
issued 1 issue users --appliance 001A2B3C4D70 --users 5 --customer "Acme GmbH"
expect_err 'for appliance 001A2B3C4D70, customer "Acme GmbH"'

# --- File names from the command line, in errors and summaries.
evil_file="licenses${ESC}[2J${RLO}.db"
run env SEATKEY_KEY=dev.key "$KEYGEN" issue server --ledger "$evil_file" --appliance vm-0003 --edition vm
expect_rc 2
raw_bytes_in err && fail "an error printed a file name raw"
expect_err 'cannot open ledger licenses\x1b[2J\u202e.db: No such file or directory'
run "$KEYGEN" ledger init --ledger "$evil_file" --key dev.key --allow-development-key
expect_rc 0
raw_bytes_in err && fail "ledger init printed a file name raw"
expect_err 'created ledger licenses\x1b[2J\u202e.db (mode 0600'
run env SEATKEY_KEY=dev.key "$KEYGEN" issue server --ledger "$evil_file" --appliance vm-0003 --edition vm
expect_rc 0
raw_bytes_in err && fail "the issue summary printed a file name raw"
expect_err '1 token recorded in licenses\x1b[2J\u202e.db'
run "$KEYGEN" ledger list --ledger "$evil_file"
raw_bytes_in out && fail "ledger list printed a file name raw"
run "$KEYGEN" inspect "no${ESC}[31m-such-file"
expect_rc 2
raw_bytes_in err && fail "inspect printed a file name raw"
expect_err 'cannot read no\x1b[31m-such-file'
run "$KEYGEN" key new --out "new${ESC}[31m.key" --no-passphrase --public-out "new${RLO}.public"
expect_rc 0
raw_bytes_in err && fail "key new printed a file name raw"
expect_err 'wrote its public key file to new\u202e.public'

# --- inspect: the kid in a token's footer comes from outside too.
b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
forged="v4.public.$(head -c 100 /dev/zero | b64).$(printf '{"kid":"k4.pid.x\\u001b[2J\\u202e"}' | b64)"
run "$KEYGEN" inspect --public dev.public "$forged"
expect_rc 1
raw_bytes_in err && fail "inspect printed a footer kid raw"
expect_err 'NOT VERIFIED: unknown_key: footer kid k4.pid.x\x1b[2J\u202e is none of the keys in dev.public'

pass
