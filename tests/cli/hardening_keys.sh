#!/usr/bin/env bash
# ctest-name: hardening: key hygiene - 0600 keys, unsafe keys refused, passphrase never printed
# ctest: needs=keygen,verify,mint seconds=20
# Key hygiene beyond keygen_keys.sh: new key files are 0600 whatever the umask; a key or
# passphrase file that any group or other bit opens is refused, also behind a symlink; a wrong
# passphrase fails cleanly for every command that signs, writing nothing; and the passphrase
# (right or wrong) never appears on stdout or stderr of any command, error or --help, nor in
# the key file or the ledger.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"

PW='Tr0ub4dor&3-staple-horse-battery'
WRONG='wrong-Tr0ub4dor-passphrase'
printf '%s\n' "$PW" >pw.txt && chmod 600 pw.txt
printf '%s\n' "$WRONG" >wrong.txt && chmod 600 wrong.txt
: >all-output

# kg ARGS...: seatkey-keygen with SEATKEY_PASSPHRASE set; keeps every output for the final grep.
kg() {
  run env SEATKEY_PASSPHRASE="${KG_PASSPHRASE:-$PW}" SEATKEY_LEDGER="$LEDGER" "$KEYGEN" "$@" </dev/null
  cat out err >>all-output
}

# --- New key files are 0600 even under umask 000, with or without a passphrase.
(umask 000 && "$KEYGEN" key new --out pw.key --passphrase-file pw.txt --insecure-fast-kdf >pw.public 2>err) ||
  fail "key new under umask 000"
cat err >>all-output
expect_eq "$(stat -c %a pw.key)" 600 "(mode of a k4.secret-pw key made under umask 000)"
(umask 000 && "$KEYGEN" key new --out plain.key --no-passphrase >plain.public 2>>all-output) ||
  fail "key new --no-passphrase under umask 000"
expect_eq "$(stat -c %a plain.key)" 600 "(mode of a k4.secret key made under umask 000)"
grep -q '^k4\.secret-pw\.' pw.key || fail "pw.key is not a k4.secret-pw key"

# --- Any group or other permission bit on a key or passphrase file is refused.
for mode in 400 600 700; do
  chmod "$mode" plain.key
  kg key public --key plain.key
  expect_rc 0 "key file mode $mode"
done
for mode in 640 604 620 602 610 601 660 644 666 777; do
  chmod "$mode" plain.key
  kg key public --key plain.key
  expect_rc 2 "key file mode $mode"
  expect_err "permissions 0$mode for key file plain.key are too open"
  expect_no_out
  chmod "$mode" pw.txt
  kg key public --key pw.key --passphrase-file pw.txt
  expect_rc 2 "passphrase file mode $mode"
  expect_err "passphrase file pw.txt are too open"
  expect_no_out
done
chmod 600 plain.key pw.txt
# A private-looking symlink to an open file: the file's mode counts.
cp plain.key open.key && chmod 644 open.key
ln -s open.key link.key
kg key public --key link.key
expect_rc 2 "a symlink to a 0644 key file"
expect_err "too open"

# --- A wrong passphrase: exit 2, a clear message, no token, the ledger untouched.
KG_PASSPHRASE=$WRONG kg ledger init --key pw.key
expect_rc 2 "ledger init with a wrong passphrase"
expect_err "wrong passphrase for key file pw.key"
[ ! -e "$LEDGER" ] || fail "ledger init with a wrong passphrase made a ledger"
kg ledger init --key pw.key
expect_rc 0 "ledger init with the right passphrase"
kg issue server --key pw.key --appliance "$A" --edition vm
expect_rc 0 "issue with the right passphrase"
before=$(ledger_dump)
printf '[{"type":"users","appliance":"%s","users":5}]' "$A" >orders.json
for cmd in "key public" "issue server" "issue users" "issue batch" "ledger add-key"; do
  case $cmd in
    "issue server") args=(--appliance 00:00:00:00:00:01 --edition vm) ;;
    "issue users") args=(--appliance "$A" --users 5) ;;
    "issue batch") args=(--orders orders.json) ;;
    *) args=() ;;
  esac
  # shellcheck disable=SC2086
  KG_PASSPHRASE=$WRONG kg $cmd --key pw.key "${args[@]}"
  expect_rc 2 "$cmd with a wrong passphrase"
  expect_err "wrong passphrase for key file pw.key"
  expect_no_out
  # shellcheck disable=SC2086
  kg $cmd --key pw.key --passphrase-file wrong.txt "${args[@]}"
  expect_rc 2 "$cmd with a wrong passphrase file"
  expect_err "wrong passphrase"
  expect_no_out
  [ "$(ledger_dump)" = "$before" ] || fail "a wrong passphrase changed the ledger ($cmd)"
done

# --- Every other command and error, and every --help, with the passphrase in the environment.
kg issue users --key pw.key --appliance "$A" --users 5 --count 2
expect_rc 0
kg issue users --key pw.key --appliance "$A" --users 3
expect_rc 1 "a refused pack size"
kg issue users --key pw.key --appliance "not an id" --users 5
expect_rc 2 "a bad appliance ID"
kg issue users --key missing.key --appliance "$A" --users 5
expect_rc 2 "a missing key file"
kg issue batch --key pw.key --orders orders.json
expect_rc 0
kg export --appliance "$A"
expect_rc 0
cp out appliance.lic
kg ledger list
expect_rc 0
kg ledger list --json
expect_rc 0
kg inspect --public pw.public appliance.lic
expect_rc 0
kg key new --out pw.key --passphrase-file pw.txt --insecure-fast-kdf
expect_rc 2 "key new over an existing file"
kg key new --out short.key --insecure-fast-kdf </dev/null
expect_rc 0 "key new from SEATKEY_PASSPHRASE"
for cmd in "" "key" "key new" "key public" "issue" "issue server" "issue users" "issue batch" "export" \
  "ledger" "ledger list" "ledger init" "ledger add-key" "inspect"; do
  # shellcheck disable=SC2086
  kg $cmd --help
  expect_rc 0 "seatkey-keygen $cmd --help"
done
kg --frobnicate
expect_rc 2

[ -s all-output ] || fail "no output collected"
! grep -qF -- "$PW" all-output || fail "the passphrase was printed"
! grep -qF -- "$WRONG" all-output || fail "a wrong passphrase was printed"
! grep -qF -- "$PW" pw.key short.key || fail "the passphrase is in a key file"
! sqlite3 "$LEDGER" .dump | grep -qF -- "$PW" || fail "the passphrase is in the ledger"

pass
