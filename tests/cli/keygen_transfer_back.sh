#!/usr/bin/env bash
# ctest-name: keygen cli: transfer back: A to B to A, the file A kept and its newest one count 6 users, not 11
# ctest: needs=keygen,verify seconds=5
# An appliance's licenses go to another and come back, three times (A -> B -> A -> B). Each
# appliance keeps the first license file it got and adds the newest: each transfer signed a
# revocation list naming what it took back, which the newest export (and a transfer back's own
# output) carries, so the kept file's licenses are revoked and nothing counts twice.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
B=00:1a:2b:3c:4d:99 # canonical 001A2B3C4D99
# users APPLIANCE FOLDER: the licensed users seatkey-verify counts from the folder.
users() {
  run "$VERIFY" --trusted-keys dev.public --appliance "$1" --licenses "$2" --json
  expect_rc 0 "seatkey-verify --appliance $1 --licenses $2"
  sed -n 's/^  "licensed_users": \(.*\),$/\1/p' out
}
list_seq() { sed -n 's/^  "revocation_seq": \(.*\),$/\1/p' out; }
# said FILE TEXT: a kept stderr says TEXT.
said() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }

# --- A: the Appliance edition (1 user included) and a pack of 5 -----------------------------
issued 1 issue server --appliance "$A" --edition appliance # serial 1
issued 1 issue users --appliance "$A" --users 5            # serial 2
mkdir a b
keygen export --appliance "$A"
cp out a/first.lic
expect_eq "$(users "$A" a)" 6 "(A before any transfer)"

# --- A -> B: B's licenses 3 and 4; list 1 (serial 5) names 1 and 2 --------------------------
keygen transfer --from "$A" --to "$B" --reason "RMA 1"
expect_rc 0 "transfer A to B"
cp out b/first.lic
cp err transfer-1.err
expect_eq "$(grep -c '^v4\.public\.' b/first.lic)" 2 "(B's tokens, no list: B had nothing taken back)"
expect_eq "$(users "$B" b)" 6 "(B after the first transfer)"

# --- B -> A: A's licenses 6 and 7; list 2 (serial 8) names 1 to 4 ---------------------------
keygen transfer --from "$B" --to "$A" --reason "RMA 2"
expect_rc 0 "transfer B to A"
cp out transfer-back.lic
cp err transfer-2.err
keygen export --appliance "$A"
expect_rc 0
cp out a/newest.lic
cp err export.err
expect_eq "$(users "$A" a)" 6 "(A's kept file and its newest export)"
expect_eq "$(list_seq)" 2
expect_out '"message": "revoked by the vendor: named in revocation list 8 (seq 2) from a/newest.lic:'
said transfer-1.err "took back licenses 1, 2 of appliance 001A2B3C4D5E; revocation list 1 (serial 5) names them, 2 licenses in all; export carries it"
said transfer-1.err "3 tokens recorded in ledger.db"
said transfer-2.err "the list follows the tokens: it names licenses 001A2B3C4D5E had before"
said export.err "exported the license file of appliance 001A2B3C4D5E: appliance, 6 users (1 included + 5 in packs, no maximum), 3 tokens with revocation list 2 (serial 8)"
# The transfer's own output, kept instead of the export, does the same.
mv a/newest.lic newest.lic
cp transfer-back.lic a/
expect_eq "$(grep -c '^v4\.public\.' a/transfer-back.lic)" 3 "(A's two tokens and the list)"
expect_eq "$(users "$A" a)" 6 "(A's kept file and the transfer back's tokens)"
rm a/transfer-back.lic
mv newest.lic a/

# --- A -> B again: B keeps its first file and adds its newest --------------------------------
keygen transfer --from "$A" --to "$B" --reason "RMA 3"
expect_rc 0 "transfer A to B again"
keygen export --appliance "$B"
expect_rc 0
cp out b/newest.lic
expect_err "3 tokens with revocation list 3 (serial 11)"
expect_eq "$(users "$B" b)" 6 "(B's kept file and its newest export)"

# Export wrote nothing; every list in the ledger names what the events took back.
keygen revocations list
expect_rc 0
expect_out "list 3 revokes: 1 2 3 4 6 7"
keygen ledger verify
expect_rc 0 "ledger verify after three transfers"
pass
