#!/usr/bin/env bash
# ctest: needs=verify,mint
# seatkey-verify's human summary: edition, licensed users of max, update option, each
# rejected license with its reason in words.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

# A Compact 3 + 5 + 5 with an update option, and licenses that are not accepted.
{
  mint "$(server_payload 1001 compact '' ',"updates_until":"2027-12-31T00:00:00Z"')"
  mint "$(pack_payload 1002 5)" "$(pack_payload 1003 5)"
  mint "$(pack_payload 1004 5 "$OTHER_APPLIANCE")"
  mint "$(pack_payload 1005 1 '' ',"exp":"2026-11-01T00:00:00Z"')"
  mint "$(pack_payload 1006 1 '' ',"nbf":"2027-01-01T00:00:00Z"')"
  echo "garbage"
} >pbx.lic
verify --licenses pbx.lic
expect_rc 0 "compact"
expect_out "Appliance 001A2B3C4D5E is licensed: Compact edition, 13 users (server license 1001)."
expect_out "Users:    13 (3 included + 10 from user packs; the Compact edition allows up to 20)."
expect_out "Updates:  included for firmware released until 2027-12-31T00:00:00Z."
expect_out "Licenses: 3 accepted, 4 not accepted:"
expect_out "  pbx.lic:4: user pack 1004 (5 users): issued for appliance 0099AABBCCDD, not for this one (001A2B3C4D5E)."
expect_out "  pbx.lic:5: user pack 1005 (1 user): expired at 2026-11-01T00:00:00Z."
expect_out "  pbx.lic:6: user pack 1006 (1 user): not valid before 2027-01-01T00:00:00Z."
expect_out "  pbx.lic:7: not a valid license: not a v4.public token."
expect_out "Dev key:  licenses 1001, 1002, 1003 are signed with the public DEVELOPMENT key"
[ "$(wc -l <out)" -eq 9 ] || fail "the summary should be 9 lines"
[ ! -s err ] || fail "nothing on stderr"

# Over the Compact's cap.
mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" "$(pack_payload 1003 5)" \
  "$(pack_payload 1004 5)" "$(pack_payload 1005 5)" >capped.lic
verify --licenses capped.lic
expect_out "Users:    20 (3 included + 20 from user packs, capped at the Compact edition's maximum of 20; 3 users from user packs not counted)."
expect_out "Updates:  included."
expect_out "Licenses: 5 accepted, 0 not accepted."

# Appliance edition: no upper limit. The IDs may be typed any way.
mint "$(server_payload 2001 appliance)" "$(pack_payload 2002 5)" "$(pack_payload 2003 5)" "$(pack_payload 2004 1)" >appl.lic
run "$VERIFY" --appliance 00:1a:2b:3c:4d:5e --now "$NOW" --licenses appl.lic
expect_rc 0 "appliance edition, typed with colons"
expect_out "Appliance 001A2B3C4D5E is licensed: Appliance edition, 12 users (server license 2001)."
expect_out "Users:    12 (1 included + 11 from user packs; no upper limit)."

# Free: packs refused, no updates.
mint "$(server_payload 3001 free)" "$(pack_payload 3002 5)" >free.lic
verify --licenses free.lic
expect_out "is licensed: Free edition, 3 users (server license 3001)."
expect_out "Users:    3 (3 included; the Free edition allows up to 3)."
expect_out "Updates:  not included in the Free edition."
expect_out "pack 3002 (5 users): the Free edition cannot take user packs"

# Free + Compact: the Compact wins, Free's users are not carried over.
mint "$(server_payload 3001 free)" "$(server_payload 3002 compact)" >upgrade.lic
verify --licenses upgrade.lic
expect_out "Compact edition, 3 users (server license 3002)."
expect_out "server license 3001: replaced by the compact server license 3002 from upgrade.lic:2 (a commercial edition replaces Free)."

# An update option that ended before now.
mint "$(server_payload 1001 vm '' ',"updates_until":"2026-06-30T00:00:00Z"')" >ended.lic
verify --licenses ended.lic
expect_out "Updates:  the update option ended at 2026-06-30T00:00:00Z; firmware released after that may not be installed."

# --users N
for case in "12|In use:   12 users: fits; 1 more may be added." \
  "13|In use:   13 users: fits; no more users may be added." \
  "15|In use:   15 users, 2 more than licensed; no user may be added." \
  "1|In use:   1 user: fits; 12 more may be added."; do
  verify --licenses pbx.lic --users "${case%%|*}"
  expect_rc 0 "--users ${case%%|*}"
  expect_out "${case#*|}"
done

# Not licensed.
mint "$(pack_payload 1002 5)" >packs.lic
verify --licenses packs.lic --users 2
expect_rc 1 "packs only"
expect_out "Appliance 001A2B3C4D5E is NOT licensed: no valid server license was found."
expect_out "In use:   2 users: not licensed."
expect_out "  packs.lic:1: user pack 1002 (5 users): a user pack counts only together with a valid server license, and there is none."
mkdir none
verify --licenses none
expect_rc 1 "empty directory"
expect_out "Licenses: none found in none."

# Damaged licenses are explained without believing anything in them.
good=$(mint "$(pack_payload 1009 5)")
c=A
[ "${good:20:1}" = A ] && c=B
flipped="${good:0:20}$c${good:21}"  # one character of the payload changed
{ mint "$(server_payload 1001 compact)"; echo "$flipped"; } >damaged.lic
verify --licenses damaged.lic
expect_out "damaged.lic:2: the signature does not match: the license was altered or damaged."
expect_out_lacks "1009"
"$MINT" --new-key other.secret >/dev/null || fail "seatkey-test-mint --new-key failed"
{ mint "$(server_payload 1001 compact)"; mint --key other.secret "$(pack_payload 1010 5)"; } >foreign.lic
verify --licenses foreign.lic
expect_out "foreign.lic:2: signed by a key this system does not trust (k4.pid."
expect_out_lacks "1010"
mint '{"iss":"V"}' >claims.lic
verify --licenses claims.lic
expect_out "claims.lic:1: the license content is invalid: missing claim"

pass
