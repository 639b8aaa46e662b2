# Helpers for CLI tests that need licenses without seatkey-keygen: payloads for
# seatkey-test-mint (tests/tools/mint.cpp) signed by the development key or a test key.
# Source after lib.sh. Expects MINT and SOURCE_DIR in the environment.

DEV_SECRET="$SOURCE_DIR/keys/development.secret"
DEV_PUBLIC="$SOURCE_DIR/keys/development.public"
APPLIANCE=001A2B3C4D5E       # the appliance under test (canonical)
OTHER_APPLIANCE=0099AABBCCDD  # someone else's
NOW=2026-11-28T10:00:00Z     # every test evaluates at this time

# server_payload SERIAL EDITION [APPLIANCE] [EXTRA_MEMBERS]  (EXTRA e.g. ',"exp":"..."')
server_payload() {
  local users=1
  case "$2" in free | compact) users=3 ;; esac
  printf '{"iss":"Example PBX Vendor","jti":"%s","iat":"2026-11-01T09:00:00Z","kind":"server","appliance":"%s","edition":"%s","users":%s%s}' \
    "$1" "${3:-$APPLIANCE}" "$2" "$users" "${4:-}"
}

# pack_payload SERIAL USERS [APPLIANCE] [EXTRA_MEMBERS]
pack_payload() {
  printf '{"iss":"Example PBX Vendor","jti":"%s","iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"%s","users":%s%s}' \
    "$1" "${3:-$APPLIANCE}" "$2" "${4:-}"
}

# standby_payload SERIAL PRIMARY [APPLIANCE] [EXTRA_MEMBERS]: APPLIANCE the standby of PRIMARY
standby_payload() {
  printf '{"iss":"Example PBX Vendor","jti":"%s","iat":"2026-11-03T09:00:00Z","kind":"standby","appliance":"%s","primary":"%s"%s}' \
    "$1" "${3:-$APPLIANCE}" "$2" "${4:-}"
}

# mint [--key FILE] [mint options] PAYLOAD...: tokens on stdout (development key by default).
mint() {
  local key="$DEV_SECRET"
  if [ "${1:-}" = --key ]; then
    key=$2
    shift 2
  fi
  "$MINT" --key "$key" "$@" || fail "seatkey-test-mint failed"
}

# verify ARGS...: seatkey-verify at $NOW for $APPLIANCE, through run() (out, err, RC).
verify() {
  run "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" "$@"
}
