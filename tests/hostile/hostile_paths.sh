#!/usr/bin/env bash
# ctest-name: hostile: paths and key files - directories, links, FIFOs, devices and binary files are clear errors
# ctest: needs=verify,mint seconds=15
# seatkey-verify on hostile paths and side files: a license directory with subdirectories,
# symbolic links (to directories, devices, FIFOs, loops, nowhere) and unreadable entries;
# devices and /proc files as --licenses; binary, NUL, CRLF, empty and huge trusted-keys and
# appliance files; non-ASCII appliance IDs. Each is a clear error (exit 2, one line naming the
# input, nothing on stdout) or is evaluated as docs/format.md says; nothing hangs or crashes.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

expect_input_error() { # MESSAGE
  expect_rc 2 "$1"
  expect_err "seatkey-verify: $1"
  expect_no_out
  [ "$(wc -l <err)" -eq 1 ] || fail "more than one line on stderr"
}
# verify_t ARGS...: verify with a 20 s timeout, so a hang fails instead of blocking CTest.
verify_t() { run timeout 20 "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" "$@"; }

mint "$(server_payload 1001 compact)" >server.lic
mint "$(pack_payload 1002 5)" >pack.lic

# --- A directory: licenses in subdirectories (also reached through links) are not read;
# links to devices and FIFOs are skipped without being opened.
mkdir -p lic/sub/deeper lic/empty-dir lic/10-dir.lic
cp server.lic lic/00-server.lic
cp pack.lic lic/sub/pack.lic
cp pack.lic lic/sub/deeper/pack.lic
cp pack.lic lic/10-dir.lic/pack.lic
ln -s sub lic/20-link-to-dir
ln -s /dev/zero lic/30-zero
ln -s /dev/urandom lic/31-urandom
mkfifo fifo
ln -s ../fifo lic/40-fifo
verify_t --licenses lic --json
expect_rc 0 "a directory with subdirectories and links to devices and FIFOs"
expect_out '"licensed_users": 3,'
expect_out '"source": "lic/00-server.lic:1"'
expect_out_lacks '"1002"'

# Links that lead nowhere or in circles, and a /proc file that cannot be read, are errors
# naming the entry: a license the admin put there must not silently vanish.
ln -s 50-loop lic/50-loop
verify_t --licenses lic
expect_input_error "cannot read license file lic/50-loop: Too many levels of symbolic links"
rm lic/50-loop
ln -s /nowhere/at/all.lic lic/60-dangling
verify_t --licenses lic
expect_input_error "cannot read license file lic/60-dangling: a symbolic link to nothing (broken link)"
rm lic/60-dangling
ln -s /proc/self/mem lic/70-mem
verify_t --licenses lic
expect_input_error "cannot read license file lic/70-mem: Input/output error"
rm lic/70-mem

# Devices, FIFOs, link loops and /proc files given as --licenses.
for dev in /dev/zero /dev/null /dev/urandom fifo; do
  verify_t --licenses "$dev"
  expect_input_error "cannot read licenses $dev: neither a file nor a directory"
done
ln -s loop loop
verify_t --licenses loop
expect_input_error "cannot read licenses loop: Too many levels of symbolic links"
verify_t --licenses /proc/self/mem
expect_input_error "cannot read license file /proc/self/mem: Input/output error"

# Unreadable entries. Permissions do not bind root, so as root the check runs as nobody;
# an unreadable subdirectory is skipped (never opened), an unreadable file is an error.
mkdir -p locked/sub
cp server.lic locked/a.lic
cp pack.lic locked/sub/pack.lic
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || fail "running as root without setpriv: cannot test unreadable files"
  chmod 755 "$SCRATCH"
  chmod -R a+rX "$SCRATCH"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
chmod 000 locked/sub
run "${as_user[@]}" "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses locked
expect_rc 0 "an unreadable subdirectory is skipped"
cp pack.lic locked/b.lic
chmod 000 locked/b.lic
run "${as_user[@]}" "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses locked
expect_input_error "cannot read license file locked/b.lic: Permission denied"
chmod 000 locked
run "${as_user[@]}" "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses locked
expect_input_error "cannot read license directory locked: Permission denied"
chmod 755 locked locked/sub
chmod 644 locked/b.lic

# --- Trusted-keys files: binary, NUL, empty, CRLF, devices, over 1 MiB.
DEV_KEY_LINE=$(grep '^k4\.public\.' "$DEV_PUBLIC")
printf '\x00\x01\xff\xfe\n' >binary.keys
verify_t --licenses server.lic --trusted-keys binary.keys
expect_input_error "binary.keys:1: expected a k4.public key: not a k4.public PASERK key"
printf '%s\0\n' "$DEV_KEY_LINE" >nul.keys
verify_t --licenses server.lic --trusted-keys nul.keys
expect_input_error "nul.keys:1: expected a k4.public key: k4.public key is not valid base64url"
: >empty.keys
verify_t --licenses server.lic --trusted-keys empty.keys
expect_input_error "empty.keys: holds no k4.public key"
printf '# vendor key\r\n%s\r\n\r\n' "$DEV_KEY_LINE" >crlf.keys
verify_t --licenses server.lic --trusted-keys crlf.keys
expect_rc 0 "a trusted-keys file with CRLF line ends"
verify_t --licenses server.lic --trusted-keys /dev/zero
expect_input_error "cannot read trusted keys file /dev/zero: not a regular file"
verify_t --licenses server.lic --trusted-keys fifo
expect_input_error "cannot read trusted keys file fifo: not a regular file"
{ echo "$DEV_KEY_LINE"; head -c $((1024 * 1024)) /dev/zero | tr '\0' '#'; } >huge.keys
verify_t --licenses server.lic --trusted-keys huge.keys
expect_input_error "trusted keys file huge.keys is over 1 MiB"

# --- Appliance IDs: non-ASCII, NUL and binary, as a flag or a file.
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance "00:1a:2b:3c:4d:5É"
expect_input_error "--appliance: invalid appliance ID: a non-ASCII byte at position 17"
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance "００1A2B3C4D5E"
expect_input_error "--appliance: invalid appliance ID: a non-ASCII byte at position 1"
printf '001A2B3C4D5E\0' >nul.id
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file nul.id
expect_input_error "appliance file nul.id: invalid appliance ID: a control character at position 13"
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file binary.keys
expect_input_error "appliance file binary.keys: invalid appliance ID: a control character at position 1"
run timeout 20 "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file /dev/zero
expect_input_error "cannot read appliance file /dev/zero: not a regular file (a device)"

pass
