#!/usr/bin/env bash
# ctest: needs=verify,mint
# seatkey-verify input errors: exit 2, one clear message on stderr naming the input, nothing
# on stdout.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" >ok.lic

# expect_input_error MESSAGE: exit 2, MESSAGE on stderr, empty stdout.
expect_input_error() {
  expect_rc 2 "$1"
  expect_err "seatkey-verify: $1"
  expect_no_out
}

# The appliance ID
verify_id() { run "$VERIFY" --now "$NOW" --licenses ok.lic "$@"; }
verify_id --appliance "00 1a 2b 3c 4d 5e"
expect_input_error "--appliance: invalid appliance ID: a space at position 3"
verify_id --appliance "abc"
expect_input_error "--appliance: invalid appliance ID: 3 characters without '-' and ':', must be 4 to 64"
verify_id --appliance ""
expect_input_error "--appliance: invalid appliance ID: 0 characters without '-' and ':', must be 4 to 64"
printf '%s\n' "00:1a:2b:3c:4d:5e" >id.txt
verify_id --appliance-file id.txt
expect_rc 0 "an appliance file with a trailing newline"
printf '%s\r\n\n \t' "001a2b3c4d5e" >id-crlf.txt
verify_id --appliance-file id-crlf.txt
expect_rc 0 "an appliance file with CRLF and trailing blanks"
printf ' 001A2B3C4D5E\n' >id-lead.txt
verify_id --appliance-file id-lead.txt
expect_input_error "appliance file id-lead.txt: invalid appliance ID: a space at position 1"
printf '001A2B3C4D5E\n001A2B3C4D5F\n' >id-two.txt
verify_id --appliance-file id-two.txt
expect_input_error "appliance file id-two.txt: invalid appliance ID: a control character at position 13"
: >id-empty.txt
verify_id --appliance-file id-empty.txt
expect_input_error "appliance file id-empty.txt: invalid appliance ID: 0 characters"
verify_id --appliance-file no-such-id.txt
expect_input_error "cannot read appliance file no-such-id.txt: No such file or directory"
head -c 5000 /dev/zero | tr '\0' 'A' >id-huge.txt
verify_id --appliance-file id-huge.txt
expect_input_error "appliance file id-huge.txt is over 4096 bytes: not an appliance ID"
mkdir id-dir
verify_id --appliance-file id-dir
expect_input_error "cannot read appliance file id-dir: is a directory"

# --now
run "$VERIFY" --appliance "$APPLIANCE" --licenses ok.lic --now 2026-11-28
expect_input_error "--now: not an RFC 3339 time: \"2026-11-28\" (expected e.g. 2026-11-28T10:00:00Z)"
run "$VERIFY" --appliance "$APPLIANCE" --licenses ok.lic --now 2026-02-30T00:00:00Z
expect_input_error "--now: not an RFC 3339 time"
run "$VERIFY" --appliance "$APPLIANCE" --licenses ok.lic --now 2026-11-28T11:00:00+01:00
expect_rc 0 "--now with an offset"

# The license path
verify --licenses nowhere
expect_input_error "cannot read licenses nowhere: No such file or directory"
mkfifo pipe
verify --licenses pipe
expect_input_error "cannot read licenses pipe: neither a file nor a directory"
mkdir dir-broken
cp ok.lic dir-broken/a.lic
ln -s ../gone.lic dir-broken/b.lic
verify --licenses dir-broken
expect_input_error "cannot read license file dir-broken/b.lic: a symbolic link to nothing (broken link)"

# Unreadable: permissions do not bind root, so as root the check runs as nobody.
mkdir dir-locked
cp ok.lic dir-locked/a.lic
cp ok.lic dir-locked/b.lic
chmod 000 dir-locked/b.lic
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  chmod 755 "$SCRATCH"
  chmod -R a+rX "$SCRATCH"
  chmod 000 dir-locked/b.lic
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
run "${as_user[@]}" "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses dir-locked
expect_input_error "cannot read license file dir-locked/b.lic: Permission denied"
run "${as_user[@]}" "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses dir-locked/b.lic
expect_input_error "cannot read license file dir-locked/b.lic: Permission denied"
chmod 644 dir-locked/b.lic

# The set limits: over 5 MiB (4 MiB of licenses and a 1 MiB revocation list) or 10,000
# licenses, the whole set is refused.
head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' '#' >exactly-5mib.lic
verify --licenses exactly-5mib.lic
expect_rc 1 "a 5 MiB set of comments"
{ cat ok.lic; head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' '#'; } >over-5mib.lic
verify --licenses over-5mib.lic
expect_input_error "the license set is over the 5 MiB limit (at over-5mib.lic); refusing all of it"
mkdir big-dir
head -c $((4 * 1024 * 1024)) /dev/zero | tr '\0' '#' >big-dir/a.lic
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >big-dir/b.lic
verify --licenses big-dir
expect_input_error "the license set is over the 5 MiB limit (at big-dir/b.lic); refusing all of it"
yes "v4.public.x" | head -n 10000 >10000.lic
verify --licenses 10000.lic --json
expect_rc 1 "10,000 licenses"
{ cat ok.lic; yes "v4.public.x" | head -n 9999; } >10001.lic
verify --licenses 10001.lic
expect_input_error "the license set holds over 10,000 licenses (at 10001.lic:10001); refusing all of it"

# --trusted-keys
verify --licenses ok.lic --trusted-keys no-keys.txt
expect_input_error "cannot read trusted keys file no-keys.txt: No such file or directory"
printf '# none yet\n\n' >empty-keys.txt
verify --licenses ok.lic --trusted-keys empty-keys.txt
expect_input_error "empty-keys.txt: holds no k4.public key"
{ cat "$DEV_PUBLIC"; echo "k4.public.too-short"; } >bad-keys.txt
verify --licenses ok.lic --trusted-keys bad-keys.txt
expect_input_error "bad-keys.txt:4: expected a k4.public key"
verify --licenses ok.lic --trusted-keys "$DEV_SECRET"
expect_input_error "$DEV_SECRET:3: this is a secret key (k4.secret); give its k4.public key instead (seatkey-keygen key public prints it)"
verify --licenses ok.lic --trusted-keys id-dir
expect_input_error "cannot read trusted keys file id-dir: is a directory"

pass
