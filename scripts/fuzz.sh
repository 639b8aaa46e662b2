#!/usr/bin/env bash
# Builds the libFuzzer targets with Clang 14 (ASan + UBSan) in build-fuzz/ and runs each for
# SECONDS (default 30). Seeds: fuzz/corpus/<target>/, inputs made from the official vectors,
# licenses, a standby license, a revocation list, license files and batch orders that the fuzz build's
# seatkey-keygen issues into a throwaway ledger with the development key, and the state files
# its seatkey-verify writes for them; all are made afresh at every run. New findings go to
# build-fuzz/corpus/<target>/, crashes to build-fuzz/crashes/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
build="build-fuzz"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSEATKEY_FUZZ=ON -DSEATKEY_BUILD_TESTS=OFF -DSEATKEY_SERVER=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >"$build/build.log" 2>&1 || { tail -40 "$build/build.log"; exit 1; }

targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(find "$build/fuzz" -maxdepth 1 -type f -executable -name 'fuzz_*' -printf '%f\n' | sort)
fi

# Seeds issued by the tool: a server license, packs and a batch (with a standby license) into a
# scratch ledger, a revocation list, and the appliances' exported license files (the standby's
# holds its standby license and its primary's licenses).
seeds="$build/seeds"
rm -rf "$seeds"
tool="$seeds/tool"
mkdir -p "$tool"
cp keys/development.secret "$tool/dev.key"
chmod 600 "$tool/dev.key"
cat >"$tool/orders.json" <<'JSON'
[{"type": "server", "appliance": "00:1a:2b:3c:4d:90", "edition": "vm", "customer": "Gamma AG"},
 {"type": "users", "appliance": "00:1a:2b:3c:4d:90", "users": 5, "count": 2, "order": "SO-1004"},
 {"type": "server", "appliance": "001A2B3C4D5E", "edition": "compact", "order": "SO-1",
  "updates_until": "2027-12-31T23:59:59Z", "expires": "2030-01-01T00:00:00Z", "replace": false},
 {"type": "users", "appliance": "001a2b3c4d5e", "users": 1, "customer": "Acme", "expires": "2030-01-01T00:00:00Z"},
 {"type": "standby", "appliance": "00:1a:2b:3c:4d:91", "primary": "00:1a:2b:3c:4d:90", "order": "SO-1006",
  "replace": false}]
JSON
keygen() {
  ASAN_OPTIONS=detect_leaks=0 SEATKEY_KEY="$tool/dev.key" SEATKEY_LEDGER="$tool/ledger.db" \
    "$build/keygen/seatkey-keygen" "$@" </dev/null 2>>"$tool/keygen.log"
}
keygen ledger init --allow-development-key || { cat "$tool/keygen.log" >&2; exit 1; }
{
  keygen issue server --appliance 00:1a:2b:3c:4d:5f --edition free --customer "Beta KG"
  keygen issue server --appliance 00:1a:2b:3c:4d:5f --edition appliance --order SO-1003 \
    --updates-until 2027-12-31T23:59:59Z
  keygen issue users --appliance 00:1a:2b:3c:4d:5f --users 5 --count 3 --order SO-1005
  keygen issue batch --orders "$tool/orders.json"
  keygen void 2 --reason "fuzz seed"
  keygen revocations issue
} >"$tool/issued.txt" || { cat "$tool/keygen.log" >&2; exit 1; }
for id in 001A2B3C4D5F 001A2B3C4D5E 001A2B3C4D90 001A2B3C4D91; do
  keygen export --appliance "$id" >"$tool/$id.lic"
done

# State files the fuzz build's seatkey-verify writes: a good boot (a Compact whose pack
# expires: good_until set), the grace after the appliance ID changed, a grace used up, and the
# VM edition (no maximum) with the license file gone.
verify_state() { # STATE ID LICENSES NOW
  ASAN_OPTIONS=detect_leaks=0 "$build/verifier/seatkey-verify" --trusted-keys keys/development.public \
    --state "$1" --appliance "$2" --licenses "$3" --now "$4" >/dev/null 2>>"$tool/verify.log" || [ $? -eq 1 ]
}
mkdir -p "$tool/state"
verify_state "$tool/state/good" 001A2B3C4D5E "$tool/001A2B3C4D5E.lic" 2026-11-28T10:00:00Z
cp "$tool/state/good" "$tool/state/grace"
verify_state "$tool/state/grace" 001A2B3C4D5F "$tool/001A2B3C4D5E.lic" 2026-11-29T10:00:00Z
cp "$tool/state/grace" "$tool/state/used-up"
verify_state "$tool/state/used-up" 001A2B3C4D5F "$tool/001A2B3C4D5E.lic" 2027-06-01T00:00:00Z
verify_state "$tool/state/vm" 001A2B3C4D90 "$tool/001A2B3C4D90.lic" 2026-11-28T10:00:00Z
verify_state "$tool/state/vm" 001A2B3C4D90 "$tool/missing.lic" 2026-11-30T10:00:00Z

# One input a file, by the targets' names without "fuzz_": tokens, payloads, PASERK strings
# and trusted-keys files from the vectors; license files, single licenses, their payloads
# and the orders file from the tool; pool directives for fuzz_license_set.
python3 - "$seeds" <<'PY'
import base64, glob, json, os, sys
out = sys.argv[1]
seeds = {k: [] for k in ("token", "claims", "paserk", "license_set", "trusted_keys", "orders", "state")}
for t in json.load(open("tests/vectors/paseto/v4.json"))["tests"]:
    if t.get("token"):
        seeds["token"].append(t["token"])
    if isinstance(t.get("payload"), str):
        seeds["claims"].append(t["payload"])
for f in sorted(glob.glob("tests/vectors/paseto/k4.*.json")):
    for t in json.load(open(f))["tests"]:
        if isinstance(t.get("paserk"), str):
            seeds["paserk"].append(t["paserk"])
            if t["paserk"].startswith("k4.public."):
                seeds["trusted_keys"].append("# a vector\r\n" + t["paserk"] + "\r\n")
for f in ["keys/development.public"] + sorted(glob.glob("tests/verifier/trusted_keys/*.txt")):
    seeds["trusted_keys"].append(open(f).read())
tokens = [l.strip() for l in open(f"{out}/tool/issued.txt") if l.startswith("v4.public.")]
for tok in tokens:
    seeds["token"].append(tok)
    body = tok.split(".")[2]
    seeds["claims"].append(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))[:-64].decode())
for f in sorted(glob.glob(f"{out}/tool/*.lic")):
    seeds["license_set"].append(open(f).read())
seeds["license_set"].append("\n".join(tokens + tokens[:3]) + "\n")
seeds["license_set"].append("".join(f"@{chr(i)}{chr(op)}\x00\x10\x41\n" for i in range(15) for op in range(8)))
# The revocation list the tool issued (it revokes serial 2) beside the licenses of 001A2B3C4D5E.
lists = [t for t, c in zip(tokens, seeds["claims"][-len(tokens):]) if '"kind":"revocation"' in c]
for f in sorted(glob.glob(f"{out}/tool/001A2B3C4D5E.lic")):
    seeds["license_set"].append(open(f).read() + "\n".join(lists) + "\n")
seeds["orders"].append(open(f"{out}/tool/orders.json").read())
for f in sorted(glob.glob(f"{out}/tool/state/*")):
    seeds["state"].append(open(f).read())
for kind, items in seeds.items():
    os.makedirs(f"{out}/{kind}", exist_ok=True)
    for i, s in enumerate(items):
        open(f"{out}/{kind}/v{i}", "w", encoding="utf-8", errors="surrogateescape").write(s)
PY

mkdir -p "$build/crashes"
status=0
for t in "${targets[@]}"; do
  kind=${t#fuzz_}
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  seed_dirs=()
  [ -d "fuzz/corpus/$t" ] && seed_dirs+=("fuzz/corpus/$t")
  [ -d "$seeds/$kind" ] && seed_dirs+=("$seeds/$kind")
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
