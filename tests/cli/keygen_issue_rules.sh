#!/usr/bin/env bash
# ctest-name: keygen cli: issuing rules: each refusal exits 1 with its reason and leaves the ledger unchanged
# ctest: needs=keygen,mint seconds=15
# The issuing rules (docs/back-office.md): each refusal exits 1 with its reason, prints no
# token and leaves the ledger exactly as it was; input errors exit 2 the same way.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
refused "appliance 001A2B3C4D5E has no server license on record" issue users --appliance "$A" --users 5

# A new Compact: one token, in the ledger; the desk reads what it is and the users after it.
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH" --order SO-1001
expect_err "issued server license 1: compact, 3 users included, customer \"Acme GmbH\", order \"SO-1001\""
expect_err "appliance 001A2B3C4D5E now: compact, 3 users (3 included + 0 in packs, max 20)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT serial, kind, appliance, edition, users, customer, order_ref FROM licenses")" \
  "1|server|001A2B3C4D5E|compact|3|Acme GmbH|SO-1001"
expect_eq "$(sqlite3 "$LEDGER" "SELECT key_id, issuer FROM licenses")" \
  "k4.pid.32hfoHjw4Os9CRPQlVuiI5ss2M5JhNbXpjhuuPU5BOiW|seatkey"
expect_eq "$(sqlite3 "$LEDGER" "PRAGMA journal_mode")" wal
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(version) FROM schema_version")" 1,2,3,4,5,6,7,8,9

# Packs: 1 or 5 users, counted toward the Compact's 20. Without --customer they are the
# customer's of the server license, named and quoted as every summary line does.
issued 3 issue users --appliance 001A2B3C4D5E --users 5 --count 3 --order SO-1002
expect_err 'issued 3 user packs of 5 users (serials 2-4) for appliance 001A2B3C4D5E, customer "Acme GmbH", order "SO-1002"'
expect_err "now: compact, 18 users (3 included + 15 in packs, max 20)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT group_concat(customer, '|') FROM licenses WHERE kind = 'users'")" \
  "Acme GmbH|Acme GmbH|Acme GmbH"
run "$KEYGEN" inspect "$(head -1 out)"
expect_out '"customer": "Acme GmbH"'
refused "1 pack of 5 users for 001A2B3C4D5E would take the compact appliance to 23 users, over its maximum of 20" \
  issue users --appliance "$A" --users 5
expect_err "room for 2 more"
issued 1 issue users --appliance "$A" --users 1 --customer "Acme Branch Office" --order SO-1003
expect_err 'issued 1 user pack of 1 user (serial 5) for appliance 001A2B3C4D5E, customer "Acme Branch Office", order "SO-1003"'
expect_eq "$(sqlite3 "$LEDGER" "SELECT customer FROM licenses WHERE serial = 5")" "Acme Branch Office"
refused "would take the compact appliance to 21 users" issue users --appliance "$A" --users 1 --count 2
issued 1 issue users --appliance "$A" --users 1
expect_err "now: compact, 20 users (3 included + 17 in packs, max 20)"
refused "over its maximum of 20" issue users --appliance "$A" --users 1

# Pack sizes other than 1 and 5.
for size in 0 2 3 4 10 -5; do
  refused "a user pack holds exactly 1 or 5 users, not $size" issue users --appliance "$A" --users "$size"
done

# Packs without a server license on record, and on free.
refused "appliance CAFE0001 has no server license on record" issue users --appliance cafe-0001 --users 1
issued 1 issue server --appliance free-box-7 --edition free
refused "appliance FREEBOX7 runs the free edition (server license 7), which takes no user packs: upgrade it to a commercial edition first" \
  issue users --appliance FREEBOX7 --users 1
expect_hint "seatkey-keygen issue server --appliance FREEBOX7 --edition compact|appliance|vm"
refused "a free server license cannot have updates until a date: the free edition is never updated; leave the date out" \
  issue server --appliance other-free-1 --edition free --updates-until 2030-01-01T00:00:00Z

# A second server license: refused unless it upgrades free or --replace is given.
refused "appliance 001A2B3C4D5E already has the compact server license 1" \
  issue server --appliance "$A" --edition vm
expect_err "or as a replacement that reissues it (the old one is voided)"
expect_hint "seatkey-keygen issue server --appliance 001A2B3C4D5E --edition vm --replace"
refused "appliance FREEBOX7 already has the free server license 7" issue server --appliance FREEBOX7 --edition free
refused "a free server license cannot replace the compact server license 1" \
  issue server --appliance "$A" --edition free --replace
expect_err "superseded"
refused "nothing to replace: appliance BEEF0001 has no active server license on record" \
  issue server --appliance beef0001 --edition vm --replace

# Free upgraded to a commercial edition needs no --replace; packs work after it.
issued 1 issue server --appliance FREEBOX7 --edition compact --order SO-UP
expect_err "superseding server license 7"
expect_err "now: compact, 3 users"
issued 1 issue users --appliance FREEBOX7 --users 1
expect_err "now: compact, 4 users (3 included + 1 in packs, max 20)"

# --replace reissues a commercial license (here Compact -> VM, keeping the 17 pack users).
issued 1 issue server --appliance "$A" --edition vm --replace --updates-until 2031-12-31T23:59:59Z
expect_err "superseding server license 1"
expect_err "now: vm, 18 users (1 included + 17 in packs, no maximum)"
issued 1 issue users --appliance "$A" --users 5
# ...but a Compact cannot take over the 22 pack users now on record.
refused "a compact server license allows at most 20 users, but appliance 001A2B3C4D5E would then count 25 (3 included + 22 in packs on record)" \
  issue server --appliance "$A" --edition compact --replace

# Expiry in the past.
refused "is not in the future" issue server --appliance vm-new-1 --edition vm --expires 2020-01-01T00:00:00Z
refused "is not in the future" issue users --appliance "$A" --users 1 --expires 2020-01-01T00:00:00Z

# Input errors (exit 2): malformed appliance IDs, unknown editions, bad times, counts, texts.
input_error 'invalid appliance ID "0:1a"' issue server --appliance 0:1a --edition vm
input_error 'invalid appliance ID "00_1a_2b_3c"' issue server --appliance 00_1a_2b_3c --edition vm
input_error 'invalid appliance ID' issue users --appliance "00 1a 2b 3c" --users 5
input_error 'invalid appliance ID' issue users --appliance "$(printf 'A%.0s' {1..65})" --users 5
input_error 'unknown edition "gold" (one of: free, compact, appliance, vm)' \
  issue server --appliance vm-new-2 --edition gold
input_error 'not an RFC 3339 time' issue server --appliance vm-new-2 --edition vm --updates-until 2027-12-31
input_error 'count must be 1 to 10000, not 0' issue users --appliance "$A" --users 5 --count 0
input_error '--customer contains a control character' \
  issue server --appliance vm-new-2 --edition vm --customer "$(printf 'a\tb')"
input_error '--order is empty' issue server --appliance vm-new-2 --edition vm --order ""
input_error 'users' issue users --appliance "$A" --users five
input_error '--edition is required' issue server --appliance vm-new-2
run env SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue server --appliance vm-new-2 --edition vm
expect_rc 2
expect_err "--key"
input_error 'not a seatkey ledger' issue server --ledger dev.public --appliance vm-new-2 --edition vm

# --issuer (and SEATKEY_ISSUER) set iss; the printed token is the recorded one.
issued 1 issue server --appliance vm-new-3 --edition vm --issuer "Example PBX Vendor"
token=$(cat out)
run "$KEYGEN" inspect --public dev.public "$token"
expect_rc 0
expect_out '"iss": "Example PBX Vendor"'
expect_out '"jti": "'"$(sqlite3 "$LEDGER" "SELECT serial FROM licenses WHERE appliance = 'VMNEW3'")"'"'
run env SEATKEY_ISSUER="Env Vendor" SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue server \
  --appliance vm-new-4 --edition vm
expect_rc 0
run "$KEYGEN" inspect "$(cat out)"
expect_out '"iss": "Env Vendor"'

# Serials: 1.. without gaps here, jti = decimal serial without leading zeros.
expect_eq "$(sqlite3 "$LEDGER" "SELECT MIN(serial) || '-' || MAX(serial) || '/' || COUNT(*) FROM licenses")" "1-13/13"

# Typos in typed IDs: one written as a MAC address (hex byte groups) must have its 6 bytes, one
# written as a UUID its 16, before anything is looked up; IDs of the vendor's own shape pass.
input_error 'appliance ID "00:1a:2b:3c:4d" is written as a MAC address but has 5 groups of 2-2-2-2-2 hex digits, where a MAC address has 6 bytes of two: check it against the appliance' \
  issue server --appliance 00:1a:2b:3c:4d --edition compact
input_error 'has 6 groups of 2-2-2-2-2-1 hex digits' issue users --appliance 00-1A-2B-3C-4D-5 --users 1
input_error 'appliance ID "123e4567-e89b-12d3-a456-42661417400" is written as a UUID but its groups have 8-4-4-4-11 hex digits, where a UUID has 8-4-4-4-12 (16 bytes)' \
  issue server --appliance 123e4567-e89b-12d3-a456-42661417400 --edition vm
input_error 'is written as a MAC address' issue standby --appliance vm-new-9 --primary 00:1a:2b:3c:4d
issued 1 issue server --appliance 00-1A-2B-3C-4D-77 --edition free
issued 1 issue server --appliance 123e4567-e89b-12d3-a456-426614174000 --edition vm
issued 1 issue server --appliance SF-2024-00123 --edition compact
expect_eq "$(sqlite3 "$LEDGER" "SELECT appliance FROM licenses WHERE serial > 13 ORDER BY serial")" \
  "$(printf '%s\n' 001A2B3C4D77 123E4567E89B12D3A456426614174000 SF202400123)"
# Licenses already issued are found by what was typed, whatever its shape.
keygen ledger list --appliance 00:1a:2b:3c:4d
expect_rc 0

pass
