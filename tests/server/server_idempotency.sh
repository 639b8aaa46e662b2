#!/usr/bin/env bash
# ctest-name: server cli: idempotency: a retry gets the first answer and issues nothing twice, also after a restart
# ctest: needs=keygen,verify,server seconds=30 answers=record
# Idempotency-Key: a retried POST (same token, key, path and body) gets the first answer and
# issues nothing twice, also after a restart of the server and when the first client was killed
# before it read its answer; the same key for another body is refused (422), nothing written.
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
SHOP=$(make_token shop webshop)
CLERK=$(make_token clerk desk)
start_server
order="{\"appliance\":\"$A\",\"edition\":\"compact\",\"order\":\"SO-1\"}"

api POST /v1/licenses/server "$SHOP" "$order" -H "Idempotency-Key: order-SO-1"
expect_status 201
cp out first.json
api POST /v1/licenses/server "$SHOP" "$order" -H "Idempotency-Key: order-SO-1"
expect_status 201
expect_header "Idempotent-Replayed: true"
cmp -s out first.json || fail "the retry's answer differs from the first: $(cat out)"
expect_location /v1/licenses/1
expect_eq "$(rows)" 1 "(rows after a retry)"

# Another body (or path) with the same key: 422, nothing written.
api POST /v1/licenses/server "$SHOP" "{\"appliance\":\"$A\",\"edition\":\"vm\"}" -H "Idempotency-Key: order-SO-1"
expect_problem 422 idempotency-key-reused '=Idempotency-Key "order-SO-1" of token "webshop" was used for another request (another path or body): nothing was written; a new request needs a new key'
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"users\":1}" -H "Idempotency-Key: order-SO-1"
expect_problem 422 idempotency-key-reused "was used for another request"
expect_eq "$(rows)" 1
# Keys are per token: another token's same key is its own request.
api POST /v1/licenses/1/void "$CLERK" '{"reason":"test"}' -H "Idempotency-Key: order-SO-1"
expect_status 200
cp out void.json
api POST /v1/licenses/1/void "$CLERK" '{"reason":"test"}' -H "Idempotency-Key: order-SO-1"
expect_status 200
cmp -s out void.json || fail "the void's retry answer differs"
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM events")" 1 "(events after a retried void)"
# A malformed key is refused before anything is read.
api POST /v1/licenses/server "$SHOP" "$order" -H "Idempotency-Key: $(printf 'x%.0s' {1..300})"
expect_problem 400 bad-input "Idempotency-Key must be given once, 1 to 255 visible ASCII characters"

# After a restart the answers are still there: they are in the ledger.
stop_server
start_server
api POST /v1/licenses/server "$SHOP" "$order" -H "Idempotency-Key: order-SO-1"
expect_status 201
expect_header "Idempotent-Replayed: true"
cmp -s out first.json || fail "the answer after a restart differs from the first"
expect_eq "$(rows)" 1 "(rows after a restart and a retry)"

# A client killed before it read its answer retries: 2,000 packs issued once. Whether the first
# request had committed or was still running, the retry gets its answer.
packs='{"appliance":"vm-0042","users":1,"count":2000}'
api POST /v1/licenses/server "$SHOP" '{"appliance":"vm-0042","edition":"vm"}'
expect_status 201
curl -sS -o /dev/null --max-time 60 -X POST -H "Authorization: Bearer $SHOP" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: packs-2000" --data-binary "$packs" "${URL%/}/v1/licenses/users" 2>/dev/null &
client=$!
sleep 0.2
kill -KILL "$client" 2>/dev/null
wait "$client" 2>/dev/null
api POST /v1/licenses/users "$SHOP" "$packs" -H "Idempotency-Key: packs-2000"
expect_status 201
expect_eq "$(json 'len(d["licenses"])')" 2000 "(licenses in the retry's answer)"
expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*) FROM licenses WHERE kind = 'users'")" 2000 \
  "(packs on record after a killed client's retry)"
expect_eq "$(json 'sorted(l["serial"] for l in d["licenses"]) == [r for r in range(d["licenses"][0]["serial"], d["licenses"][0]["serial"] + 2000)]')" true
stop_server
keygen ledger verify
expect_rc 0 "ledger verify"
pass
