#!/usr/bin/env bash
# ctest-name: server cli: SIGTERM: requests in flight finish, then exit 0
# ctest: needs=keygen,verify,server seconds=10
# SIGTERM: the server stops taking connections, lets the requests in flight finish (their
# answers sent, their rows committed) and exits 0; its signer goes with it.
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
SHOP=$(make_token shop webshop)
start_server
api POST /v1/licenses/server "$SHOP" '{"appliance":"vm-0001","edition":"vm"}'
expect_status 201
signer=$(signer_pid)

# A request in flight when SIGTERM comes: its body still arriving (over 3 s), then 2,000 packs
# to sign and record.
PORT=${URL##*:}
python3 "$SOURCE_DIR/tests/server/hostile_client.py" 127.0.0.1 "${PORT%/}" slow-post "$SHOP" /v1/licenses/users \
  '{"appliance":"vm-0001","users":1,"count":2000}' 3 >inflight.out 2>inflight.err &
client=$!
# SIGTERM once the request is in flight (a fixed sleep lost that race on a loaded machine).
for ((i = 0; i < 300; i++)); do grep -q "in flight" inflight.err 2>/dev/null && break; sleep 0.1; done
grep -q "in flight" inflight.err || fail "the client never got its request in flight: $(cat inflight.err)"
kill -TERM "$SERVER_PID"
wait "$client" || fail "the client in flight failed: $(cat inflight.err)"
expect_eq "$(head -1 inflight.out | cut -d' ' -f1-2)" "HTTP/1.1 201" "(the request in flight)"
expect_eq "$(tail -n +2 inflight.out | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["licenses"]))')" 2000
rc=0
wait "$SERVER_PID" || rc=$?
SERVER_PID=""
expect_eq "$rc" 0 "(exit status after SIGTERM)"
grep -q "stopping (SIGTERM)" server.log || fail_server "no 'stopping (SIGTERM)' in the log"
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE kind = 'users'")" 2000
# Its signer is gone too, and nothing listens any more.
for ((i = 0; i < 50; i++)); do kill -0 "$signer" 2>/dev/null || break; sleep 0.1; done
kill -0 "$signer" 2>/dev/null && fail "the signer outlived the server"
curl -s --max-time 2 "${URL%/}/healthz" >/dev/null && fail "still listening after SIGTERM"
keygen ledger verify
expect_rc 0 "ledger verify"
pass
