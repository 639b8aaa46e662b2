#!/usr/bin/env bash
# ctest-name: postgres cli: 2 servers and 8 CLI issuers on one database: distinct serials, a linear chain, every token recorded
# ctest: needs=keygen,verify,server,postgres seconds=40
# One PostgreSQL ledger, many writers on it at once: 2 seatkey-server processes, each answering
# concurrent curl clients' POSTs, while 8 seatkey-keygen loops issue packs. Every request and
# command succeeds; no serial is given twice; the chain stays linear (ledger verify recomputes
# it and checks every token's signature); every token printed or answered is in the ledger and
# the ledger holds no other; the appliance's exported license file passes seatkey-verify. Then
# the database drops every connection: the servers answer 503 once per lost connection and go on.
. "$SOURCE_DIR/tests/server/lib.sh"
. "$SOURCE_DIR/tests/cli/pg_lib.sh"
SERVERS=2
CLIENTS=5    # concurrent curl clients per server
REQUESTS=10  # POSTs per client: 2 x 5 x 10 = 100 packs through the servers
ISSUERS=8
RUNS=10      # seatkey-keygen issue commands per issuer
PACKS=2      # packs per command: 8 x 10 x 2 = 160 packs through the CLI

SERVER_PIDS=()
cleanup_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$SCRATCH"
}
trap cleanup_servers EXIT

dev_key
LEDGER=$(pg_new_database) || exit 1
init_ledger "$LEDGER"
issued 1 issue server --appliance "$A" --edition vm --customer "Acme GmbH"
SHOP=$(make_token shop webshop)

# Both servers on the one database, each on a free port (as root: the HTTP process as nobody).
AS_USER=()
[ "$(id -u)" = 0 ] && AS_USER=(--user nobody)
urls=()
for ((s = 0; s < SERVERS; s++)); do
  "$SERVER" --ledger "$LEDGER" --key dev.key --listen 127.0.0.1:0 --threads 4 "${AS_USER[@]}" </dev/null 2>"server$s.log" &
  SERVER_PIDS+=($!)
done
for ((s = 0; s < SERVERS; s++)); do
  for ((i = 0; i < 200; i++)); do
    u=$(sed -n 's/^seatkey-server: listening on \([^ ]*\) .*/\1/p' "server$s.log")
    [ -n "$u" ] && break
    kill -0 "${SERVER_PIDS[$s]}" 2>/dev/null || { cat "server$s.log" >&2; fail "server $s exited before listening"; }
    sleep 0.1
  done
  [ -n "$u" ] || fail "server $s did not listen within 20 s"
  urls+=("${u%/}")
done

client() {  # client SERVER N: REQUESTS POSTs; each answer's body is a line of answers.S.N
  local s=$1 c=$2 i status
  for ((i = 0; i < REQUESTS; i++)); do
    status=$(curl -sS -o "answer.$s.$c" -w '%{http_code}' --max-time 60 -X POST \
      -H "Authorization: Bearer $SHOP" -H 'Content-Type: application/json' \
      --data-binary "{\"appliance\":\"$A\",\"users\":1,\"order\":\"web-$s-$c-$i\"}" \
      "${urls[$s]}/v1/licenses/users" 2>>"errors.curl.$s.$c") || status="curl failed"
    if [ "$status" != 201 ]; then
      echo "server $s client $c request $i: $status $(head -c 300 "answer.$s.$c")" >>"failed.curl.$s.$c"
    fi
    tr -d '\n' <"answer.$s.$c" >>"answers.$s.$c"
    echo >>"answers.$s.$c"
  done
}
issuer() {  # issuer N: RUNS commands of PACKS packs; the tokens into tokens.N
  local w=$1 i
  for ((i = 0; i < RUNS; i++)); do
    env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue users --appliance "$A" --users 1 \
      --count "$PACKS" --order "cli-$w-$i" </dev/null >>"tokens.$w" 2>>"errors.cli.$w" ||
      echo "issuer $w run $i: exit $?" >>"failed.cli.$w"
  done
}
start=$(date +%s.%N)
pids=()
for ((s = 0; s < SERVERS; s++)); do
  for ((c = 0; c < CLIENTS; c++)); do client "$s" "$c" & pids+=($!); done
done
for ((w = 0; w < ISSUERS; w++)); do issuer "$w" & pids+=($!); done
for pid in "${pids[@]}"; do wait "$pid"; done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
for f in failed.*; do
  [ ! -e "$f" ] || { cat failed.* >&2; tail -n 5 errors.* server*.log >&2; fail "a request or command failed"; }
done
! grep -qiE 'error|busy|lost' errors.cli.* 2>/dev/null || { cat errors.cli.* >&2; fail "an issuer reported an error"; }
web=$((SERVERS * CLIENTS * REQUESTS))
cli=$((ISSUERS * RUNS * PACKS))
total=$((1 + web + cli))
echo "$web packs through $SERVERS servers and $cli through $ISSUERS CLI issuers in ${elapsed} s"

# Every serial and every link given once, none skipped (the token's creation is link 2).
expect_eq "$(pg_sql "$LEDGER" "SELECT COUNT(*), COUNT(DISTINCT serial), MIN(serial), MAX(serial),
  COUNT(DISTINCT chain_seq), MAX(chain_seq) FROM licenses")" "$total|$total|1|$total|$total|$((total + 1))" \
  "(rows, distinct serials, first and last, distinct links, last link)"
expect_eq "$(pg_sql "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE written_by = 'webshop'")" "$web" "(rows the servers wrote)"

# The tokens printed and answered are the ledger's packs, each once.
cat tokens.* >cli.txt
python3 -c 'import json, sys
for path in sys.argv[1:]:
    for line in open(path):
        for l in json.loads(line)["licenses"]:
            print(l["token"])' answers.* >web.txt || fail "cannot read the servers' answers"
expect_eq "$(wc -l <cli.txt)" "$cli" "(tokens the CLI printed)"
expect_eq "$(wc -l <web.txt)" "$web" "(tokens the servers answered)"
sort cli.txt web.txt >printed.txt
expect_eq "$(sort -u printed.txt | wc -l)" $((web + cli)) "(distinct tokens printed)"
pg_sql "$LEDGER" "SELECT token FROM licenses WHERE kind = 'users'" | sort >recorded.txt
cmp -s printed.txt recorded.txt || fail "the printed tokens are not the ledger's packs"

keygen ledger verify
expect_rc 0 "ledger verify after the concurrent writers"
expect_err "verifies: $((total + 1)) links ($total licenses, 0 revocation lists, 0 events, 1 token event)"
# The event feed on PostgreSQL: a page from the middle of the chain, read from its index.
curl -sS -o out --max-time 60 -H "Authorization: Bearer $SHOP" "${urls[1]}/v1/events?after=100&limit=3" ||
  fail "GET /v1/events"
expect_eq "$(json '[[e["seq"], e["type"], e["license"]["serial"]] for e in d["events"]] + [d["next_after"], d["more"]]')" \
  "[$(pg_sql "$LEDGER" "SELECT string_agg('[' || chain_seq || ', \"issue\", ' || serial || ']', ', ' ORDER BY chain_seq)
    FROM licenses WHERE chain_seq BETWEEN 101 AND 103"), 103, true]" "(a page of the feed)"
keygen export --appliance "$A"
expect_rc 0 "export"
cp out a.lic
expect_out "# vm, $((1 + web + cli)) users (1 included + $((web + cli)) in packs, no maximum)"
run "$VERIFY" --appliance "$A" --licenses a.lic --trusted-keys dev.public --json
expect_rc 0 "seatkey-verify of the exported license file"
expect_eq "$(json '[d["licensed"], d["licensed_users"], len(d["accepted"]), len(d["rejected"])]')" \
  "[true, $((1 + web + cli)), $((1 + web + cli)), 0]" "(licensed, users, accepted and rejected licenses)"

# The database drops every connection (a restart, a failover): each server thread's next request
# finds its connection lost, answers 503 with Retry-After and nothing recorded, and the one after
# opens a new connection and works.
db=$(pg_database_name "$LEDGER")
dropped=$(pg_sql "$LEDGER" "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
  WHERE datname = '$db' AND pid <> pg_backend_pid()")
[ "$dropped" -ge 1 ] || fail "no server connection to drop"
created=0 unavailable=0
for ((i = 0; i < 12; i++)); do
  status=$(curl -sS -o after.json -D after.headers -w '%{http_code}' --max-time 60 -X POST \
    -H "Authorization: Bearer $SHOP" -H 'Content-Type: application/json' \
    --data-binary "{\"appliance\":\"$A\",\"users\":1,\"order\":\"after-drop-$i\"}" "${urls[0]}/v1/licenses/users")
  case "$status" in
    201) created=$((created + 1)) ;;
    503)
      unavailable=$((unavailable + 1))
      grep -qF "the connection to the database server was lost" after.json || fail "503 without the reason: $(cat after.json)"
      grep -qi '^Retry-After:' after.headers || fail "503 without Retry-After"
      [ "$created" -eq 0 ] || fail "a 503 after a request on a new connection had worked"
      ;;
    *) cat server0.log >&2; fail "request $i after the connections were dropped: $status $(cat after.json 2>/dev/null)" ;;
  esac
done
[ "$unavailable" -le 4 ] || fail "$unavailable requests failed after the drop: more than the server's 4 connections"
[ "$created" -ge 8 ] || fail "only $created requests worked after the drop"
total=$((total + created))
echo "after $dropped connections were dropped: $unavailable answered 503, then $created issued"
expect_eq "$(pg_sql "$LEDGER" "SELECT COUNT(*), COUNT(DISTINCT serial) FROM licenses")" "$total|$total" \
  "(rows after the drop: only what was answered 201)"
keygen ledger verify
expect_rc 0 "ledger verify after the dropped connections"

for ((s = 0; s < SERVERS; s++)); do
  kill -TERM "${SERVER_PIDS[$s]}"
  rc=0
  wait "${SERVER_PIDS[$s]}" || rc=$?
  [ "$rc" -eq 0 ] || { cat "server$s.log" >&2; fail "server $s exited $rc after SIGTERM"; }
done
SERVER_PIDS=()
pass
