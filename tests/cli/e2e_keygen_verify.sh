#!/usr/bin/env bash
# ctest: needs=keygen,verify seconds=15
# End to end: license files made by seatkey-keygen, checked by seatkey-verify. Every exit code
# and the JSON entitlement's fields, for the stories of docs/format.md (rules 1-5) and
# docs/back-office.md (issuing rules).
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"

B=00-1A-2B-3C-4D-6F  # canonical 001A2B3C4D6F
C=001a2b3c4d70       # canonical 001A2B3C4D70

# boot ARGS...: seatkey-verify trusting only the keys in trusted.keys.
boot() { run "$VERIFY" --trusted-keys trusted.keys "$@"; }
# json_field NAME: a top-level scalar of the last --json output (as printed, quotes included).
json_field() { sed -n "s/^  \"$1\": \(.*\),\$/\1/p" out; }
expect_field() { expect_eq "$(json_field "$1")" "$2" "for $1"; }
# reasons: the reason of every rejected license, in order, space-separated.
reasons() { sed -n '/"rejected": \[/,$ s/^      "reason": "\(.*\)",$/\1/p' out | tr '\n' ' '; }
accepted_count() { sed -n '/"accepted": \[/,/^  \]/ s/^      "serial": .*/x/p' out | wc -l; }
export_to() { keygen export --appliance "$1" && cp out "$2"; }

dev_key
init_ledger
cp dev.public trusted.keys

# --- A Compact filled to exactly 20: 3 + 5 + 5 + 5 + 1 + 1 -----------------------------------
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH" \
  --updates-until 2030-12-31T23:59:59Z
issued 3 issue users --appliance "$A" --users 5 --count 3
issued 2 issue users --appliance "$A" --users 1 --count 2
mkdir -p licenses && export_to "$A" licenses/acme.lic

boot --appliance 00:1a:2b:3c:4d:5e --licenses licenses --json
expect_rc 0 "a compact at 20 users is licensed"
expect_field appliance '"001A2B3C4D5E"'
expect_field licensed true
expect_field edition '"compact"'
expect_field server_license '"1"'
expect_field included_users 3
expect_field pack_users 17
expect_field licensed_users 20
expect_field max_users 20
expect_field excess_users 0
expect_field updates_allowed true
expect_field updates_until '"2030-12-31T23:59:59Z"'
expect_eq "$(accepted_count)" 6 "accepted licenses"
grep -q '^  "rejected": \[\]$' out || fail "nothing should be rejected"
grep -q '"source": "licenses/acme.lic:[0-9]*"' out || fail "sources name file and line"

# The human summary says the same in words, and --users asks the appliance's question.
boot --appliance 001A2B3C4D5E --licenses licenses/acme.lic --users 20
expect_rc 0
expect_out "licensed: Compact edition, 20 users"
boot --appliance 001A2B3C4D5E --licenses licenses/acme.lic --users 21 --json
expect_rc 0 "--users does not change the exit status"
expect_out '"may_add_user": false'

# The same file on another appliance: nothing counts, exit 1.
boot --appliance "$B" --licenses licenses/acme.lic --json
expect_rc 1 "another appliance's license file"
expect_field licensed false
expect_field licensed_users 0
expect_eq "$(reasons)" "wrong_appliance wrong_appliance wrong_appliance wrong_appliance wrong_appliance wrong_appliance " "reasons"

# --- An appliance edition: 1 + 5 + 5 + 1 = 12; a 21st-user cap does not apply ----------------
issued 1 issue server --appliance "$B" --edition appliance
issued 2 issue users --appliance "$B" --users 5 --count 2
issued 1 issue users --appliance "$B" --users 1
export_to "$B" b.lic
boot --appliance 001a2b3c4d6f --licenses b.lic --json
expect_rc 0
expect_field edition '"appliance"'
expect_field licensed_users 12
expect_field updates_allowed true
expect_field updates_until null

# A pack copied twice into the file counts once; a pack of A's does not count on B.
{ cat b.lic; grep -A1 '^# user pack' b.lic | grep '^v4' | head -1; grep '^v4' licenses/acme.lic | tail -1; } >b2.lic
boot --appliance "$B" --licenses b2.lic --json
expect_rc 0
expect_field licensed_users 12
expect_eq "$(reasons)" "duplicate wrong_appliance " "a copied pack and a foreign pack"

# A token with one byte changed is never accepted; the others still are.
awk 'done == 0 && /^v4\.public\./ && ++n == 2 { $0 = substr($0, 1, 40) (substr($0, 41, 1) == "A" ? "B" : "A") substr($0, 42); done = 1 } { print }' b.lic >tampered.lic
boot --appliance "$B" --licenses tampered.lic --json
expect_rc 0
expect_field licensed_users 7
case "$(reasons)" in
  "bad_signature " | "malformed ") ;;
  *) fail "a flipped payload byte must be bad_signature or malformed, got: $(reasons)" ;;
esac

# --- Free, then upgraded to VM: the free license, still in the file, is superseded ------------
issued 1 issue server --appliance "$C" --edition free
grep '^v4' out >free.tok
refused "free" issue users --appliance "$C" --users 1
issued 1 issue server --appliance "$C" --edition vm
export_to "$C" c.lic
cat free.tok >>c.lic
boot --appliance "$C" --licenses c.lic --json
expect_rc 0
expect_field edition '"vm"'
expect_field licensed_users 1
expect_eq "$(reasons)" "superseded " "the free license after the upgrade"

# The free license alone: 3 users, licensed, never updates.
boot --appliance "$C" --licenses free.tok --json
expect_rc 0
expect_field edition '"free"'
expect_field licensed_users 3
expect_field max_users 3
expect_field updates_allowed false

# --- Time: a pack with an expiry stops counting at exp (exp <= now is expired) ---------------
issued 1 issue users --appliance "$C" --users 5 --expires 2030-01-01T00:00:00Z
export_to "$C" c.lic
boot --appliance "$C" --licenses c.lic --now 2029-12-31T23:59:59Z --json
expect_rc 0
expect_field licensed_users 6
boot --appliance "$C" --licenses c.lic --now 2030-01-01T00:00:00Z --json
expect_rc 0
expect_field licensed_users 1
expect_eq "$(reasons)" "expired " "a pack at its exp"

# --- Key rotation: server license by the old key, packs by a new key -------------------------
run "$KEYGEN" key new --out new.key --no-passphrase
expect_rc 0 "key new"
grep '^k4\.public\.' out >new.public
new_pid=$(sed -n 's/^# seatkey vendor public key //p' out)
D=001A2B3C4D71
issued 1 issue server --appliance "$D" --edition appliance
# The ledger issues only with its signing keys: the new key is registered first.
refused "the key $new_pid is not a signing key of ledger ledger.db" \
  issue users --key new.key --appliance "$D" --users 5
run "$KEYGEN" ledger add-key --ledger "$LEDGER" --key new.key
expect_rc 0 "ledger add-key new.key"
run env SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue users --key new.key --appliance "$D" --users 5
expect_rc 0 "packs signed by the new key"
export_to "$D" d.lic
cat dev.public new.public >trusted.keys
boot --appliance "$D" --licenses d.lic --json
expect_rc 0 "both keys trusted"
expect_field licensed_users 6
cp new.public trusted.keys
boot --appliance "$D" --licenses d.lic --json
expect_rc 1 "the old key retired: its server license is unknown"
expect_field licensed false
expect_eq "$(reasons)" "unknown_key no_server_license " "with only the new key trusted"
boot --appliance "$D" --licenses d.lic
expect_rc 1
expect_out "is NOT licensed: no valid server license"

# --- The tool decides as the appliance will, also once a replacement expires ------------------
# A Compact replaced by an appliance license that expires tomorrow. The appliance holds every
# token issued to it (the desk appends them), so once the replacement expires the Compact is
# active again and would cut 6 packs of 5 down to 20 users: the tool refuses them now.
E=00:1a:2b:3c:4d:80
cp dev.public trusted.keys
tomorrow=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
issued 1 issue server --appliance "$E" --edition compact
cp out e.lic
issued 1 issue server --appliance "$E" --edition appliance --replace --expires "$tomorrow"
cat out >>e.lic
refused "6 packs of 5 users for 001A2B3C4D80 would take the compact appliance to 33 users at $tomorrow, when the appliance server license" \
  issue users --appliance "$E" --users 5 --count 6
expect_err "counts again, over its maximum of 20"
# What fits under the Compact is issued, and the verifier agrees today and after tomorrow.
issued 3 issue users --appliance "$E" --users 5 --count 3
cat out >>e.lic
boot --appliance "$E" --licenses e.lic --json
expect_rc 0
expect_field edition '"appliance"'
expect_field licensed_users 16
boot --appliance "$E" --licenses e.lic --json --now "$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)"
expect_rc 0
expect_field edition '"compact"'
expect_field licensed_users 18
expect_field excess_users 0

# --- Taking back: a voided pack leaves the license file; a transfer moves the users -------------
F=00:1a:2b:3c:4d:81
G=00:1a:2b:3c:4d:82
cp dev.public trusted.keys
issued 1 issue server --appliance "$F" --edition compact --customer "Foxtrot AG"
issued 3 issue users --appliance "$F" --users 5 --count 3
pack=$(sqlite3 "$LEDGER" "SELECT MAX(serial) FROM licenses")
keygen void "$pack" --reason refund
expect_rc 0
export_to "$F" f.lic
boot --appliance "$F" --licenses f.lic --json
expect_rc 0
expect_field licensed_users 13
expect_eq "$(accepted_count)" 3 "licenses in the exported file after the void"
keygen transfer --from "$F" --to "$G" --reason "RMA 1234"
expect_rc 0
cp out g.lic
boot --appliance "$G" --licenses g.lic --json
expect_rc 0 "the new appliance's license file"
expect_field edition '"compact"'
expect_field licensed_users 13
grep -q '^  "rejected": \[\]$' out || fail "the transferred licenses should all count"
boot --appliance "$F" --licenses g.lic --json
expect_rc 1 "the new file on the old appliance"

# --- Input errors: exit 2 with a message on stderr, nothing on stdout -------------------------
cp dev.public trusted.keys
boot --appliance "$A" --licenses missing.lic
expect_rc 2 "an unreadable path"
expect_err "missing.lic"
expect_no_out
boot --appliance "00 1a 2b" --licenses licenses
expect_rc 2 "an invalid appliance ID"
expect_err "appliance"
expect_no_out
run "$VERIFY" --appliance "$A" --licenses licenses --trusted-keys dev.key
expect_rc 2 "a secret key as trusted key"
expect_no_out

pass
