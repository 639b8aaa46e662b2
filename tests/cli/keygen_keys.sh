#!/usr/bin/env bash
# ctest-name: keygen cli: key files: 0600, never overwritten, unsafe files and wrong passphrases refused
# ctest: needs=keygen,mint seconds=20
# seatkey-keygen key files: created 0600 and never overwritten; passphrase sources; unsafe
# files, wrong passphrases and missing passphrases refused; the passphrase never printed.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"

PW='correct horse battery staple'
printf '%s\n' "$PW" >pw.txt && chmod 600 pw.txt

# key new --no-passphrase: k4.secret, 0600, prints the public key file text.
run "$KEYGEN" key new --out plain.key --no-passphrase
expect_rc 0
expect_out "# seatkey vendor public key k4.pid."
expect_out "k4.public."
expect_eq "$(stat -c %a plain.key)" 600 "(mode of plain.key)"
grep -q '^k4\.secret\.' plain.key || fail "plain.key lacks its k4.secret line"
cp out plain.public
run "$KEYGEN" key public --key plain.key
expect_rc 0
cmp -s out plain.public || fail "key public differs from what key new printed"

# key new never overwrites: not a key, not another file, not through a symlink.
cp plain.key plain.key.orig
run "$KEYGEN" key new --out plain.key --no-passphrase
expect_rc 2
expect_err "already exists"
cmp -s plain.key plain.key.orig || fail "key new overwrote plain.key"
echo "precious" >notes.txt
run "$KEYGEN" key new --out notes.txt --no-passphrase
expect_rc 2
expect_eq "$(cat notes.txt)" precious
ln -s target.key link.key
run "$KEYGEN" key new --out link.key --no-passphrase
expect_rc 2
expect_err "already exists"
[ ! -e target.key ] || fail "key new followed a symlink"

# key new with a passphrase file: k4.secret-pw; the passphrase appears nowhere.
run "$KEYGEN" key new --out pw.key --passphrase-file pw.txt --insecure-fast-kdf
expect_rc 0
expect_out "k4.public."
cp out pw.public
expect_eq "$(stat -c %a pw.key)" 600 "(mode of pw.key)"
grep -q '^k4\.secret-pw\.' pw.key || fail "pw.key lacks its k4.secret-pw line"
! grep -qF "$PW" pw.key out err || fail "the passphrase was written or printed"

# The passphrase from the file, then from SEATKEY_PASSPHRASE.
run "$KEYGEN" key public --key pw.key --passphrase-file pw.txt
expect_rc 0
cmp -s out pw.public || fail "key public (passphrase file) differs from key new"
run env SEATKEY_PASSPHRASE="$PW" "$KEYGEN" key public --key pw.key
expect_rc 0
cmp -s out pw.public || fail "key public (SEATKEY_PASSPHRASE) differs from key new"

# A wrong passphrase: a clear error, exit 2, no crash, nothing printed of it.
run env SEATKEY_PASSPHRASE='wrong horse battery staple' "$KEYGEN" key public --key pw.key
expect_rc 2
expect_err "wrong passphrase for key file pw.key"
expect_no_out
expect_err_lacks "wrong horse"

# Issuing with a passphrase-protected key, and a wrong passphrase writing nothing.
run env SEATKEY_PASSPHRASE="$PW" "$KEYGEN" ledger init --ledger pw.db --key pw.key
expect_rc 0 "ledger init with a k4.secret-pw key"
expect_err_lacks "$PW"
run env SEATKEY_PASSPHRASE="$PW" "$KEYGEN" issue server --key pw.key --ledger pw.db --appliance "$A" --edition vm
expect_rc 0
expect_out "v4.public."
expect_err_lacks "$PW"
before=$(sqlite3 pw.db .dump)
run env SEATKEY_PASSPHRASE=nope-nope "$KEYGEN" issue users --key pw.key --ledger pw.db --appliance "$A" --users 5
expect_rc 2
expect_err "wrong passphrase"
[ "$(sqlite3 pw.db .dump)" = "$before" ] || fail "a wrong passphrase changed the ledger"

# No passphrase source and no terminal: a clear error, no file.
run "$KEYGEN" key new --out none.key </dev/null
expect_rc 2
expect_err "no passphrase for the new key none.key"
expect_err "--passphrase-file"
[ ! -e none.key ] || fail "key new left a file without a passphrase"
run "$KEYGEN" key public --key pw.key </dev/null
expect_rc 2
expect_err "no passphrase for the key pw.key"

# On a terminal the passphrase is asked without echo, twice for a new key (script(1) gives
# the command a terminal; the pauses let each prompt turn echo off before the line arrives).
if command -v script >/dev/null 2>&1 && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  tty_run() { # LINE1 [LINE2] -- COMMAND: types the lines into COMMAND's terminal
    local l1=$1 l2=$2
    shift 2
    (sleep 1; printf '%s\n' "$l1"; [ -z "$l2" ] || { sleep 1; printf '%s\n' "$l2"; }; sleep 1) |
      script -qec "$*" /dev/null >out 2>err
    RC=$?
    TESTS_RUN=$((TESTS_RUN + 1))
  }
  tty_run 'typed on the tty' 'typed on the tty' "$KEYGEN" key new --out tty.key --insecure-fast-kdf
  expect_rc 0 "key new on a terminal"
  expect_out "Passphrase for the new key tty.key:"
  expect_out "Same passphrase again:"
  expect_out_lacks "typed on the tty"
  grep -q '^k4\.secret-pw\.' tty.key || fail "tty.key lacks its k4.secret-pw line"
  tty_run 'typed on the tty' '' "$KEYGEN" key public --key tty.key
  expect_rc 0 "key public on a terminal"
  expect_out "k4.public."
  expect_out_lacks "typed on the tty"
  tty_run 'typed on the tty' 'typed differently' "$KEYGEN" key new --out tty2.key --insecure-fast-kdf
  expect_rc 2
  expect_out "the two passphrases differ; nothing was written"
  [ ! -e tty2.key ] || fail "key new wrote a key after differing passphrases"
  # Too short: said after the first entry, before asking for it again.
  tty_run 'short' 'short' "$KEYGEN" key new --out tty3.key --insecure-fast-kdf
  expect_rc 2 "key new with a short passphrase on a terminal"
  expect_out "the passphrase is too short: a vendor key needs at least 8 characters"
  expect_out_lacks "Same passphrase again"
  [ ! -e tty3.key ] || fail "key new wrote a key under a too short passphrase"
fi

# --public-out writes the public key file itself, after the key file; neither file is ever
# overwritten, and a refused --public-out writes no key either.
run "$KEYGEN" key new --out po.key --no-passphrase --public-out po.public
expect_rc 0 "key new --public-out"
expect_no_out
expect_err "wrote its public key file to po.public"
run "$KEYGEN" key public --key po.key
cmp -s out po.public || fail "the --public-out file is not the key's public key file"
expect_eq "$(stat -c %a po.public)" 644 "(mode of the public key file)"
expect_eq "$(stat -c %a po.key)" 600 "(mode of the key file)"
echo "precious" >taken.public
run "$KEYGEN" key new --out po2.key --no-passphrase --public-out taken.public
expect_rc 2
expect_err "taken.public already exists"
[ ! -e po2.key ] || fail "key new wrote a key although --public-out names an existing file"
expect_eq "$(cat taken.public)" precious
run "$KEYGEN" key new --out po3.key --no-passphrase --public-out po3.key
expect_rc 2
expect_err "--out and --public-out name the same file"
[ ! -e po3.key ] || fail "key new wrote po3.key"
# The public key file is written only once the key file is: a key file that cannot be written
# leaves no public key file behind.
run "$KEYGEN" key new --out no-such-dir/k.key --no-passphrase --public-out lonely.public
expect_rc 2
expect_err "cannot create key file no-such-dir/k.key"
[ ! -e lonely.public ] || fail "a public key file was written for a key that was not"

# Too short a passphrase for a new key; --no-passphrase with a passphrase file is a usage error.
run env SEATKEY_PASSPHRASE=short "$KEYGEN" key new --out short.key
expect_rc 2
expect_err "the passphrase is too short: a vendor key needs at least 8 characters; nothing was written"
[ ! -e short.key ] || fail "key new wrote a key under a too short passphrase"
printf 'short\n' >short.txt && chmod 600 short.txt
run "$KEYGEN" key new --out short.key --passphrase-file short.txt --public-out short.public
expect_rc 2
expect_err "too short"
[ ! -e short.key ] && [ ! -e short.public ] || fail "key new wrote a file under a too short passphrase"
run "$KEYGEN" key new --out x.key --no-passphrase --passphrase-file pw.txt
expect_rc 2
expect_err "excludes"

# Key files readable by group or others are refused like ssh does, whatever the command.
chmod 644 plain.key
run "$KEYGEN" key public --key plain.key
expect_rc 2
expect_err "permissions 0644 for key file plain.key are too open"
expect_err "chmod 600 plain.key"
before=$(sqlite3 pw.db .dump)
run "$KEYGEN" issue server --key plain.key --ledger pw.db --appliance "$A" --edition vm
expect_rc 2
expect_err "chmod 600"
[ "$(sqlite3 pw.db .dump)" = "$before" ] || fail "issuing with an unsafe key changed the ledger"
run "$KEYGEN" ledger init --key plain.key --ledger new.db
expect_rc 2
expect_err "chmod 600"
[ ! -e new.db ] || fail "ledger init with an unsafe key created a ledger"
chmod 640 plain.key
run "$KEYGEN" key public --key plain.key
expect_rc 2
chmod 600 plain.key
# The checked-out development key is 0644 on purpose: refused until copied and chmod 600.
cp "$SOURCE_DIR/keys/development.secret" dev-as-checked-out.key && chmod 644 dev-as-checked-out.key
run "$KEYGEN" key public --key dev-as-checked-out.key
expect_rc 2
expect_err "chmod 600"
chmod 644 pw.txt
run "$KEYGEN" key public --key pw.key --passphrase-file pw.txt
expect_rc 2
expect_err "passphrase file pw.txt are too open"
chmod 600 pw.txt

# Comment lines in a key file; public keys and missing files are clear errors.
dev_key
run "$KEYGEN" key public --key dev.key
expect_rc 0
expect_out "k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3-92ZBruhrJs"
chmod 600 dev.public
run "$KEYGEN" key public --key dev.public
expect_rc 2
expect_err "that is the public half"
run "$KEYGEN" key public --key missing.key
expect_rc 2
expect_err "cannot read key file missing.key: No such file or directory"
run env SEATKEY_KEY=dev.key "$KEYGEN" key public
expect_rc 0
expect_out "k4.public.rB_3FUvnUbWjyqIq7U7Cu0beku7Ulha3-92ZBruhrJs"
run "$KEYGEN" key public
expect_rc 2
expect_err "--key"

# --help for every command, each with an example; no command is a usage error.
for cmd in "" "key" "key new" "key public" "issue" "issue server" "issue users" "issue batch" "export" \
  "ledger" "ledger list" "ledger init" "ledger add-key" "inspect"; do
  # shellcheck disable=SC2086
  run "$KEYGEN" $cmd --help
  expect_rc 0 "seatkey-keygen $cmd --help"
  grep -q "Example" out || fail "no example in: $cmd --help"
done
run "$KEYGEN"
expect_rc 2
expect_err "seatkey-keygen needs a command: key, issue, void, transfer, revocations, export, ledger, report, inspect"
run "$KEYGEN" frobnicate
expect_rc 2
expect_err "unknown command 'frobnicate'"

pass
