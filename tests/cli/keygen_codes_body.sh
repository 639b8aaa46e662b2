# shellcheck shell=bash
# The activation code cases of keygen_codes.sh (SQLite) and keygen_postgres_codes.sh
# (PostgreSQL): sourced after keygen_helpers.sh (and pg_lib.sh), with $LEDGER a new ledger
# whose signing key is dev.key. `code new` prints codes once (plain or CSV) and records their
# hashes, never the codes; `code redeem` issues a code's items under every issuing rule, all or
# nothing, and answers the whole license file, the same again for the same appliance;
# `code void` takes a code back, a redeemed one's licenses too; every refusal and input error
# named, the ledger unchanged by each; `ledger verify` and `ledger copy` cover the codes.

# code_text N: the Nth line of out (a code printed by code new).
code_text() { sed -n "${1}p" out; }

# --- code new: 100 codes for a distributor, as CSV; the ledger holds their hashes, not them.
keygen code new --count 100 --item server:compact,updates:12 --item users:5 --item users:5 \
  --reseller "Telco Partner" --order PO-7 --csv
expect_rc 0 "code new --csv"
expect_eq "$(head -1 out)" "number,code,items,reseller,order"
expect_eq "$(grep -c . out)" 101 "(a header and 100 codes)"
grep -qE '^1,[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5},"server:compact,updates:12 users:5x2",Telco Partner,PO-7$' out ||
  fail "the first CSV line is not number,code,items,reseller,order"
expect_err "codes no. 1 to 100 recorded in"
expect_err "for compact server license with 12 months of updates + 2 packs of 5 users; shown this once"
cut -d, -f2 out | tail -n +2 >sold.txt
expect_eq "$(sort -u sold.txt | wc -l)" 100 "(distinct codes)"
expect_eq "$(ledger_sql "SELECT COUNT(*) FROM codes")" 100
first=$(head -1 sold.txt)
dump=$(ledger_dump)
for part in ${first//-/ }; do
  ! grep -qiF "$part" <<<"$dump" || fail "the ledger holds a part of a code: $part"
done

# Plain: one code a line; one code alone.
keygen code new --item users:1 --reseller "Shop B"
expect_rc 0
expect_eq "$(grep -cE '^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$' out)" 1
expect_err "code no. 101 recorded in"
pack1=$(code_text 1)
keygen code new --count 2 --item server:free --reseller "Shop B" --order PO-9
free_codes=$(cat out)
keygen code new --item server:compact --item users:5x3 --valid-until 2099-01-01T00:00:00Z
compact15=$(code_text 1)
keygen code new --item updates:12
updates12=$(code_text 1)
keygen code new --item server:vm --valid-until 2099-01-01T00:00:00Z
vm=$(code_text 1)

# Input errors and refusals of code new: nothing written.
input_error 'item "server:gold": the edition is one of free, compact, appliance, vm' code new --item server:gold
refused 'item "users:3": a user pack holds 1 or 5 users' code new --item users:3
input_error 'item "seats:5" is none of' code new --item seats:5
input_error 'item "server:vm,updates:0": the months must be a whole number from 1 to 120' code new --item server:vm,updates:0
refused "item \"server:free,updates:12\": the free edition is never updated" code new --item server:free,updates:12
input_error "a code carries one server item" code new --item server:vm --item server:compact
refused "the free edition takes no user packs: a code cannot carry both" code new --item server:free --item users:1
refused "the items come to 23 users, over the compact edition's maximum of 20" code new --item server:compact --item users:5x4
input_error "the number of codes must be from 1 to 10000, not 0" code new --count 0 --item users:1
refused "the codes would be valid until 2001-01-01T00:00:00Z, which is not in the future" code new --item users:1 --valid-until 2001-01-01T00:00:00Z
input_error "--item is required" code new --count 2

# --- code list and show.
keygen code list --reseller "Shop B"
expect_rc 0
expect_eq "$(grep -cE '^ +[0-9]+  issued' out)" 3 "(Shop B's codes)"
keygen code list --order PO-7 --status issued --json
expect_rc 0
expect_eq "$(grep -c '"number"' out)" 100
expect_out_lacks "code_hash"
input_error "--status is one of issued, redeemed, voided, not \"sold\"" code list --status sold
keygen code show 101
expect_rc 0
expect_out "code no. 101: issued"
expect_out 'reseller:    "Shop B"'
keygen code show 999
expect_rc 1
expect_err "has no code no. 999"
input_error 'not a code number: "x1"' code show x1

# --- Redeeming: the whole license file, with the code's number in each token.
keygen code redeem "$first" --appliance "$A"
expect_rc 0 "redeem"
cp out first.lic
expect_out "# seatkey license file for appliance 001A2B3C4D5E"
expect_eq "$(grep -c '^v4\.public\.' out)" 3
expect_err "code no. 1 redeemed for appliance 001A2B3C4D5E"
expect_err "appliance 001A2B3C4D5E now: compact, 13 users (3 included + 10 in packs, max 20)"
expect_eq "$(ledger_sql "SELECT COUNT(*) FROM licenses WHERE code = 1")" 3
run "$VERIFY" --appliance "$A" --licenses first.lic --trusted-keys dev.public --json
expect_rc 0 "the redeemed file verifies"
expect_out '"code": 1'
expect_out '"licensed_users": 13'

# The same code and appliance again, typed carelessly: the same file, nothing issued.
before=$(rows)
keygen code redeem "$(tr 'A-Z0-1' 'a-zOI' <<<"$first" | tr -d -)" --appliance 001A2B3C4D5E
expect_rc 0 "redeem again"
cmp -s out first.lic || fail "the second answer is not the first file"
expect_err "code no. 1 is redeemed for appliance 001A2B3C4D5E already: nothing issued"
expect_eq "$(rows)" "$before"

# Another appliance: refused, naming the reseller and the desk.
refused "this code (code no. 1) is activated on another appliance: ask your reseller or the vendor's desk" \
  code redeem "$first" --appliance BEEF0001
# A typo names its group before any look-up; an unknown code is not found.
typo="${first:0:6}$( [ "${first:6:1}" = 7 ] && echo 8 || echo 7 )${first:7}"
input_error "group 2 (${typo:6:5}) has a typo" code redeem "$typo" --appliance BEEF0001
input_error "an activation code has 20 symbols (4 groups of 5), not 10" code redeem "ABCDE-ABCDE" --appliance BEEF0001
# A well-formed code this ledger never made (another ledger's): not found, nothing written.
init_ledger other.db
"$KEYGEN" code new --ledger other.db --item users:1 >other.txt 2>/dev/null </dev/null || fail "code new in other.db"
before=$(ledger_dump)
keygen code redeem "$(cat other.txt)" --appliance BEEF0001
expect_rc 1 "redeem of an unknown code"
expect_err "seatkey-keygen: error: no activation code $(cat other.txt) on record: check it against the code as it was sold"
expect_eq "$(ledger_dump)" "$before" "(the ledger after an unknown code)"
keygen code redeem "$(sed -n 2p sold.txt)" --appliance "not an id!"
expect_rc 2
expect_err "appliance"

# The issuing rules: a server item on a commercial appliance is refused, all or nothing.
refused "appliance 001A2B3C4D5E already has the compact server license" code redeem "$(sed -n 2p sold.txt)" --appliance "$A"
# A Compact stops at 20: 13 + 5 + 5 refused, the packs of 1 fit.
keygen code new --item users:5x2
refused "would take the compact appliance to 23 users, over its maximum of 20" code redeem "$(code_text 1)" --appliance "$A"
keygen code redeem "$pack1" --appliance "$A"
expect_rc 0 "a pack of 1 on the Compact"
expect_err "appliance 001A2B3C4D5E now: compact, 14 users"
# A Free appliance takes no packs; a server item upgrades it.
keygen code redeem "$(sed -n 1p <<<"$free_codes")" --appliance FEE0001
expect_rc 0 "a free server license"
keygen code new --item users:1
one=$(code_text 1)
refused "appliance FEE0002 has no server license on record" code redeem "$one" --appliance FEE0002
refused "appliance FEE0001 runs the free edition (server license" code redeem "$one" --appliance FEE0001
keygen code redeem "$compact15" --appliance FEE0001
expect_rc 0 "a compact bundle upgrades the free appliance"
expect_err "appliance FEE0001 now: compact, 18 users (3 included + 15 in packs, max 20)"

# updates:MONTHS extends the Compact's update option by a replacement server license.
old_until=$(ledger_sql "SELECT updates_until FROM licenses WHERE serial = 1")
keygen code redeem "$updates12" --appliance "$A"
expect_rc 0 "an update extension"
new_serial=$(ledger_sql "SELECT MAX(serial) FROM licenses WHERE kind = 'server' AND appliance = '001A2B3C4D5E'")
expect_eq "$(ledger_sql "SELECT replaces, edition, CASE WHEN customer IS NULL THEN 1 ELSE 0 END FROM licenses WHERE serial = $new_serial")" "1|compact|1"
new_until=$(ledger_sql "SELECT updates_until FROM licenses WHERE serial = $new_serial")
expect_eq "${new_until:0:4}" "$(( ${old_until:0:4} + 1 ))" "(a year later)"
expect_eq "${new_until:4}" "${old_until:4}" "(the same day)"
keygen code new --item updates:6
updates6=$(code_text 1)
refused "has no end to its updates: there is nothing to extend" code redeem "$updates6" --appliance FEE0001
refused "appliance FEE0003 has no active server license on record" code redeem "$updates6" --appliance FEE0003

# --- The desk moves the appliance: the code answers for the new one, not the old.
keygen transfer --from "$A" --to 00:1a:2b:3c:4d:99 --reason RMA
expect_rc 0 "transfer"
keygen code redeem "$first" --appliance 001A2B3C4D99
expect_rc 0 "the code after the transfer"
expect_err "code no. 1 is redeemed for appliance 001A2B3C4D99 already: nothing issued"
expect_out "# compact, 14 users"
refused "this code (code no. 1) is activated on another appliance" code redeem "$first" --appliance "$A"
keygen code show 1 --json
expect_out '"redeemed_for": "001A2B3C4D5E"'
expect_out '"appliance": "001A2B3C4D99"'

# --- code void: unredeemed, then redeemed (a refund: its licenses voided and revoked).
keygen code void 100 --reason "never sold"
expect_rc 0
expect_err "voided code no. 100: it can no longer be redeemed"
refused "code no. 100 was voided on" code redeem "$(sed -n 100p sold.txt)" --appliance CAFE0100
refused "code no. 100 was voided on" code void 100 --reason again
keygen code void 4242 --reason x
expect_rc 1 "void of an unknown code"
expect_err "seatkey-keygen: error: ledger "
expect_err "has no code no. 4242"
input_error "reason is empty" code void 99 --reason ""
vm_number=$(ledger_sql "SELECT MAX(number) FROM codes WHERE items = 'server:vm'")
keygen code redeem "$vm" --appliance CAFE0001
expect_rc 0
keygen code void "$vm_number" --reason "refund, ticket 4711"
expect_rc 0 "void of a redeemed code"
expect_err "(redeemed for appliance CAFE0001)"
expect_err "voided license"
expect_err "into the next revocation list"
keygen revocations issue
expect_rc 0
vm_serial=$(ledger_sql "SELECT serial FROM licenses WHERE code = $vm_number")
keygen revocations list --json
expect_eq "$(python3 -c 'import json, sys
print(int(sys.argv[1]) in json.load(open("out"))["revocation_lists"][-1]["revoked"])' "$vm_serial")" True \
  "(the voided license in the newest list, its serial a number)"

# Counted per reseller.
keygen code list --status voided
expect_eq "$(grep -cE '^ +[0-9]+  voided' out)" 2

# --- ledger verify and ledger copy cover the codes and their events.
keygen ledger verify
expect_rc 0 "ledger verify"
expect_err "codes, "
head=$(cat out)
keygen ledger copy --from "$LEDGER" --to copied.db
expect_rc 0 "ledger copy"
expect_eq "$(cat out)" "$head"
expect_eq "$(sqlite3 copied.db "SELECT COUNT(*) FROM codes")" "$(ledger_sql "SELECT COUNT(*) FROM codes")"
