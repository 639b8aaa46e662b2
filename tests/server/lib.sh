# shellcheck shell=bash
# Helpers for the seatkey-server tests (sourced by tests/server/*.sh): a scratch ledger with the
# development key, API tokens, a server on a free port of 127.0.0.1 (stopped when the script
# ends), and curl requests whose answers are checked like the CLI tests' commands.
# Expects KEYGEN, SERVER, SOURCE_DIR (and VERIFY for some) in the environment.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"

SERVER_PID=""
URL=""
# Requests answered while recording (a JSON line each) for the OpenAPI check; a script's run
# starts its record afresh.
RECORD=${RECORD:-}
if [ -n "$RECORD" ]; then
  mkdir -p "$(dirname "$RECORD")"
  : >"$RECORD"
fi

cleanup_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  # Its signer dies with it (PR_SET_PDEATHSIG).
  rm -rf "$SCRATCH"
}
trap cleanup_server EXIT

fail_server() {
  echo "--- server.log:" >&2
  tail -n 40 server.log >&2 2>/dev/null
  fail "$@"
}

# start_server [ARGS...]: seatkey-server on $LEDGER with dev.key on a free port; sets URL and
# SERVER_PID once it listens (at most 20 s). SERVER_AS: a command (an array) that runs it, such as
# setpriv as another user. Started as root (CI), its HTTP process becomes nobody (--user).
SERVER_AS=()
start_server() {
  : >server.log
  [ "$(id -u)" = 0 ] && [ ${#SERVER_AS[@]} -eq 0 ] && set -- --user nobody "$@"
  ${SERVER_AS[@]+"${SERVER_AS[@]}"} "$SERVER" --ledger "$LEDGER" --key dev.key --listen 127.0.0.1:0 "$@" </dev/null 2>>server.log &
  SERVER_PID=$!
  local i
  for ((i = 0; i < 200; i++)); do
    URL=$(sed -n 's/^seatkey-server: listening on \([^ ]*\) .*/\1/p' server.log)
    [ -n "$URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || fail_server "seatkey-server $* exited before listening"
    sleep 0.1
  done
  fail_server "seatkey-server did not listen within 20 s"
}

# stop_server [EXPECTED_STATUS]: SIGTERM, then its exit status must be EXPECTED_STATUS (0).
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null
  local rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  [ "$rc" -eq "${1:-0}" ] || fail_server "seatkey-server exited $rc after SIGTERM, expected ${1:-0}"
}

# signer_pid: the server's signer process (its only child).
signer_pid() { pgrep -P "$SERVER_PID" | head -1; }

# make_token ROLE NAME: prints a new API token (the ledger keeps its hash).
make_token() {
  "$KEYGEN" token create --ledger "$LEDGER" --role "$1" --name "$2" 2>/dev/null </dev/null ||
    fail "token create --role $1 --name $2"
}

# api METHOD PATH [TOKEN [BODY [CURL ARGS...]]]: the answer's body in ./out, its headers in
# ./headers, its status in $STATUS, how long curl took in $ELAPSED_MS (not the recording's time). A BODY is sent as JSON; "-" as TOKEN sends none.
api() {
  local method=$1 path=$2 token=${3:--} body=${4:-}
  shift $(($# < 4 ? $# : 4))
  local args=(-sS -o out -D headers -w '%{http_code} %{time_total}' --max-time 60 -X "$method")
  [ "$token" != - ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local answer took
  answer=$(curl "${args[@]}" "$@" "${URL%/}$path" 2>err) || fail "curl $method $path: $(cat err)"
  read -r STATUS took <<<"$answer"
  ELAPSED_MS=$(awk -v t="$took" 'BEGIN { printf "%d", t * 1000 }')
  TESTS_RUN=$((TESTS_RUN + 1))
  if [ -n "$RECORD" ]; then
    python3 - "$method" "$path" "$STATUS" >>"$RECORD" <<'PY'
import json, sys
lines = open("headers", encoding="latin-1").read().splitlines()
fields = dict((n.strip().lower(), v.strip()) for n, _, v in (l.partition(":") for l in lines[1:] if ":" in l))
print(json.dumps({"method": sys.argv[1], "path": sys.argv[2], "status": int(sys.argv[3]),
                  "content_type": fields.get("content-type", "").lower(), "headers": fields,
                  "body": open("out", encoding="utf-8", errors="replace").read()}))
PY
  fi
}

expect_status() { [ "$STATUS" = "$1" ] || fail "expected HTTP $1, got $STATUS ${2:-}"; }
expect_header() { grep -qiF -- "$1" headers || fail "the response headers lack: $1"; }
# expect_location PATH: the answer's Location header is PATH.
expect_location() { expect_eq "$(sed -n 's/^location: *//Ip' headers | tr -d '\r')" "$1" "(Location)"; }

# json EXPR: a Python expression over the answer's JSON `d`, printed (strings as they are).
json() {
  python3 -c 'import json, sys
d = json.load(open("out"))
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$1" || fail "cannot read $1 from: $(head -c 500 out)"
}

# expect_problem STATUS TYPE DETAIL: an RFC 9457 problem of that status and type whose detail
# contains DETAIL; DETAIL "=..." must be the whole detail.
expect_problem() {
  expect_status "$1" "($(head -c 300 out))"
  grep -qi '^content-type: application/problem+json' headers || fail "not application/problem+json: $(cat headers)"
  expect_eq "$(json 'd["type"]')" "urn:seatkey:problem:$2"
  expect_eq "$(json 'd["status"]')" "$1"
  local detail
  detail=$(json 'd["detail"]')
  case "$3" in
    =*) expect_eq "$detail" "${3#=}" "(problem detail)" ;;
    *) grep -qF -- "$3" <<<"$detail" || fail "problem detail lacks '$3': $detail" ;;
  esac
}

# cli_message ARGS...: what seatkey-keygen ARGS says on stderr (its first line, without the
# "seatkey-keygen: refused: " or "error: " prefix), to compare with the server's detail.
cli_message() {
  env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" "$@" </dev/null 2>&1 >/dev/null | head -1 |
    sed -E 's/^seatkey-keygen: (refused|error): //'
}
# cli_hint ARGS...: the command seatkey-keygen ARGS names on the line after its message ("" if none).
cli_hint() {
  env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" "$@" </dev/null 2>&1 >/dev/null | sed -n 2p
}
