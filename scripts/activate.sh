#!/usr/bin/env bash
# The PBX side of activating an appliance online, with curl: what the appliance's firmware does
# when its admin types a license key (docs/firmware.md, "Activating an appliance").
#
#   scripts/activate.sh --server URL --code CODE --appliance ID --licenses DIR [--trusted-keys FILE]
#
# 1. POST URL/v1/activations {"code", "appliance"} (no token: the code is the credential),
#    asking for the license file as text/plain;
# 2. seatkey-verify install FILE --licenses DIR: verified for this appliance and installed
#    atomically, the previous file kept hidden from the boot check;
# 3. the boot check: seatkey-verify --licenses DIR --appliance ID.
# SEATKEY_VERIFY names the seatkey-verify program (default: seatkey-verify in PATH). Exit 0 when
# the appliance is licensed; 1 when the server or the install refused (its words on stderr).
set -euo pipefail

usage() {
  echo "usage: $0 --server URL --code CODE --appliance ID --licenses DIR [--trusted-keys FILE]" >&2
  exit 2
}

server="" code="" appliance="" licenses="" keys=()
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=${2:-} ;;
    --code) code=${2:-} ;;
    --appliance) appliance=${2:-} ;;
    --licenses) licenses=${2:-} ;;
    --trusted-keys) keys=(--trusted-keys "${2:-}") ;;
    *) usage ;;
  esac
  shift 2 || usage
done
[ -n "$server" ] && [ -n "$code" ] && [ -n "$appliance" ] && [ -n "$licenses" ] || usage
verify=${SEATKEY_VERIFY:-seatkey-verify}

# What people type: letters, digits, spaces, '-' and ':'; anything else never reaches the JSON.
for value in "$code" "$appliance"; do
  [[ "$value" =~ ^[A-Za-z0-9\ :-]+$ ]] || { echo "activate.sh: not a license key or an appliance ID: $value" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=$(curl -sS --max-time 60 -o "$work/answer" -w '%{http_code}' \
  -H 'Content-Type: application/json' -H 'Accept: text/plain' \
  --data-binary "{\"code\":\"$code\",\"appliance\":\"$appliance\"}" "${server%/}/v1/activations")
if [ "$status" != 200 ]; then
  # A problem (RFC 9457): its detail says what to do; 429 says when to try again.
  detail=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("detail", ""))' "$work/answer" 2>/dev/null ||
    head -c 300 "$work/answer")
  echo "activate.sh: the server refused the activation ($status): $detail" >&2
  exit 1
fi
"$verify" install "$work/answer" --licenses "$licenses" --appliance "$appliance" "${keys[@]}" || exit 1
"$verify" --licenses "$licenses" --appliance "$appliance" "${keys[@]}"
