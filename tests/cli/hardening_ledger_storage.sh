#!/usr/bin/env bash
# ctest-name: hardening: read-only or full ledger - a clear error, exit 2, no token printed, ledger unchanged
# ctest: needs=keygen,verify,mint seconds=20
# A ledger seatkey-keygen cannot write (read-only file system, or no write permission) or
# that fills up (a full file system, a file-size limit): `issue` exits 2 with a clear error,
# prints no token, and leaves the ledger as it was; the next issue on a sound disk works.
# Read-only and full file systems are small tmpfs mounts in a private mount namespace
# (unshare -m, as root); without that, root runs the permission case as nobody (setpriv),
# and the file-size limit (ulimit -f, which binds root too) always runs.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
init_ledger
issued 1 issue server --appliance "$A" --edition vm
issued 3 issue users --appliance "$A" --users 5 --count 3

# no_token_ledger_unchanged WHAT BEFORE: exit 2, nothing on stdout, the ledger dump unchanged.
no_token_ledger_unchanged() {
  expect_rc 2 "$1"
  expect_no_out
  [ "$(ledger_dump)" = "$2" ] || fail "the ledger changed: $1"
  expect_eq "$(sqlite3 "$LEDGER" 'PRAGMA integrity_check')" ok "(integrity_check after $1)"
}

# --- Full: a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so writes fail with EFBIG).
before=$(ledger_dump)
size_kib=$(($(stat -c %s "$LEDGER") / 1024 + 8))
# shellcheck disable=SC2016 # expanded by the inner bash
run bash -c 'trap "" XFSZ; ulimit -f "$1"; shift; exec "$@"' limit "$size_kib" \
  env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue users --appliance "$A" --users 1 --count 2000
no_token_ledger_unchanged "issue past a file-size limit" "$before"
expect_err "seatkey-keygen: error: ledger $LEDGER: cannot commit: disk I/O error"
issued 2 issue users --appliance "$A" --users 1 --count 2 # the limit lifted, issuing works

# --- Read-only and full file systems (tmpfs in a private mount namespace).
# shellcheck disable=SC2016 # expanded by the inner sh
if [ "$(id -u)" -eq 0 ] && unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1"' sh "$SCRATCH" 2>/dev/null; then
  cat >in-namespace.sh <<'EOF'
# Runs in `unshare -m`: MODE ro|full; copies the ledger onto a small tmpfs, issues into it.
set -u
mkdir -p mnt
ledger_kib=$(($(stat -c %s ledger.db) / 1024))
mount -t tmpfs -o size=$((ledger_kib + 96))k tmpfs mnt || exit 99
cp dev.key ledger.db mnt/
[ "$MODE" = ro ] && { mount -o remount,ro mnt || exit 99; }
env SEATKEY_KEY=mnt/dev.key SEATKEY_LEDGER=mnt/ledger.db "$KEYGEN" "$@" >out 2>err </dev/null
echo $? >rc
sqlite3 mnt/ledger.db .dump >dump-after 2>&1
sqlite3 mnt/ledger.db 'PRAGMA integrity_check' >integrity 2>&1
EOF
  in_namespace() { # MODE ARGS...: issue ARGS on a read-only or full copy of the ledger
    local mode=$1
    shift
    env MODE="$mode" KEYGEN="$KEYGEN" unshare -m bash in-namespace.sh "$@"
    RC=$(cat rc)
    TESTS_RUN=$((TESTS_RUN + 1))
  }
  before=$(ledger_dump)
  in_namespace ro issue users --appliance "$A" --users 5
  expect_rc 2 "issue into a ledger on a read-only file system"
  expect_err "seatkey-keygen: error: cannot write ledger mnt/ledger.db: Read-only file system"
  expect_no_out
  printf '[{"type":"users","appliance":"%s","users":1,"count":2}]' "$A" >orders.json
  in_namespace ro issue batch --orders orders.json
  expect_rc 2 "issue batch into a ledger on a read-only file system"
  expect_err "cannot write ledger mnt/ledger.db: Read-only file system"
  expect_no_out

  in_namespace full issue users --appliance "$A" --users 1 --count 2000
  expect_rc 2 "issue into a ledger on a full file system"
  expect_err "seatkey-keygen: error: ledger mnt/ledger.db: cannot commit: database or disk is full"
  expect_no_out
  [ "$(cat dump-after)" = "$before" ] || fail "a full file system changed the ledger"
  expect_eq "$(cat integrity)" ok "(integrity_check of the full ledger)"
  [ "$(ledger_dump)" = "$before" ] || fail "the original ledger changed"
else
  echo "skipped: read-only and full file systems (needs root and unshare -m with tmpfs mounts)"
fi

# --- No write permission: a ledger file or folder the issuer may not write.
mkdir shared
cp "$LEDGER" shared/ledger.db
cp dev.key nobody.key
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || fail "running as root without setpriv: cannot test a read-only ledger"
  chmod 755 "$SCRATCH" shared
  chmod a+r "$LEDGER"
  chown 65534 nobody.key shared/ledger.db
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
  chmod a-w "$LEDGER" "$SCRATCH" shared
fi
before=$(ledger_dump)
run "${as_user[@]}" env SEATKEY_KEY=nobody.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" issue users --appliance "$A" --users 5
no_token_ledger_unchanged "issue into a ledger without write permission" "$before"
expect_err "seatkey-keygen: error: cannot write ledger $LEDGER: Permission denied"
run "${as_user[@]}" env SEATKEY_KEY=nobody.key SEATKEY_LEDGER=shared/ledger.db "$KEYGEN" issue users --appliance "$A" --users 5
expect_rc 2 "issue into a writable ledger in a read-only folder"
expect_err "cannot write ledger shared/ledger.db: its folder shared: Permission denied"
expect_no_out
chmod u+w "$SCRATCH" "$LEDGER" shared
issued 1 issue users --appliance "$A" --users 5 # the owner still issues

pass
