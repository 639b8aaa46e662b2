#!/usr/bin/env bash
# The ledger on SQLite vs PostgreSQL (docs/performance.md, "SQLite and PostgreSQL"): two ledgers
# made the same way with the real seatkey-keygen (the development key, APPLIANCES appliances
# with a server license each), one a SQLite file in WORK_DIR, the other in POSTGRES_URL (an empty
# database: `scripts/postgres-cluster.sh createdb DIR` prints one); then seatkey-bench-ledger
# measures one pack's latency on each and ISSUERS issuers writing TOTAL packs into each, and
# checks every serial and the chain.
# Usage: ledger_bench.sh KEYGEN BENCH SOURCE_DIR WORK_DIR POSTGRES_URL [APPLIANCES ROUNDS ISSUERS TOTAL]
# Exit status: the benchmark's (0 targets hold, 1 a target does not, 2 a failure).
set -euo pipefail
keygen=$(realpath "$1") bench=$(realpath "$2") source_dir=$(realpath "$3") work=$4 url=$5
appliances=${6:-100} rounds=${7:-200} issuers=${8:-8} total=${9:-800}

rm -rf "$work"
mkdir -p "$work"
cd "$work"
die() { echo "ledger_bench: $*" >&2; exit 2; }

cp "$source_dir/keys/development.secret" dev.key && chmod 600 dev.key
{
  echo "["
  for ((i = 0; i < appliances; i++)); do
    printf '%s{"type":"server","appliance":"F0%010X","edition":"appliance","customer":"Bench %d"}\n' \
      "$([ "$i" -gt 0 ] && echo ,)" "$i" "$i"
  done
  echo "]"
} >servers.json
for ledger in ledger.db "$url"; do
  "$keygen" ledger init --ledger "$ledger" --key dev.key --allow-development-key 2>>keygen.log ||
    die "ledger init failed: $(cat keygen.log)"
  "$keygen" issue batch --ledger "$ledger" --key dev.key --orders servers.json >/dev/null 2>>keygen.log ||
    die "issue batch failed: $(cat keygen.log)"
done

"$bench" --key dev.key --sqlite ledger.db --postgres "$url" --appliances "$appliances" --rounds "$rounds" \
  --issuers "$issuers" --total "$total"
