#!/usr/bin/env bash
# ctest-name: keygen cli: interop: every issued token verifies with the npm paseto package
# ctest: needs=keygen,mint,interop seconds=60
# Every token seatkey-keygen issues verifies with an independent PASETO v4 implementation,
# the npm `paseto` package run by Node, given only the k4.public key (tests/interop/verify.js).
# Expects NODE, NPM, INTEROP_SOURCE (tests/interop) and INTEROP_DIR (in the build directory).
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"

npm_ci "$INTEROP_SOURCE" "$INTEROP_DIR" paseto
cp "$INTEROP_SOURCE/verify.js" "$INTEROP_DIR/verify.js"

# Tokens of every kind and optional claim, from the development key and from a fresh
# passphrase-protected key.
dev_key
init_ledger
issued 1 issue server --appliance "$A" --edition free --customer "Müller & Söhne \"Telefon\" KG"
cat out >>dev-tokens.txt
issued 1 issue server --appliance "$A" --edition compact --order SO-1 --updates-until 2030-12-31T23:59:59Z
cat out >>dev-tokens.txt
issued 3 issue users --appliance "$A" --users 5 --count 3 --expires 2099-01-01T00:00:00Z \
  --issuer "Example PBX Vendor"
cat out >>dev-tokens.txt
issued 1 issue users --appliance "$A" --users 1
cat out >>dev-tokens.txt
issued 1 issue standby --appliance 00:1a:2b:3c:4d:5f --primary "$A" --order SO-3
cat out >>dev-tokens.txt
cat >orders.json <<'JSON'
[{"type": "server", "appliance": "vm-0042", "edition": "vm", "customer": "Acme", "expires": "2099-06-30T12:00:00Z"},
 {"type": "users", "appliance": "vm-0042", "users": 5, "count": 20},
 {"type": "server", "appliance": "hw-appliance-9", "edition": "appliance", "order": "SO-9"},
 {"type": "server", "appliance": "vm-0042", "edition": "vm", "replace": true}]
JSON
issued 23 issue batch --orders orders.json
cat out >>dev-tokens.txt
# A revocation list: no appliance, seq, the revoked serials.
keygen void 3 4 --reason "interop"
expect_rc 0
issued 1 revocations issue
cat out >>dev-tokens.txt
run "$KEYGEN" export --ledger "$LEDGER" --appliance "$A"
cp out exported.lic

run "$NODE" "$INTEROP_DIR/verify.js" dev.public dev-tokens.txt
expect_rc 0 "node verify.js (development key)"
expect_out "interop: 31 tokens verified"
run "$NODE" "$INTEROP_DIR/verify.js" dev.public exported.lic
expect_rc 0 "node verify.js (exported license file)"
sqlite3 "$LEDGER" "SELECT token FROM licenses" >all.txt
run "$NODE" "$INTEROP_DIR/verify.js" dev.public all.txt
expect_rc 0 "node verify.js (the whole ledger)"
expect_out "interop: 31 tokens verified with paseto@3.1.4 (kid k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW)"

printf 'interop test passphrase\n' >pw.txt && chmod 600 pw.txt
run "$KEYGEN" key new --out vendor.key --passphrase-file pw.txt --insecure-fast-kdf --public-out vendor.public
expect_rc 0
run "$KEYGEN" ledger init --key vendor.key --passphrase-file pw.txt --ledger vendor.db
expect_rc 0
run "$KEYGEN" issue server --key vendor.key --passphrase-file pw.txt --ledger vendor.db --appliance "$A" \
  --edition vm
expect_rc 0
cp out vendor-tokens.txt
run "$KEYGEN" issue users --key vendor.key --passphrase-file pw.txt --ledger vendor.db --appliance "$A" \
  --users 5 --count 5
expect_rc 0
cat out >>vendor-tokens.txt
run "$NODE" "$INTEROP_DIR/verify.js" vendor.public vendor-tokens.txt
expect_rc 0 "node verify.js (new k4.secret-pw key)"
expect_out "interop: 6 tokens verified"

# The independent check does fail: a token under another key, and a tampered token.
run "$NODE" "$INTEROP_DIR/verify.js" vendor.public dev-tokens.txt
expect_rc 1
head -1 dev-tokens.txt | sed 's/^\(v4\.public\.\)./\1A/' >tampered.txt
run "$NODE" "$INTEROP_DIR/verify.js" dev.public tampered.txt
expect_rc 1
expect_err "does not verify"

pass
