#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: started by CTest's "postgres" fixture,
# stopped by its cleanup, nothing left running.
#   scripts/postgres-cluster.sh start DIR            initdb and start; the admin URL in DIR/url
#   scripts/postgres-cluster.sh createdb DIR [NAME]  a new empty database; prints its URL
#   scripts/postgres-cluster.sh stop DIR             stop, remove the data and the socket
#   SEATKEY_PG_FSYNC=on scripts/postgres-cluster.sh start DIR
#                                                    durable commits, PostgreSQL's defaults
#                                                    (fsync, synchronous_commit, full_page_writes):
#                                                    for benchmarks against SQLite's
#                                                    synchronous=FULL; default off
# The data directory and the Unix socket live in a short directory under /tmp (recorded in
# DIR/run): a socket's path may not exceed 107 bytes, and under root the cluster runs as
# `nobody`, which must reach its data even when DIR sits below a directory only root may enter
# (a checkout in /root). DIR keeps the URL and, after stop, the server's log.
# Errors: a one-line reason on stderr, exit 2.
set -euo pipefail

PG_USER=seatkey
PG_PORT=5432

die() {
  echo "postgres-cluster: $*" >&2
  exit 2
}

usage() {
  die "usage: postgres-cluster.sh start DIR | createdb DIR [NAME] | stop DIR"
}

# PostgreSQL 15's programs: Debian keeps them out of PATH, in /usr/lib/postgresql/15/bin;
# pg_config (libpq-dev) names the bindir of another layout.
find_bindir() {
  local d candidates=(/usr/lib/postgresql/15/bin)
  if command -v pg_config >/dev/null 2>&1; then
    candidates+=("$(pg_config --bindir 2>/dev/null || true)")
  fi
  for d in "${candidates[@]}"; do
    if [ -z "$d" ] || [ ! -x "$d/initdb" ] || [ ! -x "$d/pg_ctl" ] || [ ! -x "$d/postgres" ]; then
      continue
    fi
    [[ "$("$d/postgres" --version 2>/dev/null)" == *"PostgreSQL) 15."* ]] || continue
    echo "$d"
    return 0
  done
  die "PostgreSQL 15 (initdb, pg_ctl, postgres) not found in /usr/lib/postgresql/15/bin or pg_config --bindir: run scripts/setup.sh"
}

# PostgreSQL refuses to run as root, so under root (CI) the server runs as nobody; root's
# clients reach it through the socket with trust authentication.
as_server() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u nobody -- "$@")
  else
    "$@"
  fi
}

# The postmaster of the cluster whose data directory is $1, if one is alive: its PID from
# postmaster.pid, only if that process is a postgres started on that very directory (a stale
# file's PID may belong to someone else by now, who must not get our signals).
postmaster_pid() {
  local data=$1 pid
  [ -f "$data/postmaster.pid" ] || return 0
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  [ -r "/proc/$pid/cmdline" ] || return 0
  if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$data"; then
    echo "$pid"
  fi
}

absolute_dir() {
  mkdir -p -- "$1" 2>/dev/null || die "cannot create the directory $1"
  (cd -- "$1" && pwd -P) || die "cannot enter the directory $1"
}

# Stops the cluster recorded in DIR (if any) and removes its data and socket directory.
# Returns non-zero when its postmaster is still alive afterwards.
stop_cluster() {
  local dir=$1 run data pid
  [ -f "$dir/run" ] || return 0
  run=$(cat "$dir/run")
  # Only ever remove what start made: a directory /tmp/skpg.XXXXXX.
  [[ "$run" =~ ^/tmp/skpg\.[A-Za-z0-9]{6}$ ]] || die "$dir/run does not name a cluster this script started: $run"
  data=$run/data
  pid=$(postmaster_pid "$data")
  if [ -n "$pid" ]; then
    as_server "$BINDIR/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null 2>&1 ||
      as_server "$BINDIR/pg_ctl" stop -D "$data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    pid=$(postmaster_pid "$data")
    if [ -n "$pid" ]; then
      echo "postgres-cluster: the postmaster of $data (PID $pid) is still running after pg_ctl stop" >&2
      return 1
    fi
  fi
  [ -f "$run/postgres.log" ] && cp -- "$run/postgres.log" "$dir/postgres.log" 2>/dev/null
  rm -rf -- "$run"
  rm -f -- "$dir/run" "$dir/url"
}

cmd_start() {
  local dir run data durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  case "${SEATKEY_PG_FSYNC:-off}" in
    off) ;;
    on) durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on" ;;
    *) die "SEATKEY_PG_FSYNC is on or off, not '${SEATKEY_PG_FSYNC}'" ;;
  esac
  dir=$(absolute_dir "$1")
  # A run killed before its cleanup leaves its cluster behind: stop it, then start afresh.
  stop_cluster "$dir" || die "could not stop the cluster a previous run left in $dir"
  rm -f -- "$dir/postgres.log"

  run=$(mktemp -d /tmp/skpg.XXXXXX) || die "cannot create a socket directory in /tmp"
  echo "$run" >"$dir/run"
  data=$run/data
  chmod 755 "$run"
  if [ "$(id -u)" -eq 0 ]; then
    id nobody >/dev/null 2>&1 || die "running as root needs the user nobody to run PostgreSQL"
    chown nobody: "$run"
  fi

  if ! as_server "$BINDIR/initdb" -D "$data" -U "$PG_USER" --auth=trust -E UTF8 --no-locale \
    --no-sync >"$run/initdb.log" 2>&1; then
    echo "postgres-cluster: initdb failed:" >&2
    tail -n 20 "$run/initdb.log" >&2
    stop_cluster "$dir" || true
    exit 2
  fi
  # Unix socket only (no TCP port to collide with another cluster or to expose), in $run.
  # fsync off: the cluster is thrown away after the tests, so a crash loses nothing we keep.
  # A benchmark asks for it on: a commit then waits for its WAL on disk, as SQLite's does.
  if ! as_server "$BINDIR/pg_ctl" start -D "$data" -w -t 60 -l "$run/postgres.log" \
    -o "-c listen_addresses='' -c unix_socket_directories='$run' -c port=$PG_PORT $durability" \
    >/dev/null 2>&1; then
    echo "postgres-cluster: pg_ctl start failed; the server's log:" >&2
    tail -n 20 "$run/postgres.log" >&2 2>/dev/null || true
    stop_cluster "$dir" || true
    exit 2
  fi
  echo "postgresql://$PG_USER@/postgres?host=$run" >"$dir/url"
  echo "postgres-cluster: PostgreSQL 15 running from $data, socket in $run"
}

cmd_createdb() {
  local dir name run
  [ -d "$1" ] || die "no cluster in $1 (run: postgres-cluster.sh start $1)"
  dir=$(cd -- "$1" && pwd -P)
  if [ ! -f "$dir/url" ] || [ ! -f "$dir/run" ]; then
    die "no cluster started in $dir (run: postgres-cluster.sh start $dir)"
  fi
  run=$(cat "$dir/run")
  if [ $# -ge 2 ]; then
    name=$2
    [[ "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] ||
      die "database name '$name' is not a lower-case identifier of at most 63 characters"
  else
    name=t_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  fi
  local err
  if ! err=$("$BINDIR/createdb" -h "$run" -p "$PG_PORT" -U "$PG_USER" -- "$name" 2>&1); then
    die "createdb $name failed: $(echo "$err" | head -n 1)"
  fi
  echo "postgresql://$PG_USER@/$name?host=$run"
}

cmd_stop() {
  local dir
  [ -d "$1" ] || { echo "postgres-cluster: no cluster in $1; nothing to stop"; return 0; }
  dir=$(cd -- "$1" && pwd -P)
  if [ ! -f "$dir/run" ]; then
    echo "postgres-cluster: no cluster recorded in $dir; nothing to stop"
    return 0
  fi
  stop_cluster "$dir" || exit 2
  echo "postgres-cluster: stopped; data and socket removed (server log in $dir/postgres.log)"
}

[ $# -ge 2 ] || usage
BINDIR=$(find_bindir)
case "$1" in
  start) [ $# -eq 2 ] || usage; cmd_start "$2" ;;
  createdb) [ $# -le 3 ] || usage; cmd_createdb "${@:2}" ;;
  stop) [ $# -eq 2 ] || usage; cmd_stop "$2" ;;
  *) usage ;;
esac
