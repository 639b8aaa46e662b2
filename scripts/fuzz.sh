#!/usr/bin/env bash
# Builds the libFuzzer targets with Clang 14 (ASan + UBSan) in build-fuzz/ and runs each for
# SECONDS (default 30). Seeds: fuzz/corpus/<target>/ plus inputs made from the official
# vectors; new findings go to build-fuzz/corpus/<target>/, crashes to build-fuzz/crashes/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
build=build-fuzz
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSEATKEY_FUZZ=ON -DSEATKEY_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null

targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(find "$build/fuzz" -maxdepth 1 -type f -executable -name 'fuzz_*' -printf '%f\n' | sort)
fi

# Seeds from the vectors (tokens, footers, payloads, PASERK strings), one input a file.
python3 - "$build/seeds" <<'PY'
import json, os, sys, glob
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
seeds = {"token": [], "claims": [], "paserk": [], "text": []}
for t in json.load(open("../shared/vectors/paseto/v4.json"))["tests"]:
    if t.get("token"): seeds["token"].append(t["token"])
    if isinstance(t.get("payload"), str): seeds["claims"].append(t["payload"])
for f in glob.glob("../shared/vectors/paseto/k4.*.json"):
    for t in json.load(open(f))["tests"]:
        if isinstance(t.get("paserk"), str): seeds["paserk"].append(t["paserk"])
for kind, items in seeds.items():
    os.makedirs(f"{out}/{kind}", exist_ok=True)
    for i, s in enumerate(items):
        open(f"{out}/{kind}/v{i}", "w").write(s)
PY

mkdir -p "$build/crashes"
status=0
for t in "${targets[@]}"; do
  kind=${t#fuzz_}
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  seed_dirs=()
  [ -d "fuzz/corpus/$t" ] && seed_dirs+=("fuzz/corpus/$t")
  [ -d "$build/seeds/$kind" ] && seed_dirs+=("$build/seeds/$kind")
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  log="$build/$t.log"
  if "$build/fuzz/$t" "$corpus" "${seed_dirs[@]}" "${dict[@]}" -max_total_time="$seconds" \
      -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$build/crashes/$t-" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: $t ran ${seconds}s, ${runs:-?} executions, no finding"
  else
    echo "fuzz: $t FOUND A PROBLEM (see $log and $build/crashes/)"
    tail -40 "$log"
    status=1
  fi
done
exit $status
