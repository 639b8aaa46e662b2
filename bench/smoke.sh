#!/bin/sh
# ctest's "bench: smoke": each benchmark program once, on a tiny input (not a measurement).
# Usage: smoke.sh EVALUATE BARE_VERIFY BARE_SIGN PROC WORK_DIR
set -eu
evaluate=$1 bare_verify=$2 bare_sign=$3 proc=$4 dir=$5
mkdir -p "$dir"
"$evaluate" --packs=3 --emit="$dir/set.lic"
"$evaluate" --packs=3 --benchmark_min_time=0.001 --benchmark_filter=BM_side_by_side --benchmark_format=csv |
  grep -q "^\"BM_side_by_side\",.*,[0-9.]*$"
"$evaluate" --licenses="$dir/set.lic" --public="$dir/set.lic.pub" --benchmark_min_time=0.001 >/dev/null
"$bare_verify" "$(cat "$dir/set.lic.pub")" "$dir/set.lic" | grep -q '^4 of 4 verified'
"$evaluate" --edition=compact --pack-users=1 --packs=2 --emit="$dir/compact.lic"
"$bare_verify" "$(cat "$dir/compact.lic.pub")" "$dir/compact.lic" | grep -q '^3 of 3 verified'
"$evaluate" --edition=compact --pack-users=1 --packs=2 --revoked=1000 --emit="$dir/revoked.lic"
"$bare_verify" "$(cat "$dir/revoked.lic.pub")" "$dir/revoked.lic" | grep -q '^4 of 4 verified'
"$evaluate" --edition=compact --pack-users=1 --packs=2 --revoked=1000 --benchmark_min_time=0.001 \
  --benchmark_filter=BM_evaluate >/dev/null
"$bare_sign" 3 200 | grep -q '^3 of 3 signed and verified'
"$proc" 1 --prep true -- a "$bare_sign" 2 200 -- b "$bare_verify" "$(cat "$dir/set.lic.pub")" "$dir/set.lic" |
  awk 'NF == 6 { n++ } END { exit n == 2 ? 0 : 1 }'
echo "bench smoke: ok"
