#!/usr/bin/env bash
# ctest-name: packaging: firmware build with a built-in revocation list - a bad list fails the build, a good one survives deleting its file
# ctest: needs=packaging seconds=60 lock=seatkey_nested_build
# A firmware build with a revocation list built in (-DSEATKEY_REVOCATIONS=FILE): a list that
# does not verify against SEATKEY_TRUSTED_KEYS (another key, a damaged signature, a license
# instead of a list, two tokens, a missing file) fails the build naming the problem; a valid
# one is built in and keeps revoking after the list's file is deleted; a newer list in the
# license folder replaces it, an older one does not, and what the built-in one names stays
# revoked under any newer list (a floor).
. "$SOURCE_DIR/tests/packaging/lib.sh"

[ "$SANITIZE" = ON ] && skip "the firmware build is configured from scratch, independent of this" \
  "sanitizer build's flags; the normal build runs this test"

# This test's vendor key (a production key to the firmware build) and its licenses.
"$MINT" --new-key fw.key >fw.public || fail "seatkey-test-mint --new-key"
list_payload() { # SERIAL SEQ REVOKED-JSON-ARRAY
  printf '{"iss":"Example PBX Vendor","jti":"%s","iat":"2026-11-20T09:00:00Z","kind":"revocation","seq":%s,"revoked":%s}' \
    "$1" "$2" "$3"
}
mkdir licenses
mint --key fw.key "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" "$(pack_payload 1003 5)" \
  >licenses/acme.lic
mint --key fw.key "$(list_payload 2001 1 '["1003"]')" >revocations.lic

# configure LIST: (re)configures the firmware build with SEATKEY_REVOCATIONS=LIST.
configure() {
  run "$CMAKE" -S "$SOURCE_DIR" -B fw -G Ninja -DSEATKEY_FIRMWARE=ON "-DSEATKEY_TRUSTED_KEYS=$PWD/fw.public" \
    "-DSEATKEY_REVOCATIONS=$1" -DSEATKEY_BUILD_TIME=2026-11-25T00:00:00Z -DSEATKEY_KEYGEN=OFF \
    -DSEATKEY_BUILD_TESTS=OFF -DSEATKEY_BUILD_BENCH=OFF "${TARGET_CMAKE_ARGS[@]}" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DCMAKE_C_FLAGS_DEBUG=-O0
}
build() { run "$CMAKE" --build fw --target seatkey-verify -j 2; }
# build_fails LIST MESSAGE: the build with LIST stops, saying MESSAGE.
build_fails() {
  configure "$1"
  expect_rc 0 "configuring with $1"
  build
  expect_rc 1 "building with $1"
  grep -qF -- "SEATKEY_REVOCATIONS: $2" out || {
    cat out >&2
    fail "the build output lacks: SEATKEY_REVOCATIONS: $2"
  }
  [ ! -e fw/verifier/seatkey-verify ] || fail "seatkey-verify was built with $1"
}

# --- Lists the verifier would reject fail the build --------------------------------------------
mint "$(list_payload 2001 1 '["1003"]')" >dev-signed.lic # the development key: not trusted here
build_fails "$PWD/dev-signed.lic" "$PWD/dev-signed.lic:1: signed by a key that SEATKEY_TRUSTED_KEYS does not hold ($(mint --kid))"
python3 - "$(cat revocations.lic)" >damaged.lic <<'PY'
import sys
t = sys.argv[1]
i = t.index(".", len("v4.public.")) - 10  # inside the signature
print(t[:i] + ("A" if t[i] != "A" else "B") + t[i + 1:])
PY
build_fails "$PWD/damaged.lic" "$PWD/damaged.lic:1: the signature does not match"
mint --key fw.key "$(pack_payload 1009 1)" >a-pack.lic
build_fails "$PWD/a-pack.lic" "$PWD/a-pack.lic:1: a user pack, not a revocation list"
{
  echo "# two lists"
  cat revocations.lic revocations.lic
} >two.lic
build_fails "$PWD/two.lic" "$PWD/two.lic holds 2 tokens: it must hold exactly one revocation token"
mint --key fw.key '{"iss":"V","jti":"2009","iat":"2026-11-20T09:00:00Z","kind":"revocation","seq":0,"revoked":[]}' >seq0.lic
build_fails "$PWD/seq0.lic" "$PWD/seq0.lic:1: invalid claims: "
configure "$PWD/missing.lic"
expect_rc 1 "configuring with a missing list"
# CMake wraps long messages: compared with every run of spaces and newlines as one space.
tr -s ' \n' '  ' <err | grep -qF "SEATKEY_REVOCATIONS: cannot read $PWD/missing.lic: give a file holding one revocation token" ||
  fail "the configure error does not name the missing list"

# --- A valid list is built in ----------------------------------------------------------------
cp revocations.lic built-in.lic
configure "$PWD/built-in.lic"
expect_rc 0 "configuring with a valid list"
expect_out "seatkey: built-in revocation list from $PWD/built-in.lic"
build
expect_rc 0 "building with a valid list"
expect_out "seatkey: built-in revocation list seq 1 (1 serial revoked) from $PWD/built-in.lic"
rm built-in.lic revocations.lic # the list's files are gone: the firmware keeps it
fw_verify() { run "${ON_TARGET[@]}" fw/verifier/seatkey-verify --appliance "$APPLIANCE" --now "$NOW" --licenses licenses "$@"; }

fw_verify --json
expect_rc 0 "the firmware's boot check"
expect_out '"licensed_users": 8,'
expect_out '"revocation_seq": 1,'
expect_out '"source": "built-in",'
expect_out '"message": "revoked by the vendor: named in revocation list 2001 (seq 1) from built-in"'
fw_verify
expect_rc 0
expect_out "Revoked:  1 license revoked by the vendor's revocation list 2001 (seq 1, built-in)."

# A newer list in the folder adds to it (lists are cumulative: seq 2 names 1002 and 1003).
mint --key fw.key "$(list_payload 2002 2 '["1002","1003"]')" >licenses/revocations.lic
fw_verify --json
expect_rc 0
expect_out '"licensed_users": 3,'
expect_out '"revocation_seq": 2,'
expect_out '"message": "replaced by revocation list 2002 (seq 2) from licenses/revocations.lic:1 (a higher seq: lists are cumulative)"'
# A list that is not newer (seq 1 too, naming nothing) in the folder does not replace the
# built-in one: deleting or replacing files never revives what the firmware revoked.
mint --key fw.key "$(list_payload 2000 1 '[]')" >licenses/revocations.lic
fw_verify --json
expect_rc 0
expect_out '"licensed_users": 8,'
expect_out '"revocation_seq": 1,'

# --version names what the firmware trusts: its key and the built-in list's seq, no
# development key.
run "${ON_TARGET[@]}" fw/verifier/seatkey-verify --version
expect_rc 0 "seatkey-verify --version of a firmware build with a built-in list"
expect_out "seatkey-verify $VERSION (firmware build of 2026-11-25T00:00:00Z, the clock floor;"
expect_out "trusted key: $(mint --key fw.key --kid)"
expect_out "built-in revocation list: seq 1"
expect_out_lacks "development"

# A list with the highest seq there is and nothing revoked (a taken signer could sign one) applies,
# but the built-in list is a floor: what it names stays revoked.
mint --key fw.key "$(list_payload 9999 9007199254740991 '[]')" >licenses/revocations.lic
fw_verify --json
expect_rc 0
expect_out '"licensed_users": 8,'
expect_out '"revocation_seq": 9007199254740991,'
expect_out '"message": "revoked by the vendor: named in revocation list 2001 (seq 1) from built-in"'
expect_out '"message": "applies as a floor, which no newer list lowers: seq 1, 1 serial revoked, 1 of them left out by revocation list 9999 (seq 9007199254740991) from licenses/revocations.lic:1"'
fw_verify
expect_out "Revoked:  1 license revoked by the vendor's revocation list 9999 (seq 9007199254740991, licenses/revocations.lic:1) and the floor under it, list 2001 (built-in)."
pass
