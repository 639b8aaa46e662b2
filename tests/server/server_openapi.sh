#!/usr/bin/env bash
# The OpenAPI document at /v1/openapi.json against the real server: the endpoint and auth
# scripts run with every answer recorded, then Ajv (npm, JSON Schema 2020-12) checks each answer's
# status, content type and body against the document, and that every operation was recorded.
# Expects NODE, NPM, OPENAPI_SOURCE (tests/server/openapi) and OPENAPI_DIR (in the build folder).
. "$SOURCE_DIR/tests/server/lib.sh"

# npm ci into the build directory, never the source tree; skipped when the lock is unchanged.
mkdir -p "$OPENAPI_DIR"
if ! cmp -s "$OPENAPI_SOURCE/package-lock.json" "$OPENAPI_DIR/package-lock.json" ||
  [ ! -d "$OPENAPI_DIR/node_modules/ajv" ]; then
  cp "$OPENAPI_SOURCE/package.json" "$OPENAPI_SOURCE/package-lock.json" "$OPENAPI_DIR/"
  (cd "$OPENAPI_DIR" && "$NPM" ci --no-audit --no-fund --loglevel=error) >npm.log 2>&1 ||
    { cat npm.log >&2; fail "npm ci failed in $OPENAPI_DIR"; }
fi
cp "$OPENAPI_SOURCE/validate.js" "$OPENAPI_DIR/validate.js"

: >responses.jsonl
for script in server_api.sh server_auth.sh; do
  RECORD="$PWD/responses.jsonl" bash "$SOURCE_DIR/tests/server/$script" >"$script.log" 2>&1 ||
    { cat "$script.log" >&2; fail "$script failed while recording"; }
done
[ "$(wc -l <responses.jsonl)" -gt 50 ] || fail "only $(wc -l <responses.jsonl) responses recorded"

# The document the server serves is the one checked.
dev_key
init_ledger
start_server
api GET /v1/openapi.json
expect_status 200
cp out openapi.json
cmp -s openapi.json "$SOURCE_DIR/server/openapi.json" || fail "/v1/openapi.json is not server/openapi.json"
stop_server
run "$NODE" "$OPENAPI_DIR/validate.js" openapi.json responses.jsonl
expect_rc 0 "node validate.js: $(cat err)"
expect_out "responses of 15 operations match openapi.json"

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
pass
