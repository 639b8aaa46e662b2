#!/usr/bin/env bash
# ctest-name: hardening: 8 processes, 2000 packs - 2000 distinct serials, every token verifies
# ctest: needs=keygen,verify,mint seconds=30
# 8 seatkey-keygen processes issuing into one ledger at once, 2,000 packs in all (half of the
# workers with `issue users`, half with two-order `issue batch` files): every command succeeds
# (waiting for the ledger is the documented busy timeout and retries, never an error), the
# 2,000 printed tokens are the ledger's 2,000 rows with 2,000 distinct serials, and every token
# verifies with seatkey-verify and with seatkey-keygen inspect.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
WORKERS=8
RUNS=10   # commands per worker
PACKS=25  # packs per command: 8 x 10 x 25 = 2000

issued 1 issue server --appliance "$A" --edition vm

worker() {
  local w=$1 i
  for ((i = 0; i < RUNS; i++)); do
    if ((w % 2 == 0)); then
      env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue users --appliance "$A" --users 1 \
        --count "$PACKS" --order "w$w-$i" >>"tokens.$w" 2>>"errors.$w" </dev/null || echo "run $i: exit $?" >>"failed.$w"
    else
      printf '[{"type":"users","appliance":"%s","users":1,"count":10,"order":"w%s-%s"},
                {"type":"users","appliance":"%s","users":5,"count":%s,"order":"w%s-%s"}]' \
        "$A" "$w" "$i" "$A" $((PACKS - 10)) "$w" "$i" >"orders.$w.json"
      env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue batch --orders "orders.$w.json" \
        >>"tokens.$w" 2>>"errors.$w" </dev/null || echo "run $i: exit $?" >>"failed.$w"
    fi
  done
}
start=$(date +%s%3N)
run_workers "$WORKERS"
echo "$WORKERS workers issued $((WORKERS * RUNS * PACKS)) packs in $(($(date +%s%3N) - start)) ms"
for ((w = 0; w < WORKERS; w++)); do
  ! grep -qiE 'error|busy|retry' "errors.$w" || { cat "errors.$w" >&2; fail "worker $w reported an error"; }
done

printed_packs_match_ledger 2000
expect_eq "$(sqlite3 "$LEDGER" 'PRAGMA integrity_check')" ok "(integrity_check)"
# Each command's packs got consecutive serials (a transaction allocates them under its lock).
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM (SELECT order_ref FROM licenses WHERE kind = 'users'
  GROUP BY order_ref HAVING MAX(serial) - MIN(serial) + 1 <> COUNT(*))")" 0 "(orders with gaps in their serials)"

# Every token verifies: the appliance's license file with seatkey-verify (2,000 accepted packs),
# and each printed token with inspect.
keygen export --appliance "$A"
expect_rc 0 "export"
cp out appliance.lic
if [ -n "${VERIFY:-}" ]; then
  run "$VERIFY" --appliance "$A" --licenses appliance.lic --trusted-keys dev.public --json
  expect_rc 0 "seatkey-verify of the 2,001 licenses"
  expect_out '"licensed_users": 4401,' # 1 included + 4 workers x 250 x 1 + 4 x 10 x (10 x 1 + 15 x 5)
  expect_eq "$(grep -c '"reason": null' out)" 2001 "(accepted by seatkey-verify)"
fi
run "$KEYGEN" inspect --public dev.public packs.txt
expect_rc 0 "inspect --public packs.txt"
expect_eq "$(grep -c '"verified": true' out)" 2000
expect_eq "$(grep -o '"jti": "[0-9]*"' out | sort -u | wc -l)" 2000 "(distinct jti)"

pass
