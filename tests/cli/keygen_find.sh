#!/usr/bin/env bash
# ctest-name: keygen cli: finding things: ledger list filters, ledger show, report, ledger backup
# ctest: needs=keygen,mint seconds=20
# Finding things: ledger list's filters, ledger show, report (text, CSV, JSON), ledger backup;
# their input errors.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger

issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH" --order SO-1
issued 2 issue users --appliance "$A" --users 5 --count 2 --order SO-2
issued 1 issue server --appliance beta-0001 --edition free --customer "Beta KG"
issued 1 issue server --appliance beta-0001 --edition vm --customer "Beta KG" --order SO-3
issued 1 issue server --appliance "$A" --edition compact --customer "Acme GmbH" --order SO-4 --replace
keygen void 3 --reason refund
expect_rc 0
keygen transfer --from beta-0001 --to beta-0002
expect_rc 0
expect_err "revocation list 1 (serial 8) names them"
# Rows: 1 compact (superseded by 6), 2-3 packs (3 voided), 4 free and 5 vm of BETA0001
# (transferred), 6 compact --replace, 7 vm of BETA0002, 8 the revocation list the transfer signed.

# listed SERIALS ARGS...: ledger list ARGS shows exactly these serials.
listed() {
  local want=$1
  shift
  keygen ledger list "$@"
  expect_rc 0 "ledger list $*"
  expect_eq "$(grep -oE '^ +[0-9]+  ' out | tr -d ' ' | tr '\n' ' ')" "$want" "(serials of ledger list $*)"
}
listed "1 2 3 6 " --customer acme
listed "1 2 3 6 " --customer GMBH
listed "2 3 " --order so-2
listed "1 4 5 6 7 " --kind server
listed "8 " --kind revocation
listed "2 6 7 8 " --status active
listed "1 " --status superseded
listed "3 " --status voided
listed "4 5 " --status transferred
listed "2 6 " --status active --customer acme
listed "7 " --appliance beta-0002
listed "" --status expired
expect_out "no licenses match"
listed "" --until 2000-01-01T00:00:00Z
listed "1 2 3 4 5 6 7 8 " --since 2000-01-01T00:00:00Z --until 2999-01-01T00:00:00Z
keygen ledger list --customer acme
expect_out "001A2B3C4D5E: compact, 8 users (3 included + 5 in packs, max 20)"
expect_out_lacks "BETA"
keygen ledger list --status voided --json
expect_rc 0
expect_out '"status": "voided",'
expect_eq "$(grep -c '"serial":' out)" 1
# Input errors.
input_error "unknown kind pack (one of: server|users|revocation|standby)" ledger list --kind pack
input_error "unknown status valid (one of: active|superseded|expired|voided|transferred)" ledger list --status valid
input_error '--since "yesterday" is neither a date (like 2026-12-01: the start of that day, UTC) nor an RFC 3339 time' ledger list --since yesterday
input_error "--customer contains a control character" ledger list --customer $'a\x1bb'

# --- ledger show: every field, its events, its token.
keygen ledger show 3
expect_rc 0
expect_out "license 3"
expect_out "status            voided"
expect_out 'customer          "Acme GmbH"'
expect_out "taken back        voided at "
expect_out ': "refund"'
expect_out "revocation lists  8"
expect_out "$(sqlite3 "$LEDGER" "SELECT token FROM licenses WHERE serial = 3")"
grep -qE '^chain +position 3, hash [0-9a-f]{64}$' out || fail "ledger show names no chain position"
keygen ledger show 5
expect_out "status            transferred"
expect_out "re-issued as      7"
expect_out "taken back        transferred to BETA0002 at "
keygen ledger show 1
expect_out "superseded by     6"
keygen ledger show 8 --json
expect_rc 0
expect_out '"kind": "revocation",'
expect_out '"revoked": ['
keygen ledger show 7 --json
expect_out '"transferred_from": 5,'
keygen ledger show 99
expect_rc 1
expect_err "seatkey-keygen: ledger ledger.db has no license 99"
expect_no_out
input_error 'not a serial: "x7"' ledger show x7

# --- report: sales apart from free, replacements, transfers and voids.
keygen report
expect_rc 0
cp out report.txt
sed -n '/^sales$/,/^$/p' report.txt >sales.txt
grep -qE '^  compact server license +1 licenses +3 users$' sales.txt || fail "sales: compact"
grep -qE '^  vm server license +1 licenses +1 users$' sales.txt || fail "sales: the upgrade to vm is a sale"
grep -qE '^  user pack of 5 users +2 licenses +10 users$' sales.txt || fail "sales: packs"
sed -n '/^free licenses/,/^$/p' report.txt | grep -qE '^  free server license +1 licenses +3 users$' || fail "free"
sed -n '/^replacements/,/^$/p' report.txt | grep -qE '^  compact server license +1 licenses' || fail "replacement"
sed -n '/^transfers/,/^$/p' report.txt >transfers.txt
grep -qE '^  vm server license +1 licenses +1 users$' transfers.txt || fail "transfers: the vm"
grep -qF "(1 appliance moved)" transfers.txt || fail "transfers: appliances"
sed -n '/^voids/,/^$/p' report.txt | grep -qE '^  user pack of 5 users +1 licenses +5 users$' || fail "voids"
expect_out "revocation lists issued: 1"
keygen report --csv
expect_rc 0
expect_eq "$(head -1 out)" "category,kind,edition,users_per_pack,licenses,users"
expect_out "sale,server,compact,,1,3"
expect_out "sale,users,,5,2,10"
expect_out "free,server,free,,1,3"
expect_out "replacement,server,compact,,1,3"
expect_out "transfer,server,vm,,1,1"
expect_out "void,users,,5,1,5"
expect_eq "$(wc -l <out)" 8 "(CSV lines: the header and 7)"
keygen report --json --since 2000-01-01T00:00:00Z --until 2999-01-01T00:00:00Z
expect_rc 0
expect_out '"since": "2000-01-01T00:00:00Z",'
expect_out '"appliances_transferred": 1,'
keygen report --until 2000-01-01T00:00:00Z --csv
expect_eq "$(wc -l <out)" 1 "(nothing before 2000)"
input_error "--since 2030-01-01T00:00:00Z is not before --until 2020-01-01T00:00:00Z" \
  report --since 2030-01-01T00:00:00Z --until 2020-01-01T00:00:00Z
input_error "--csv excludes --json" report --csv --json
input_error '--until "soon" is neither a date' report --until soon

# --- ledger backup: a 0600 copy that verifies with the same head; never over a file.
keygen ledger backup --out copy.db
expect_rc 0
expect_err "backed up ledger ledger.db to copy.db (mode 0600): 8 rows, chain head "
expect_eq "$(stat -c %a copy.db)" 600
keygen ledger head
head=$(cat out)
run "$KEYGEN" ledger verify --ledger copy.db
expect_rc 0 "the copy verifies"
expect_eq "$(cat out)" "$head"
echo precious >taken.db
input_error "cannot create the backup taken.db: File exists (a backup never replaces a file)" ledger backup --out taken.db
expect_eq "$(cat taken.db)" precious
input_error "cannot create the backup no/such/dir.db: No such file or directory" ledger backup --out no/such/dir.db
pass
