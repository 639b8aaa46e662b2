#!/usr/bin/env bash
# ctest: needs=verify,mint
# --appliance-file F: only a regular file is read, symbolic links followed. The pseudo-files of
# /proc (and /sys) that firmware reads IDs from are regular files and work; a FIFO, a device, a
# socket or a directory is refused at once (exit 2, one line naming it), never waited on: a
# boot check must not hang.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

mint "$(server_payload 1001 compact)" >server.lic

expect_input_error() { # MESSAGE
  expect_rc 2 "$1"
  expect_err "seatkey-verify: $1"
  expect_no_out
  [ "$(wc -l <err)" -eq 1 ] || fail "more than one line on stderr"
}
# verify_file F [ARGS...]: --appliance-file F under a 5 s timeout (a regression fails instead of
# hanging CTest); the time it took in $MS.
verify_file() {
  local file=$1 start
  shift
  start=$(date +%s%N)
  run timeout 5 "$VERIFY" --now "$NOW" --licenses server.lic --appliance-file "$file" "$@"
  MS=$((($(date +%s%N) - start) / 1000000))
}
expect_quick() { [ "$MS" -lt 1000 ] || fail "$1 took $MS ms (a second at most)"; }

# A FIFO without a writer: opening it for reading would wait for one forever.
mkfifo id.fifo
verify_file id.fifo
expect_input_error "cannot read appliance file id.fifo: not a regular file (a FIFO)"
expect_quick "refusing a FIFO"
ln -s id.fifo id-link.fifo
verify_file id-link.fifo
expect_input_error "cannot read appliance file id-link.fifo: not a regular file (a FIFO)"
expect_quick "refusing a link to a FIFO"

# Devices: /dev/zero is endless, /dev/null empty; neither is an ID file.
for dev in /dev/zero /dev/null /dev/urandom; do
  verify_file "$dev"
  expect_input_error "cannot read appliance file $dev: not a regular file (a device)"
  expect_quick "refusing $dev"
done

# A socket and a directory.
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' id.sock ||
  fail "cannot make a socket"
verify_file id.sock
expect_input_error "cannot read appliance file id.sock: is a socket"
expect_quick "refusing a socket"
ln -s id.sock id-link.sock
verify_file id-link.sock
expect_input_error "cannot read appliance file id-link.sock: is a socket"
mkdir id-dir
verify_file id-dir
expect_input_error "cannot read appliance file id-dir: is a directory"

# /proc pseudo-files report size 0 and are read to their end: the kernel's boot ID (a UUID,
# so a valid appliance ID once its dashes are dropped) is this appliance's ID.
boot_id=/proc/sys/kernel/random/boot_id
[ -r "$boot_id" ] || fail "$boot_id is not readable"
expect_eq "$(stat -c %s "$boot_id")" 0 "(size of $boot_id)"
proc_id=$(tr -d '\n-' <"$boot_id" | tr a-f A-F)
mint "$(server_payload 2001 vm "$proc_id")" >proc.lic
run timeout 5 "$VERIFY" --now "$NOW" --licenses proc.lic --appliance-file "$boot_id" --json
expect_rc 0 "$boot_id as the appliance file"
expect_out "\"appliance\": \"$proc_id\","
expect_out '"server_license": "2001",'
# The same through /etc/machine-id, where the system has one.
if [ -s /etc/machine-id ]; then
  machine_id=$(tr -d '\n' </etc/machine-id | tr a-f A-F)
  mint "$(server_payload 2002 vm "$machine_id")" >machine.lic
  run timeout 5 "$VERIFY" --now "$NOW" --licenses machine.lic --appliance-file /etc/machine-id --json
  expect_rc 0 "/etc/machine-id as the appliance file"
  expect_out "\"appliance\": \"$machine_id\","
fi

# A regular file still works, through a symbolic link too.
printf '00:1a:2b:3c:4d:5e\n' >id.txt
ln -s id.txt id-link.txt
verify_file id-link.txt
expect_rc 0 "a link to a regular file"

pass
