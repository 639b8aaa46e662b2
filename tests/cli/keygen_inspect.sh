#!/usr/bin/env bash
# ctest-name: keygen cli: inspect: vectors 4-S-1/4-S-2 verify, 4-F-4/4-F-5 exit 1
# ctest: needs=keygen,mint seconds=10
# inspect: decodes any token (marked UNVERIFIED); with --public the verdict: the official
# vectors 4-S-1 and 4-S-2 verify, 4-F-4 and 4-F-5 exit 1; tampered or foreign tokens exit 1.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
VECTORS="$VECTORS_DIR/paseto/v4.json"   # VECTORS_DIR: tests/vectors, set by CMake

# vector NAME FIELD: a string field of one test vector (the file is pretty-printed JSON).
vector() {
  awk -v name="\"name\": \"$1\"," -v field="\"$2\": \"" '
    index($0, name) { inside = 1; next }
    inside && index($0, "\"name\": ") { exit }
    inside && index($0, field) { s = $0; sub(/^[^:]*: "/, "", s); sub(/",?[ \t]*$/, "", s); print s; exit }
  ' "$VECTORS"
}
# hex_to_k4_public HEX: the k4.public PASERK of a 32-byte Ed25519 public key.
hex_to_k4_public() {
  printf 'k4.public.%s\n' "$(printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
}

pk=$(vector 4-S-1 public-key)
[ ${#pk} -eq 64 ] || fail "cannot read 4-S-1's public key from $VECTORS"
hex_to_k4_public "$pk" >vector.public

for name in 4-S-1 4-S-2; do
  token=$(vector "$name" token)
  run "$KEYGEN" inspect --public vector.public "$token"
  expect_rc 0 "inspect --public $name"
  expect_out '"verified": true'
  expect_out '"data": "this is a signed message"'
  expect_out '"exp": "2022-01-01T00:00:00+00:00"'
  expect_out_lacks "UNVERIFIED"
  # Without --public: decoded, marked unverified.
  run "$KEYGEN" inspect "$token"
  expect_rc 0
  expect_out '"verified": false'
  expect_out 'UNVERIFIED'
  expect_out '"data": "this is a signed message"'
done
run "$KEYGEN" inspect --public vector.public "$(vector 4-S-2 token)"
expect_out '"kid": "zVhMiPBP9fRf2snEcT7gFTioeA9COcNy9DfgL1W60haN"'

for name in 4-F-4 4-F-5; do
  token=$(vector "$name" token)
  [ -n "$token" ] || fail "cannot read $name"
  run "$KEYGEN" inspect --public vector.public "$token"
  expect_rc 1 "inspect --public $name"
  expect_err "NOT VERIFIED: malformed: not a v4.public token"
  expect_out '"verified": false'
  # Without --public an undecodable token is an input error.
  run "$KEYGEN" inspect "$token"
  expect_rc 2
  expect_err "not a v4.public token"
done

# Our own tokens: verified with the right key; tampered, foreign-key and wrong-key tokens fail.
dev_key
init_ledger
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH"
good=$(cat out)
run "$KEYGEN" inspect --public dev.public "$good"
expect_rc 0
expect_out '"key": "k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW"'
expect_out '"license_claims": "valid"'
expect_out '"appliance": "001A2B3C4D5E"'
body=${good#v4.public.}
body=${body%%.*}
footer=${good##*.}
flipped=$(printf '%s' "${body:10:1}" | tr 'A-Za-z0-9_-' 'B-ZAb-za1-90-_')
tampered="v4.public.${body:0:10}${flipped}${body:11}.$footer"
run "$KEYGEN" inspect --public dev.public "$tampered"
expect_rc 1
expect_err "bad_signature"
run "$KEYGEN" key new --out other.key --no-passphrase
cp out other.public
run "$KEYGEN" inspect --public other.public "$good"
expect_rc 1
expect_err "unknown_key: footer kid k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW is none of the keys in other.public"
run "$KEYGEN" inspect --public dev.public "$(vector 4-S-1 token)"
expect_rc 1
expect_err "bad_signature"

# A file of tokens (comments allowed): an array, one verdict each; one bad token fails it all.
{ echo "# two tokens"; echo "$good"; echo; echo "$tampered"; } >two.lic
run "$KEYGEN" inspect --public dev.public two.lic
expect_rc 1
expect_out '"source": "two.lic:2"'
expect_out '"source": "two.lic:4"'
expect_err "two.lic:4: NOT VERIFIED: bad_signature"
expect_eq "$(grep -c '"verified": true' out)" 1
run "$KEYGEN" inspect --public dev.public - <<<"$good"
expect_rc 0

# Input errors.
run "$KEYGEN" inspect no-such-file
expect_rc 2
expect_err "cannot read no-such-file: No such file or directory (neither a token nor a readable file)"
run "$KEYGEN" inspect --public dev.key "$good"
expect_rc 2
expect_err "this is a secret key (k4.secret); give its k4.public key instead"
run "$KEYGEN" inspect --public missing.public "$good"
expect_rc 2

# A license over 4 KiB is malformed once its claims say it is a license; a revocation list of
# that size is fine (up to 1 MiB).
padding=$(head -c 5000 /dev/zero | tr '\0' 'x')
big_pack=$("$MINT" --key "$SOURCE_DIR/keys/development.secret" \
  '{"iss":"v","jti":"7","iat":"2026-11-01T09:00:00Z","kind":"users","appliance":"001A2B3C4D5E","users":5,"note":"'"$padding"'"}')
big_list=$("$MINT" --key "$SOURCE_DIR/keys/development.secret" \
  '{"iss":"v","jti":"8","iat":"2026-11-01T09:00:00Z","kind":"revocation","seq":1,"revoked":["7"],"note":"'"$padding"'"}')
cp "$SOURCE_DIR/keys/development.public" dev.public
run "$KEYGEN" inspect --public dev.public "$big_pack"
expect_rc 1 "a 6 KiB license"
expect_err "token: NOT VERIFIED: malformed: token is ${#big_pack} bytes, over the 4096-byte limit of a license (only a revocation list may be larger)"
run "$KEYGEN" inspect --public dev.public "$big_list"
expect_rc 0 "a 6 KiB revocation list"
expect_out '"verified": true'
expect_out '"license_claims": "valid"'
run "$KEYGEN" inspect "$big_pack"
expect_rc 2 "a 6 KiB license without --public"
expect_err "token: malformed: token is ${#big_pack} bytes"

pass
