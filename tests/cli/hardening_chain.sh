#!/usr/bin/env bash
# ctest-name: hardening: 8 processes issuing, voiding and backing up - the chain stays linear and verifies, no serial reused
# ctest: needs=keygen,verify,mint seconds=30
# 8 seatkey-keygen processes at once on one ledger: 6 issuing packs, 2 voiding packs issued
# before, one of them also issuing revocation lists, while `ledger backup` copies the ledger:
# every command succeeds, no serial is reused, the chain stays linear (ledger verify passes on
# the ledger and on the copy), every void is one event and every printed token is recorded.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
ISSUERS=6
RUNS=10   # commands per issuer
PACKS=10  # packs per command: 6 x 10 x 10 = 600
VOIDERS=2
VOIDS=25  # void commands per voider, one serial each

issued 1 issue server --appliance "$A" --edition vm
issued $((VOIDERS * VOIDS)) issue users --appliance "$A" --users 1 --count $((VOIDERS * VOIDS)) --order before

k() { env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" "$@" </dev/null; }
issuer() {
  local w=$1 i
  for ((i = 0; i < RUNS; i++)); do
    k issue users --appliance "$A" --users 5 --count "$PACKS" --order "w$w-$i" >>"tokens.$w" 2>>"errors.$w" ||
      echo "run $i: exit $?" >>"failed.$w"
  done
}
voider() {
  local v=$1 i serial
  for ((i = 0; i < VOIDS; i++)); do
    serial=$((2 + v * VOIDS + i))  # the packs of "before": serials 2..51
    k void "$serial" --reason "worker $v" >/dev/null 2>>"errors.v$v" || echo "void $serial: exit $?" >>"failed.v$v"
    if ((v == 0 && i % 10 == 9)); then
      k revocations issue >>lists.txt 2>>"errors.v$v" || echo "revocations issue: exit $?" >>"failed.v$v"
    fi
  done
}
backups() {
  local i
  for ((i = 0; i < 3; i++)); do
    sleep 0.3
    k ledger backup --out "backup$i.db" 2>>errors.b || echo "backup $i: exit $?" >>failed.b
  done
}
pids=()
for ((w = 0; w < ISSUERS; w++)); do issuer "$w" & pids+=($!); done
for ((v = 0; v < VOIDERS; v++)); do voider "$v" & pids+=($!); done
backups & pids+=($!)
for pid in "${pids[@]}"; do wait "$pid"; done
for f in failed.*; do
  [ ! -e "$f" ] || { cat failed.* errors.* >&2; fail "a worker had failed commands"; }
done
! grep -qiE 'error|busy|retry' errors.* 2>/dev/null || { cat errors.* >&2; fail "a worker reported an error"; }

total=$((1 + VOIDERS * VOIDS + ISSUERS * RUNS * PACKS + 2))  # and 2 revocation lists
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*), COUNT(DISTINCT serial), MIN(serial), MAX(serial) FROM licenses")" \
  "$total|$total|1|$total" "(rows, distinct serials, first and last)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*), COUNT(DISTINCT serial) FROM events WHERE type = 'void'")" \
  "$((VOIDERS * VOIDS))|$((VOIDERS * VOIDS))" "(void events)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT MAX(chain_seq) FROM (SELECT chain_seq FROM licenses UNION ALL SELECT chain_seq FROM events)")" \
  "$((total + VOIDERS * VOIDS))" "(links)"
cat tokens.* >packs.txt
expect_eq "$(sort -u packs.txt | wc -l)" $((ISSUERS * RUNS * PACKS)) "(distinct tokens printed)"
while read -r token; do
  [ "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE token = '$token'")" -eq 1 ] ||
    fail "a printed token is not in the ledger"
done < <(head -50 packs.txt)
expect_eq "$(grep -c '^v4\.public\.' lists.txt)" 2 "(revocation lists)"

keygen ledger verify
expect_rc 0 "the ledger verifies after concurrent issuing and voiding"
expect_err "verifies: $((total + VOIDERS * VOIDS)) links ($((total - 2)) licenses, 2 revocation lists, $((VOIDERS * VOIDS)) events)"
for i in 0 1 2; do
  expect_eq "$(stat -c %a "backup$i.db")" 600 "(mode of backup $i)"
  run "$KEYGEN" ledger verify --ledger "backup$i.db"
  expect_rc 0 "backup $i, taken while the workers wrote, verifies"
done
expect_eq "$(sqlite3 "$LEDGER" 'PRAGMA integrity_check')" ok
pass
