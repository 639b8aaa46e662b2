#!/usr/bin/env bash
# ctest-name: server cli: OpenAPI: every recorded answer matches /v1/openapi.json (Ajv, npm)
# ctest: needs=keygen,verify,server,interop seconds=30 answers=check
# The OpenAPI document at /v1/openapi.json against the real server: every answer the server
# scripts got (each recorded while it ran as its own test: `answers=record`) is checked by Ajv
# (npm, JSON Schema 2020-12) for its status, content type and body; every operation of the
# document must have been recorded, and every problem type answered (or listed, with why no
# script over HTTP can provoke it, in tests/server/openapi/unrecorded-problems.json).
# Expects NODE, NPM, OPENAPI_SOURCE (tests/server/openapi), OPENAPI_DIR (in the build folder) and
# RECORDED_DIR (the recording scripts' answers).
. "$SOURCE_DIR/tests/server/lib.sh"

npm_ci "$OPENAPI_SOURCE" "$OPENAPI_DIR" ajv
cp "$OPENAPI_SOURCE/validate.js" "$OPENAPI_DIR/validate.js"

recorders=$(grep -l '^# ctest: .*answers=record' "$SOURCE_DIR"/tests/server/*.sh | wc -l)
records=("$RECORDED_DIR"/*.jsonl)
[ -e "${records[0]}" ] || fail "nothing recorded in $RECORDED_DIR"
[ "${#records[@]}" -eq "$recorders" ] ||
  fail "${#records[@]} recordings in $RECORDED_DIR for $recorders recording scripts: $(ls "$RECORDED_DIR")"
cat "${records[@]}" >responses.jsonl
[ "$(wc -l <responses.jsonl)" -gt 50 ] || fail "only $(wc -l <responses.jsonl) responses recorded"

# The document the server serves is the one checked.
dev_key
init_ledger
start_server
api GET /v1/openapi.json
expect_status 200
cp out openapi.json
"$SERVER" --openapi >printed.json || fail "seatkey-server --openapi failed"
cmp -s openapi.json printed.json || fail "/v1/openapi.json is not what seatkey-server --openapi prints"
stop_server
unrecorded="$OPENAPI_SOURCE/unrecorded-problems.json"
run "$NODE" "$OPENAPI_DIR/validate.js" openapi.json responses.jsonl "$unrecorded"
expect_rc 0 "node validate.js: $(cat err)"
expect_out "responses of 26 operations match openapi.json"

# The check can fail: a field the document does not allow is named.
python3 - <<'PY'
import json
lines = open("responses.jsonl").read().splitlines()
for i, line in enumerate(lines):
    r = json.loads(line)
    if r["method"] == "POST" and r["path"] == "/v1/licenses/server" and r["status"] == 201:
        body = json.loads(r["body"])
        body["licenses"][0]["colour"] = "red"
        r["body"] = json.dumps(body)
        lines[i] = json.dumps(r)
        break
open("tampered.jsonl", "w").write("\n".join(lines) + "\n")
PY
run "$NODE" "$OPENAPI_DIR/validate.js" openapi.json tampered.jsonl
expect_rc 1 "node validate.js on a tampered answer"
expect_err "POST /v1/licenses/server -> 201:"
expect_err "must NOT have unevaluated properties"

# A problem type that no answer has any more is named (here: every pack-size refusal left out).
grep -v 'problem:pack-size' responses.jsonl >no_pack_size.jsonl
run "$NODE" "$OPENAPI_DIR/validate.js" openapi.json no_pack_size.jsonl "$unrecorded"
expect_rc 1 "node validate.js without a pack-size answer"
expect_err "problem type pack-size: no recorded answer has it"

# Nor is a status the document has nowhere let through for a path outside the API.
printf '%s\n' '{"method": "GET", "path": "/nowhere", "status": 418, "content_type": "application/problem+json", "body": "{}"}' >odd.jsonl
run "$NODE" "$OPENAPI_DIR/validate.js" openapi.json odd.jsonl
expect_rc 1 "node validate.js on an undocumented status"
expect_err "GET /nowhere -> 418: no such operation in the document, nor a status answered before routing"
pass
