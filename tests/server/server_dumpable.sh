#!/usr/bin/env bash
# ctest-name: server cli: privilege separation: no process of the server's user can read either of its processes
# ctest: needs=keygen,server seconds=10
# Both processes of seatkey-server are not dumpable: another process of the same user may not
# read their /proc/PID/environ (the kernel's ptrace access check, the one that also guards
# /proc/PID/mem and ptrace attach; Yama does not restrict this read), and their /proc/PID files
# belong to root. Root may read any process, so as root (CI's container) the server and the
# probe run as an unprivileged user (setpriv); a dumpable process of that user, which the same
# probe reads, shows that the probe could read the server if it were dumpable.
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
AS=()
if [ "$(id -u)" = 0 ]; then
  command -v setpriv >/dev/null || { echo "skip: running as root without setpriv"; exit 77; }
  AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  chown -R 65534:65534 "$SCRATCH"
fi
uid=$(${AS[@]+"${AS[@]}"} id -u)
probe() { ${AS[@]+"${AS[@]}"} cat "/proc/$1/environ" >/dev/null 2>probe.err; }

${AS[@]+"${AS[@]}"} sleep 60 &
other=$!
sleep 0.2
probe "$other" || fail "the probe cannot read a dumpable process of its own user: $(cat probe.err)"
expect_eq "$(stat -c %u /proc/$other/environ)" "$uid" "(owner of a dumpable process's environ)"
kill "$other"
wait "$other" 2>/dev/null

SERVER_AS=(${AS[@]+"${AS[@]}"})
start_server
signer=$(signer_pid)
[ -n "$signer" ] || fail_server "no signer process"
for pid in "$SERVER_PID" "$signer"; do
  expect_eq "$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)" "$uid" "(process $pid runs as the probe's user)"
  probe "$pid" && fail "a process of the server's user read /proc/$pid/environ"
  grep -q "Permission denied" probe.err || fail "reading /proc/$pid/environ: $(cat probe.err)"
  expect_eq "$(stat -c %u /proc/"$pid"/environ)" 0 "(owner of /proc/$pid/environ)"
done
stop_server
pass
