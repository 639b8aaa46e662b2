#!/usr/bin/env bash
# The back office over HTTP: seatkey-server on the demo's ledger (scripts/demo.sh makes it when
# it is not there yet), with a fresh clerk API token, on 127.0.0.1; prints the URL and the token,
# then serves until Ctrl-C (SIGTERM: requests in flight finish).
#   scripts/demo-server.sh               (after scripts/setup.sh; SEATKEY_LISTEN=127.0.0.1:8420)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${SEATKEY_BUILD_DIR:-build}
demo="$root/$build/demo/back-office"

[ -f "$demo/ledger.db" ] || scripts/demo.sh >/dev/null
cmake --build "$build" -j "${SEATKEY_JOBS:-$(nproc)}" --target seatkey-server seatkey-keygen >/dev/null
cd "$demo"
export SEATKEY_PASSPHRASE="demo passphrase, not secret"  # the demo's throwaway key (scripts/demo.sh)
token=$("$root/$build/keygen/seatkey-keygen" token create --ledger ledger.db --role clerk \
  --name "demo-desk-$(date +%Y%m%dT%H%M%S)-$$" 2>/dev/null)
: >server.log  # there before the server opens it: the loop below may look first
as_user=()
[ "$(id -u)" = 0 ] && as_user=(--user nobody)  # started as root, the HTTP process changes user
"$root/$build/server/seatkey-server" --ledger ledger.db --key vendor.key \
  --listen "${SEATKEY_LISTEN:-127.0.0.1:8420}" "${as_user[@]}" 2>server.log &
server=$!
# However this script ends, the server ends with it (SIGTERM: requests in flight finish).
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' EXIT INT TERM
url=""
for ((i = 0; i < 100; i++)); do
  url=$(sed -n 's/^seatkey-server: listening on \([^ ]*\) .*/\1/p' server.log)
  kill -0 "$server" 2>/dev/null || { cat server.log >&2; exit 1; }
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat server.log >&2; exit 1; }
echo "seatkey-server on the demo ledger: $url"
echo "API token (role clerk): $token"
echo "try: curl -H 'Authorization: Bearer $token' ${url}v1/appliances/001A2B3C4D5E"
echo "(log: $demo/server.log; Ctrl-C stops it)"
wait "$server"
