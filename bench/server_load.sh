#!/usr/bin/env bash
# seatkey-server under load (docs/performance.md, "The back-office server"): a ledger with the
# development key, APPLIANCES appliances with a server license each and a shop's API token; the
# server on a free port; seatkey-bench-server-load measures the floor (in-process, on a copy of
# the ledger), one client's latency and CLIENTS clients issuing TOTAL packs; then the ledger is
# checked: every serial once, every token verifies on its appliance, and the ledger's own check.
# Usage: server_load.sh KEYGEN SERVER VERIFY LOAD SOURCE_DIR WORK_DIR [APPLIANCES ROUNDS CLIENTS TOTAL]
# Exit status: the load program's (0 targets hold, 1 a target does not, 2 a failure), or 2 when
# a check of the ledger fails. SEATKEY_LOAD_TARGETS=off: a target missed is reported, exit 0.
set -euo pipefail
keygen=$(realpath "$1") server=$(realpath "$2") verify=$(realpath "$3") load=$(realpath "$4")
source_dir=$(realpath "$5") work=$6
appliances=${7:-100} rounds=${8:-200} clients=${9:-8} total=${10:-2000}

rm -rf "$work"
mkdir -p "$work"
cd "$work"
die() { echo "server_load: $*" >&2; exit 2; }

cp "$source_dir/keys/development.secret" dev.key && chmod 600 dev.key
"$keygen" ledger init --ledger ledger.db --key dev.key --allow-development-key 2>keygen.log ||
  die "ledger init failed: $(cat keygen.log)"
token=$("$keygen" token create --ledger ledger.db --role shop --name load 2>>keygen.log) ||
  die "token create failed: $(cat keygen.log)"
{
  echo "["
  for ((i = 0; i < appliances; i++)); do
    printf '%s{"type":"server","appliance":"F0%010X","edition":"appliance","customer":"Load %d"}\n' \
      "$([ "$i" -gt 0 ] && echo ,)" "$i" "$i"
  done
  echo "]"
} >servers.json
"$keygen" issue batch --ledger ledger.db --key dev.key --orders servers.json >/dev/null 2>>keygen.log ||
  die "issue batch failed: $(cat keygen.log)"
cp ledger.db floor.db

# The log exists before the server does: the background job opens it only once it runs, and
# the first look for the port may come before that.
: >server.log
as_user=()
[ "$(id -u)" = 0 ] && as_user=(--user nobody)  # started as root, the HTTP process changes user
"$server" --ledger ledger.db --key dev.key --listen 127.0.0.1:0 "${as_user[@]}" >server.out 2>server.log </dev/null &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 200); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' server.log)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || die "seatkey-server did not start: $(cat server.log)"
  sleep 0.05
done
[ -n "$port" ] || die "seatkey-server never said where it listens: $(cat server.log)"

status=0
"$load" --key dev.key --floor-ledger floor.db --port "$port" --token "$token" --appliances "$appliances" \
  --rounds "$rounds" --server-pid "$server_pid" --clients "$clients" --total "$total" --serials-out serials.txt ||
  status=$?
kill -TERM "$server_pid"
wait "$server_pid" || die "seatkey-server did not stop cleanly: $(tail -5 server.log)"
trap - EXIT
[ "$status" -ne 2 ] || exit 2

# The ledger: the server licenses, the 10 warm-up packs, the latency run's and the load's.
expected=$((appliances + 10 + rounds + total))
read -r rows distinct <<<"$(sqlite3 -separator ' ' ledger.db 'SELECT COUNT(*), COUNT(DISTINCT serial) FROM licenses')"
[ "$rows" = "$expected" ] && [ "$distinct" = "$expected" ] ||
  die "the ledger holds $rows rows, $distinct distinct serials; expected $expected"
[ "$(sort serials.txt | uniq -d | wc -l)" = 0 ] || die "a serial was answered twice"
sqlite3 ledger.db "SELECT serial FROM licenses WHERE kind = 'users'" | sort >ledger-packs.txt
sort serials.txt >answered.txt
[ -z "$(comm -13 ledger-packs.txt answered.txt)" ] || die "a serial answered is not a pack in the ledger"
[ "$(comm -23 ledger-packs.txt answered.txt | wc -l)" = 10 ] ||
  die "the ledger holds packs nobody was answered for, besides the 10 warm-up packs"
# Every token verifies on its appliance, as the appliance would check it.
cp "$source_dir/keys/development.public" dev.public
accepted=0
for ((i = 0; i < appliances; i++)); do
  id=$(printf 'F0%010X' "$i")
  "$keygen" export --ledger ledger.db --appliance "$id" >"$id.lic" 2>>keygen.log || die "export $id failed"
  n=$(grep -c '^v4\.public\.' "$id.lic")
  "$verify" --appliance "$id" --licenses "$id.lic" --trusted-keys dev.public >verify.out ||
    die "seatkey-verify refused $id: $(cat verify.out)"
  grep -q "$n accepted, 0 not accepted" verify.out || die "not all $n tokens of $id verify: $(cat verify.out)"
  accepted=$((accepted + n))
done
[ "$accepted" = "$expected" ] || die "$accepted tokens verified, not $expected"
# The ledger's own integrity check, where this seatkey-keygen has one (ledger verify).
if "$keygen" ledger verify --help >/dev/null 2>&1; then
  "$keygen" ledger verify --ledger ledger.db >verify-ledger.out 2>&1 || die "ledger verify failed: $(cat verify-ledger.out)"
  chain="ledger verify passes"
else
  chain="this seatkey-keygen has no ledger verify"
fi
echo "ledger: $rows rows, every serial once; $accepted tokens verify with seatkey-verify; $chain: PASS"
# Under AddressSanitizer the ratios say how the sanitizer weighs on each side, not how the
# server performs: the checks above still apply, the targets do not.
if [ "$status" = 1 ] && [ "${SEATKEY_LOAD_TARGETS:-on}" = off ]; then
  echo "targets not judged here (SEATKEY_LOAD_TARGETS=off: the test suite; scripts/bench.sh judges them)"
  exit 0
fi
exit "$status"
