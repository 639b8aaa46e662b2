#!/usr/bin/env bash
# ctest-name: keygen cli: concurrency: 1000 packs from 4 processes get 1000 distinct verifying serials
# ctest: needs=keygen,mint seconds=15
# 1,000 packs issued by 4 concurrent seatkey-keygen processes into one ledger: 1,000
# distinct serials, every token in the ledger, every token verifying.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
WORKERS=4
RUNS=10      # issue commands per worker
PACKS=25     # packs per command: 4 x 10 x 25 = 1000

# Four `ledger init`s racing to create one ledger: exactly one makes it, the others are told it
# exists, and the ledger is whole. Then four issuers race on a new ledger: all four succeed.
for round in 1 2 3; do
  for ((w = 0; w < WORKERS; w++)); do
    "$KEYGEN" ledger init --ledger "init$round.db" --key dev.key --allow-development-key \
      >/dev/null 2>"init.$w" </dev/null &
  done
  wait
  expect_eq "$(grep -l '^created ledger' init.* | wc -l)" 1 "(ledger inits that created init$round.db)"
  expect_eq "$(grep -l "init$round.db already exists" init.* | wc -l)" $((WORKERS - 1)) "(inits told it exists)"
  expect_eq "$(sqlite3 "init$round.db" "SELECT group_concat(version) FROM schema_version; SELECT COUNT(*) FROM signing_keys")" \
    "$(printf '1,2,3,4,5,6,7,8,9\n1')"
  init_ledger "race$round.db"
  for ((w = 0; w < WORKERS; w++)); do
    env SEATKEY_KEY=dev.key "$KEYGEN" issue server --ledger "race$round.db" --appliance "box-$w-0000" \
      --edition vm >/dev/null 2>"race.$w" </dev/null || echo "worker $w: exit $?" >>race-failed &
  done
  wait
  [ ! -e race-failed ] || { cat race-failed race.* >&2; fail "an issuer failed on a new ledger"; }
  expect_eq "$(sqlite3 "race$round.db" "SELECT COUNT(*), COUNT(DISTINCT serial) FROM licenses")" "4|4"
done

init_ledger
issued 1 issue server --appliance "$A" --edition vm

worker() {
  local w=$1 i
  for ((i = 0; i < RUNS; i++)); do
    env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue users --appliance "$A" --users 1 \
      --count "$PACKS" --order "worker-$w-$i" >>"tokens.$w" 2>>"errors.$w" </dev/null || echo "run $i: exit $?" >>"failed.$w"
  done
}
run_workers "$WORKERS"

printed_packs_match_ledger 1000

# Every token verifies; their jti claims are 1,000 distinct serials.
run "$KEYGEN" inspect --public dev.public packs.txt
expect_rc 0 "inspect --public packs.txt"
expect_eq "$(grep -c '"verified": true' out)" 1000
expect_eq "$(grep -o '"jti": "[0-9]*"' out | sort -u | wc -l)" 1000 "(distinct jti)"
expect_eq "$(grep -c '"license_claims": "valid"' out)" 1000

# The appliance's license file holds them all.
run "$KEYGEN" export --ledger "$LEDGER" --appliance "$A"
expect_rc 0
expect_out "# vm, 1001 users (1 included + 1000 in packs, no maximum)"
expect_eq "$(grep -c '^v4\.public\.' out)" 1001

pass
