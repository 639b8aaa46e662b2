#!/usr/bin/env bash
# The "postgres" fixture's cleanup: stops the tests' cluster and checks that its postmaster and
# every process it had started are gone, and its data and socket directory removed.
# Expects SEATKEY_TEST_POSTGRES_DIR and SEATKEY_POSTGRES_CLUSTER in the environment.
set -u
dir=$SEATKEY_TEST_POSTGRES_DIR

# A process is still ours if that PID runs a postgres (a PID may be reused by anything else).
alive() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q postgres; }

pids=()
run=""
if [ -f "$dir/run" ]; then
  run=$(cat "$dir/run")
  pid=$(head -n 1 "$run/data/postmaster.pid" 2>/dev/null || true)
  if [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid"; then
    mapfile -t pids < <(echo "$pid"; pgrep -P "$pid")
  fi
fi

bash "$SEATKEY_POSTGRES_CLUSTER" stop "$dir" || { echo "FAIL: postgres-cluster.sh stop exited $?" >&2; exit 1; }

for _ in $(seq 50); do
  left=()
  for p in "${pids[@]}"; do alive "$p" && left+=("$p"); done
  ((${#left[@]} == 0)) && break
  sleep 0.1
done
if ((${#left[@]})); then
  echo "FAIL: still running after stop:" >&2
  ps -o pid,user,cmd -p "$(IFS=,; echo "${left[*]}")" >&2
  exit 1
fi
if [ -n "$run" ] && [ -e "$run" ]; then
  echo "FAIL: $run (data and socket) is still there after stop" >&2
  exit 1
fi
[ ! -e "$dir/url" ] || { echo "FAIL: $dir/url is still there after stop" >&2; exit 1; }
echo "ok: ${#pids[@]} PostgreSQL processes stopped, ${run:-no cluster} removed"
