#!/usr/bin/env bash
# ctest-name: server cli: hostile clients: large, slow, malformed and many requests; nothing written, others served
# ctest: needs=keygen,verify,server seconds=60 answers=record
# Hostile clients: a body over 1 MiB is refused before it is read (413), headers or a body
# dribbled are cut off within --header-timeout/--body-timeout, malformed JSON is 400, another
# content type 415, tricks in path IDs 400 or 404, hundreds of connections from one address
# are bounded while another client is served, and so are those of many addresses together.
# None of it writes anything.
. "$SOURCE_DIR/tests/server/lib.sh"
hostile() { python3 "$SOURCE_DIR/tests/server/hostile_client.py" 127.0.0.1 "$PORT" "$@"; }

dev_key
init_ledger
SHOP=$(make_token shop webshop)
CLERK=$(make_token clerk desk)
"$KEYGEN" issue server --ledger "$LEDGER" --key dev.key --appliance "$A" --edition compact >/dev/null 2>&1 ||
  fail "issue server"
start_server --header-timeout 2 --body-timeout 2 --max-connections 120 --max-connections-per-address 40
PORT=${URL##*:}
PORT=${PORT%/}
before=$(ledger_dump)

# Over 1 MiB: 413 as soon as the headers are in (the client sent no body byte).
expect_eq "$(hostile big "$SHOP" | cut -d" " -f1-2)" "HTTP/1.1 413"
api POST /v1/orders "$SHOP" "" -H 'Content-Type: application/json' --data-binary @<(head -c 1048577 /dev/zero | tr '\0' ' ')
expect_problem 413 too-large "=the request body is 1048577 bytes; at most 1048576 (1 MiB) are read: split the orders"

# Malformed JSON, duplicated keys, deep nesting: 400 with the keygen's words.
# The detail says where, in plain words: never the JSON parser's own message.
api POST /v1/licenses/server "$SHOP" "{\"appliance\":\"$A\","
expect_problem 400 bad-input "=the order is not valid JSON: it ends before the JSON is complete"
api POST /v1/licenses/server "$SHOP" $'{\n "appliance": x}'
expect_problem 400 bad-input "=the order is not valid JSON: unexpected text at line 2, column 15 (byte 17)"
api POST /v1/orders "$SHOP" '[{"type":"users","count":1e999}]'
expect_problem 400 bad-input "=orders file is not valid JSON: a number is too large to read"
api POST /v1/licenses/server "$SHOP" "{\"appliance\":\"$A\",\"edition\":\"vm\",\"edition\":\"free\"}"
expect_problem 400 bad-input '=duplicated key "edition"'
api POST /v1/orders "$SHOP" '[[[[[[[[[[{}]]]]]]]]]]'
expect_problem 400 bad-input "nests too deeply"
api POST /v1/licenses/1/void "$CLERK" '{"reason":"x"'
expect_problem 400 bad-input "the request is not valid JSON"
# Not JSON by its Content-Type: 415 before the body is read.
api POST /v1/licenses/server "$SHOP" "" -H 'Content-Type: text/plain' --data-binary "{\"appliance\":\"$A\"}"
expect_problem 415 unsupported-media-type '=the request body must be JSON: Content-Type: application/json, not "text/plain"'
expect_header "Accept-Post: application/json"
api POST /v1/licenses/server "$SHOP" "" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "a=b"
expect_problem 415 unsupported-media-type "the request body must be JSON"

# Tricks in path IDs: never another resource, never a file.
for path in "/v1/licenses/..%2F..%2Fetc%2Fpasswd" "/v1/licenses/1%2Fvoid" "/v1/appliances/%00" \
  "/v1/licenses/1%00" "/v1/appliances/..%2F" "/v1/licenses/%ZZ"; do
  api GET "$path" "$SHOP" "" --path-as-is
  case "$STATUS" in 400 | 404) ;; *) fail "GET $path: HTTP $STATUS" ;; esac
  grep -qi '^content-type: application/problem+json' headers || fail "GET $path: not a problem"
done
api GET "/v1/licenses/%00" "$SHOP"
expect_problem 400 bad-input "=the request path holds a NUL byte"
api GET "/v1/appliances/$(printf 'A%.0s' {1..200})" "$SHOP"
expect_problem 400 bad-input "=invalid appliance ID: 200 characters, over 64"
api GET "/v1/licenses/$(printf '9%.0s' {1..200})" "$SHOP"
expect_problem 400 bad-input "=not a serial: 200 characters"
api POST "/v1/licenses/$(printf '9%.0s' {1..30})/void" "$CLERK" '{"reason":"x"}'
expect_problem 400 bad-input "not a serial"
api GET "/v1/licenses/../../etc/passwd" "$SHOP" "" --path-as-is
expect_problem 404 not-found "no such resource"
api GET "/$(printf 'x%.0s' {1..9000})" "$SHOP"
expect_problem 414 target-too-long ""
api GET "/v1/licenses?customer=$(printf 'x%.0s' {1..9000})" "$SHOP"
expect_problem 414 target-too-long ""
api DELETE /v1/licenses/1 "$CLERK"
expect_problem 405 method-not-allowed "=this resource takes GET (and HEAD), not DELETE"
expect_header "Allow: GET, HEAD"
api PUT /v1/licenses/server "$CLERK" '{}'
expect_problem 405 method-not-allowed "=this resource takes POST, not PUT"
expect_header "Allow: POST"

# Slow clients are disconnected within the timeouts (2 s, the watchdog looks every 0.25 s).
read -r state took <<<"$(hostile dribble-headers 8)"
expect_eq "$state" closed "(headers dribbled for ${took} s)"
awk -v t="$took" 'BEGIN { exit !(t >= 1.5 && t <= 4) }' || fail "headers dribbled: closed after $took s, not about 2"
read -r state took <<<"$(hostile dribble-body "$SHOP" 10)"
expect_eq "$state" closed "(body dribbled for ${took} s)"
awk -v t="$took" 'BEGIN { exit !(t <= 6) }' || fail "body dribbled: closed after $took s"

# Hundreds of connections from one address: 40 kept (--max-connections-per-address), the
# rest closed; meanwhile a client from another address is served at once.
hostile flood 127.0.0.2 300 1.5 >flood.out &
flooder=$!
sleep 0.7
api GET /healthz
expect_status 200 "(served during the flood)"
[ "$ELAPSED_MS" -lt 1000 ] || fail "the other client waited $ELAPSED_MS ms"
api GET /v1/licenses "$SHOP"
expect_status 200
wait "$flooder"
read -r made kept <flood.out
[ "$made" -ge 40 ] || fail "the flood opened only $made connections"
expect_eq "$kept" 40 "(connections from the flooding address kept open)"

# None of it wrote anything, and the server still serves.
api GET /healthz
expect_status 200
[ "$(ledger_dump)" = "$before" ] || fail "a hostile request changed the ledger"
stop_server

# Four addresses at their 40 each, 160 connections, against --max-connections 120: the server
# takes 120 and stops accepting, so a new client waits unanswered until the floods end (the
# header timeout is long here, so that no flooding connection is cut off meanwhile).
start_server --header-timeout 30 --max-connections 120 --max-connections-per-address 40
PORT=${URL##*:}
PORT=${PORT%/}
floods=()
for from in 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6; do
  hostile flood "$from" 40 3 >"flood-$from.out" 2>"flood-$from.err" &
  floods+=($!)
done
for ((i = 0; i < 200; i++)); do
  [ "$(cat flood-*.err | grep -c '^connected$')" -eq 4 ] && break
  sleep 0.1
done
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${URL}healthz")" 000 \
  "(a client over --max-connections while the floods hold 120)"
wait "${floods[@]}"
api GET /healthz
expect_status 200 "(served once the floods end)"
stop_server
keygen ledger verify
expect_rc 0 "ledger verify"
pass
