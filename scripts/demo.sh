#!/usr/bin/env bash
# The whole story on one machine: build both tools, create a throwaway vendor key, issue a
# Compact server license and user packs for a demo appliance, void a pack sold by mistake and
# sign the revocation list, verify the ledger, export the license file to where a PBX keeps
# it, and run the appliance's boot check against it.
#   scripts/demo.sh        (after scripts/setup.sh; works in build/, the demo in build/demo/)
set -euo pipefail
exec 2>&1  # one stream, in order: the tools tell the desk what they did on stderr
cd "$(dirname "$0")/.."
root=$PWD
build=${SEATKEY_BUILD_DIR:-build}

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*" >&2; "$@"; }

step "Build seatkey-keygen and seatkey-verify"
cmake -S . -B "$build" -G Ninja ${SEATKEY_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "${SEATKEY_JOBS:-$(nproc)}" --target seatkey-keygen seatkey-verify
export PATH="$root/$build/keygen:$root/$build/verifier:$PATH"

demo="$root/$build/demo"
rm -rf "$demo"
mkdir -p "$demo/back-office" "$demo/pbx/etc/seatkey/licenses"
cd "$demo/back-office"

step "Back office: create a throwaway vendor key (cheap Argon2id: demo only) and its ledger"
export SEATKEY_PASSPHRASE="demo passphrase, not secret"
export SEATKEY_KEY=vendor.key SEATKEY_LEDGER=ledger.db
show seatkey-keygen key new --out vendor.key --insecure-fast-kdf --public-out vendor.public
cat vendor.public
show seatkey-keygen ledger init
ls -l vendor.key vendor.public ledger.db

appliance=00:1a:2b:3c:4d:5e
step "Back office: a Compact for appliance $appliance, then packs of 5, 5, 5, 1 and 1 users"
show seatkey-keygen issue server --appliance "$appliance" --edition compact \
  --customer "Demo Telecom GmbH" --order SO-1001 --updates-until 2030-12-31T23:59:59Z >/dev/null
show seatkey-keygen issue users --appliance "$appliance" --users 5 --count 3 --order SO-1002 >/dev/null
show seatkey-keygen issue users --appliance "$appliance" --users 1 --count 2 --order SO-1003 >/dev/null

step "Back office: a 21st user is refused (a Compact stops at 20), nothing is written"
set +e
show seatkey-keygen issue users --appliance "$appliance" --users 1 --order SO-1004
refused=$?
set -e
[ "$refused" -eq 1 ] || { echo "demo: expected the 21st user to be refused (exit 1), got $refused" >&2; exit 1; }
show seatkey-keygen ledger list --appliance "$appliance"

step "Back office: the last pack of 1 was sold by mistake: void it; its room is back for the right order"
show seatkey-keygen void 6 --reason "sold by mistake, ticket 17"
show seatkey-keygen issue users --appliance "$appliance" --users 1 --order SO-1004 >/dev/null
show seatkey-keygen revocations issue >revocations.lic
show seatkey-keygen revocations list

step "Back office: the ledger proves it was not altered; its head is kept elsewhere"
show seatkey-keygen ledger verify >head.txt
cat head.txt

step "Ship the license file to the PBX"
seatkey-keygen export --appliance "$appliance" >"$demo/pbx/etc/seatkey/licenses/001A2B3C4D5E.lic"
printf '%s\n' "$appliance" >"$demo/pbx/etc/seatkey/appliance-id"
cp vendor.public "$demo/pbx/etc/seatkey/trusted.keys"  # a firmware build compiles this key in
cd "$demo/pbx"
show cat etc/seatkey/licenses/001A2B3C4D5E.lic

step "PBX boot check"
show seatkey-verify --appliance-file etc/seatkey/appliance-id --licenses etc/seatkey/licenses \
  --trusted-keys etc/seatkey/trusted.keys
json=$(seatkey-verify --appliance-file etc/seatkey/appliance-id --licenses etc/seatkey/licenses \
  --trusted-keys etc/seatkey/trusted.keys --json)
field() { printf '%s\n' "$json" | sed -n "s/^  \"$1\": \(.*\),\$/\1/p"; }
summary="licensed=$(field licensed) edition=$(field edition) users=$(field licensed_users) max=$(field max_users)"
echo
echo "boot check (--json): $summary"
[ "$summary" = 'licensed=true edition="compact" users=20 max=20' ] ||
  { echo "demo: expected a licensed Compact with 20 users" >&2; exit 1; }
echo "demo: OK - the PBX is a licensed Compact with 20 users"
