#!/usr/bin/env bash
# ctest: needs=verify,mint
# Revocation end to end: seatkey-keygen voids a pack and issues a revocation list; seatkey-verify
# with that list in the license folder rejects a kept copy of the old pack as revoked (--json,
# the summary). A newer list replaces the older one; a list from an unknown key or a damaged
# one revokes nothing. Deleting the folder's list revives the pack in a build without a
# built-in list (tests/packaging/firmware_revocations.sh: a firmware build keeps it revoked).
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"
[ -n "${KEYGEN:-}" ] || {
  echo "skipped: this build has no seatkey-keygen (SEATKEY_KEYGEN=OFF)"
  exit 77
}

dev_key
init_ledger
boot() { run "$VERIFY" --trusted-keys dev.public --appliance "$A" "$@"; }
json_field() { sed -n "s/^  \"$1\": \(.*\),\$/\1/p" out; }
expect_field() { expect_eq "$(json_field "$1")" "$2" "for $1"; }
# reason_of SERIAL: the reason of the report of SERIAL in the last --json output.
reason_of() {
  python3 -c 'import json,sys
e = json.load(open("out"))
print(" ".join(str(r["reason"]) for r in e["accepted"] + e["rejected"] if r["serial"] == sys.argv[1]))' "$1"
}

# --- A Compact with two packs of 5; the customer's file -------------------------------------
issued 1 issue server --appliance "$A" --edition compact # serial 1
issued 2 issue users --appliance "$A" --users 5 --count 2 # serials 2 and 3
mkdir licenses
keygen export --appliance "$A"
cp out licenses/acme.lic
boot --licenses licenses --json
expect_rc 0 "the Compact before any void"
expect_field licensed_users 13
expect_field revocation_seq null

# --- The vendor voids pack 3 and issues revocation list 1 (serial 4) -------------------------
keygen void 3 --reason "refund"
expect_rc 0 "void 3"
issued 1 revocations issue
cp out licenses/revocations.lic
# The customer still has pack 3 in acme.lic: it is revoked.
boot --licenses licenses --json
expect_rc 0 "licensed, with pack 3 revoked"
expect_field licensed_users 8
expect_field revocation_seq 1
expect_eq "$(reason_of 3)" revoked
expect_eq "$(reason_of 2)" None
expect_eq "$(reason_of 4)" None # the list is accepted
expect_out '"kind": "revocation",'
expect_out '"message": "revoked by the vendor: named in revocation list 4 (seq 1) from licenses/revocations.lic:1"'
expect_out '"message": "the revocation list that applies: seq 1, 1 serial revoked"'
boot --licenses licenses
expect_rc 0
expect_out "Appliance 001A2B3C4D5E is licensed: Compact edition, 8 users (server license 1)."
expect_out "Revoked:  1 license revoked by the vendor's revocation list 4 (seq 1, licenses/revocations.lic:1)."
expect_out "Licenses: 3 accepted, 1 not accepted:"
grep -qE '^  licenses/acme\.lic:[0-9]+: user pack 3 \(5 users\): revoked by the vendor: named in revocation list 4 \(seq 1\) from licenses/revocations\.lic:1\.$' out ||
  fail "the summary does not name pack 3 revoked"

# The same list given as the license file itself, with the pack in another file: still revoked.
cat licenses/acme.lic licenses/revocations.lic >all-in-one.lic
boot --licenses all-in-one.lic --json
expect_rc 0
expect_eq "$(reason_of 3)" revoked

# --- A second void, list 2 (serial 5): cumulative; list 1 is superseded ---------------------
keygen void 2 --reason "refund"
expect_rc 0 "void 2"
issued 1 revocations issue
cp out licenses/revocations-2.lic
boot --licenses licenses --json
expect_rc 0
expect_field licensed_users 3
expect_field revocation_seq 2
expect_eq "$(reason_of 2)" revoked
expect_eq "$(reason_of 3)" revoked
expect_eq "$(reason_of 4)" superseded
expect_out '"message": "replaced by revocation list 5 (seq 2) from licenses/revocations-2.lic:1 (a higher seq: lists are cumulative)"'
boot --licenses licenses
expect_out "Revoked:  2 licenses revoked by the vendor's revocation list 5 (seq 2, licenses/revocations-2.lic:1)."
expect_out "  licenses/revocations.lic:1: revocation list 4: replaced by revocation list 5 (seq 2)"

# --- Lists that do not verify revoke nothing ---------------------------------------------------
payload=$(cat licenses/revocations-2.lic)
rm licenses/revocations*.lic
"$MINT" --new-key other.key >other.public || fail "mint --new-key"
mint --key other.key '{"iss":"Example PBX Vendor","jti":"90","iat":"2026-11-20T09:00:00Z","kind":"revocation","seq":9,"revoked":["2","3"]}' \
  >licenses/other-key.lic
# A damaged list: one character of its signature changed.
python3 - "$payload" >licenses/damaged.lic <<'PY'
import sys
t = sys.argv[1]
i = t.index(".", len("v4.public.")) - 10  # inside the signature
print(t[:i] + ("A" if t[i] != "A" else "B") + t[i + 1:])
PY
boot --licenses licenses --json
expect_rc 0
expect_field licensed_users 13
expect_field revocation_seq null
expect_out '"reason": "unknown_key",'
expect_out '"reason": "bad_signature",'
expect_eq "$(reason_of 2)" None
expect_eq "$(reason_of 3)" None

# --- Deleting the lists revives the packs here: this build has no list built in -------------
rm licenses/other-key.lic licenses/damaged.lic
boot --licenses licenses --json
expect_rc 0
expect_field licensed_users 13
expect_field revocation_seq null
pass
