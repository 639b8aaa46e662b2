#!/usr/bin/env bash
# The performance benchmarks: builds seatkey in Release in build-bench/
# (CMAKE_BUILD_TYPE=Release, no tests, no sanitizers), measures seatkey against the bare
# libsodium work side by side in the same run, and prints the table of ratios with the targets
# (docs/performance.md).
#   scripts/bench.sh                        about 2 minutes on 2 cores (and 10: seatkey-server under load;
#                                           11: a throwaway PostgreSQL 15 cluster, stopped at the end)
#   SEATKEY_BENCH_RUNS=51 scripts/bench.sh  more process runs per command (default 21; 10 times as
#                                           many for the short boot check of 6)
#   SEATKEY_BENCH_EVAL_SECONDS=30 ...        longer evaluate() vs bare verify pairs (default 10)
#   SEATKEY_BENCH_BASELINE_VERIFY=PATH ...   also compare the Compact boot check with --state (7)
#                                           against another seatkey-verify (e.g. a build from
#                                           before the state file) without it, side by side
#   SEATKEY_BENCH_CROSS=OFF ...              leave out the sizes for aarch64 and armhf (5), which
#                                           need the cross compilers (scripts/setup.sh --cross)
#                                           and their builds in build-bench-<triplet>/
#   SEATKEY_BENCH_ROWS="3 9" ...             only those rows (what they build on is made too; 6 to 8
#                                           run as one); the exit status judges those alone
# Exit status 0 when every target holds, 1 when one does not, 2 when something failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

build_dir=${SEATKEY_BENCH_BUILD_DIR:-build-bench}
runs=${SEATKEY_BENCH_RUNS:-21}          # process runs per command (medians)
eval_seconds=${SEATKEY_BENCH_EVAL_SECONDS:-10}  # Google Benchmark time for evaluate() vs bare
jobs=${SEATKEY_JOBS:-$(nproc)}

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSEATKEY_SANITIZE=OFF \
  -DSEATKEY_BUILD_TESTS=OFF -DSEATKEY_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir" -j "$jobs" >"$build_dir/bench-build.log" 2>&1 ||
  { cat "$build_dir/bench-build.log"; exit 2; }

keygen=$root/$build_dir/keygen/seatkey-keygen
verify=$root/$build_dir/verifier/seatkey-verify
evaluate=$root/$build_dir/bench/seatkey-bench-evaluate
bare_verify=$root/$build_dir/bench/seatkey-bench-bare-verify
bare_sign=$root/$build_dir/bench/seatkey-bench-bare-sign
proc=$root/$build_dir/bench/seatkey-bench-proc
for tool in sqlite3 strip; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/setup.sh)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/seatkey-bench.XXXXXX")
# Row 11's PostgreSQL cluster (scripts/postgres-cluster.sh, in $work/pg) is stopped however the
# run ends: nothing is left running.
cleanup() {
  if [ -f "$work/pg/run" ]; then bash "$root/scripts/postgres-cluster.sh" stop "$work/pg" >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# The development key, unencrypted (k4.secret): the Argon2id KDF of a k4.secret-pw key file
# (256 MiB, about a second) would otherwise dominate every issue command.
cp "$root/keys/development.secret" vendor.key
chmod 600 vendor.key
public_file=$root/keys/development.public
public=$(grep -m1 '^k4\.public\.' "$public_file")
appliance=00:1a:2b:3c:4d:5e
canonical=001A2B3C4D5E
export SEATKEY_KEY=$work/vendor.key

issue() { "$keygen" issue "$@" >/dev/null 2>>keygen.log; }
rows() { sqlite3 "$1" 'SELECT COUNT(*) FROM licenses'; }
# ratio A B: A / B with 3 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
ms() { awk -v t="$1" -v p="${2:-1}" 'BEGIN { printf "%." p "f ms", t }'; }  # ms TIME [DECIMALS]
# verdict VALUE LIMIT: PASS when VALUE <= LIMIT
verdict() { awk -v v="$1" -v l="$2" 'BEGIN { print (v <= l ? "PASS" : "FAIL") }'; }
field() { awk -v n="$2" -v f="$3" '$1 == n { print $f }' "$1"; }
# want N: row N is selected (SEATKEY_BENCH_ROWS, every row when it is unset or empty)
want() { [ -z "${SEATKEY_BENCH_ROWS:-}" ] || [[ " ${SEATKEY_BENCH_ROWS//,/ } " == *" $1 "* ]]; }
failed=0
results=()
row() {  # row NAME SEATKEY BASELINE RATIO TARGET RESULT
  results+=("$(printf '%-60s %14s %14s %9s %9s  %s' "$@")")
  [ "${6:-}" != FAIL ] || failed=1
}

# --- the license sets: the real seatkey-keygen fills ledgers, exports the license files ------
"$keygen" ledger init --ledger server.db --allow-development-key 2>>keygen.log
# No --customer: packs carry their server license's customer, and 10,000 tokens naming one
# would pass the 4 MiB of licenses the tool exports (it then refuses the 9,999 packs of row 3).
issue server --ledger server.db --appliance "$appliance" --edition appliance
cp server.db set-1001.db
issue users --ledger set-1001.db --appliance "$appliance" --users 5 --count 1000 --order SO-1002
"$keygen" export --ledger set-1001.db --appliance "$appliance" >set-1001.lic 2>>keygen.log
size=$("$bare_verify" "$public" set-1001.lic | sed -n 's/^1001 of 1001 verified, PAE message \([0-9]*\) bytes.*/\1/p')
[ -n "$size" ] || { echo "bench: bare_verify did not verify the 1,001 tokens" >&2; exit 2; }

# --- 1. evaluate() vs bare verifies, in one process, alternating (thread CPU time medians) -----
if want 1; then
  "$evaluate" --licenses=set-1001.lic --public="$public_file" --appliance="$canonical" \
    --benchmark_filter=BM_side_by_side --benchmark_min_time="$eval_seconds" \
    --benchmark_format=csv >evaluate.csv 2>evaluate.log || { cat evaluate.log; exit 2; }
  counter() {  # the BM_side_by_side counter named $1, found by the CSV header
    awk -F, -v c="\"$1\"" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
      $1 == "\"BM_side_by_side\"" && k { print $k }' evaluate.csv
  }
  eval_ms=$(counter evaluate_ms)
  bare_ms=$(counter bare_ms)
  if [ -z "$eval_ms" ] || [ -z "$bare_ms" ]; then cat evaluate.csv evaluate.log; exit 2; fi
  r=$(ratio "$eval_ms" "$bare_ms")
  row "1 evaluate(), 1 server + 1,000 packs (CPU)" "$(ms "$eval_ms")" "$(ms "$bare_ms")" "${r}x" "<= 1.10x" "$(verdict "$r" 1.10)"
fi

# --- 2. the seatkey-verify process vs a minimal C reader doing bare verifies (wall clock) ----
if want 2; then
  "$proc" "$runs" \
    -- verify "$verify" --appliance "$appliance" --licenses set-1001.lic --trusted-keys "$public_file" \
    -- bare "$bare_verify" "$public" set-1001.lic >verify.txt
  a=$(field verify.txt verify 2) b=$(field verify.txt bare 2)
  r=$(ratio "$a" "$b")
  row "2 seatkey-verify process, the same 1,001" "$(ms "$a")" "$(ms "$b")" "${r}x" "<= 1.25x" "$(verdict "$r" 1.25)"
fi

# --- 3. issue users --count 9999 into a fresh ledger vs bare sign + verify pairs -------------
# 9,999 packs: with the server license that is the verifier's 10,000 tokens for one appliance.
if want 3; then
  "$proc" "$(( (runs + 1) / 2 ))" --prep "rm -f fresh.db fresh.db-wal fresh.db-shm && cp server.db fresh.db" \
    -- issue "$keygen" issue users --ledger fresh.db --appliance "$appliance" --users 5 --count 9999 \
    -- bare "$bare_sign" 9999 "$size" >issue.txt
  a=$(field issue.txt issue 2) b=$(field issue.txt bare 2)
  r=$(ratio "$a" "$b")
  row "3 issue users --count 9999, fresh ledger" "$(ms "$a")" "$(ms "$b")" "${r}x" "<= 1.50x" "$(verdict "$r" 1.50)"
fi
if want 3 || want 5; then
  rm -f fresh.db && cp server.db fresh.db
  issue users --ledger fresh.db --appliance "$appliance" --users 5 --count 9999
  [ "$(rows fresh.db)" = 10000 ] || { echo "bench: the ledger does not hold 10,000 rows" >&2; exit 2; }
  "$keygen" export --ledger fresh.db --appliance "$appliance" >set-10000.lic 2>>keygen.log
fi
if want 3; then
  # All or nothing: 10,000 packs (10,001 tokens) are refused and write nothing.
  cp server.db refused.db
  if "$keygen" issue users --ledger refused.db --appliance "$appliance" --users 5 --count 10000 \
    >/dev/null 2>refused.log || [ $? -ne 1 ] || [ "$(rows refused.db)" != 1 ]; then
    row "  --count 10000: refused, nothing written" "" "" "" "" FAIL
  else
    row "  --count 10000: refused, nothing written" "" "" "" "" PASS
  fi
fi

# --- 4. one 1-pack issue into ledgers of 1k, 10k and 100k rows --------------------------------
# The tool writes the appliance's server license and 9 packs; SQL adds realistic rows (10 per
# appliance: a server license and 9 packs, tokens of the same size) for other appliances, as
# links of the chain whose hashes are placeholders: these ledgers time issuing, they do not
# verify.
if want 4; then
  cp server.db base.db
  issue users --ledger base.db --appliance "$appliance" --users 1 --count 9
  for n in 1000 10000 100000; do
    cp base.db "ledger-$n.db"
    sqlite3 "ledger-$n.db" >/dev/null <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n - 10)
INSERT INTO licenses (serial, kind, appliance, edition, users, customer, order_ref, issued_at,
                      updates_until, expires, issuer, key_id, replaces, token, chain_seq, chain_hash)
SELECT 10 + i, CASE WHEN i % 10 = 1 THEN 'server' ELSE 'users' END, printf('F0%010X', (i - 1) / 10),
       CASE WHEN i % 10 = 1 THEN 'appliance' END, CASE WHEN i % 10 = 1 THEN 1 ELSE 5 END,
       'Customer ' || ((i - 1) / 10), 'SO-' || i, t.issued_at, NULL, NULL, t.issuer, t.key_id, NULL,
       substr(t.token, 1, length(t.token) - 12) || printf('%012d', 10 + i), c.last + i, randomblob(32)
FROM n, (SELECT issued_at, issuer, key_id, token FROM licenses WHERE kind = 'users' LIMIT 1) AS t,
     (SELECT MAX(chain_seq) AS last FROM licenses) AS c;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
    [ "$(rows "ledger-$n.db")" = "$n" ] || { echo "bench: ledger-$n.db has not $n rows" >&2; exit 2; }
  done
  sync
  one() { echo -- "$1" "$keygen" issue users --ledger "ledger-$1.db" --appliance "$appliance" --users 1; }
  # shellcheck disable=SC2046
  "$proc" "$runs" $(one 1000) $(one 10000) $(one 100000) >flat.txt
  # Judged on CPU time (user + system: every page the tool reads, in SQLite and in the kernel):
  # the wall-clock time is mostly the ledger's fdatasync()s, whose latency is the disk's and
  # that of everyone else's writes, not the ledger's size.
  t1=$(field flat.txt 1000 6) t10=$(field flat.txt 10000 6) t100=$(field flat.txt 100000 6)
  w1=$(field flat.txt 1000 2) w10=$(field flat.txt 10000 2) w100=$(field flat.txt 100000 2)
  r=$(ratio "$t100" "$t1")
  row "4 1-pack issue: 100k-row vs 1k-row (CPU)" "$(ms "$t100")" "$(ms "$t1")" "${r}x" "<= 1.20x" "$(verdict "$r" 1.20)"
  row "  1k / 10k / 100k rows, CPU" "" "" "" "" "$(ms "$t1") / $(ms "$t10") / $(ms "$t100")"
  row "  1k / 10k / 100k rows, wall clock" "" "" "" "" "$(ms "$w1") / $(ms "$w10") / $(ms "$w100")"
fi

# --- 5. memory and size -------------------------------------------------------------------------
if want 5; then
  verify_10k=(--appliance "$appliance" --licenses set-10000.lic --trusted-keys "$public_file")
  "$proc" 5 -- summary "$verify" "${verify_10k[@]}" -- json "$verify" "${verify_10k[@]}" --json >rss.txt
  if [ -x /usr/bin/time ]; then  # the same ru_maxrss, as /usr/bin/time reports it
    rss=$(/usr/bin/time -f %M "$verify" "${verify_10k[@]}" 2>&1 >/dev/null | tail -1)
  else
    rss=$(field rss.txt summary 5)
  fi
  rss_json=$(field rss.txt json 5)
  mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
  row "5 seatkey-verify peak RSS, 10,000 tokens" "$(mib "$rss")" "" "" "<= 16 MiB" "$(verdict "$rss" 16384)"
  row "  the same with --json" "$(mib "$rss_json")" "" "" "<= 16 MiB" "$(verdict "$rss_json" 16384)"
  # kib FILE [STRIP]: FILE's size stripped (by STRIP, the target's strip of a cross build).
  kib() { "${2:-strip}" -o stripped "$1" && awk -v b="$(stat -c %s stripped)" 'BEGIN { printf "%.0f KiB", b / 1024 }'; }
  shared=$(find "$root/$build_dir/verifier" -maxdepth 1 -name 'libseatkey-verifier.so.*.*' -type f)
  row "  stripped seatkey-verify" "$(kib "$verify")" "" "" "" ""
  row "  stripped $(basename "$shared") (x86-64)" "$(kib "$shared")" "" "" "<= 256 KiB" \
    "$(verdict "$(stat -c %s stripped)" 262144)"
  # Where the shared library's code goes (nm --size-sort, functions only): by origin, in KiB.
  bytes_by_origin=$(nm -C --size-sort -S "$shared" | awk '
    $3 ~ /^[tTwW]$/ {
      size = 0; hex = toupper($2)
      for (i = 1; i <= length(hex); i++) size = size * 16 + index("0123456789ABCDEF", substr(hex, i, 1)) - 1
      $1 = $2 = $3 = ""; name = substr($0, 4); head = name; sub(/\(.*/, "", head)
      if (name ~ /nlohmann/) k = "nlohmann_json"
      else if (name ~ /^seatkey_/) k = "C API"
      else if (head ~ /^seatkey::verifier::/) k = "seatkey::verifier"
      else if (head ~ /^seatkey::/) k = "seatkey common"
      else k = "std and other"
      bytes[k] += size
    }
    END { for (k in bytes) printf "%s %.0f, ", k, bytes[k] / 1024 }' | sed 's/, $//')
  row "  its code by origin (KiB): $bytes_by_origin" "" "" "" "" ""
  # The installed static library and the build's internal static one.
  while IFS= read -r lib; do
    row "  stripped $(basename "$lib")" "$(kib "$lib")" "" "" "" ""
  done < <(find "$root/$build_dir/verifier" -maxdepth 1 -name 'libseatkey[-_]verifier.a' -type f | sort)
  # The same for the ARM appliances (cmake/toolchains/, verifier only, Release), where the cross
  # compilers are installed (scripts/setup.sh --cross); SEATKEY_BENCH_CROSS=OFF leaves them out.
  for target in aarch64-linux-gnu arm-linux-gnueabihf; do
    [ "${SEATKEY_BENCH_CROSS:-ON}" != OFF ] && command -v "$target-g++" >/dev/null || {
      row "  $target: left out (SEATKEY_BENCH_CROSS=OFF, or no $target-g++)" "" "" "" "" ""
      continue
    }
    cross_dir=$root/$build_dir-$target
    cmake -S "$root" -B "$cross_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_TOOLCHAIN_FILE=$root/cmake/toolchains/$target.cmake" -DSEATKEY_KEYGEN=OFF \
      -DSEATKEY_BUILD_TESTS=OFF -DSEATKEY_BUILD_BENCH=OFF >/dev/null
    cmake --build "$cross_dir" -j "$jobs" --target seatkey-verify seatkey_verifier_shared >"$cross_dir/bench-build.log" 2>&1 ||
      { cat "$cross_dir/bench-build.log"; exit 2; }
    row "  stripped seatkey-verify ($target)" "$(kib "$cross_dir/verifier/seatkey-verify" "$target-strip")" "" "" "" ""
    lib=$(find "$cross_dir/verifier" -maxdepth 1 -name 'libseatkey-verifier.so.*.*' -type f)
    row "  stripped $(basename "$lib") ($target)" "$(kib "$lib" "$target-strip")" "" "" "" ""
  done
fi

# --- 6. the boot check of a Compact's license file, as a whole process (CPU) ---------------------
# At 21 tokens start-up weighs as much as the signatures: dynamic loading, the C++ runtime, option
# parsing. 1 Compact server license + 20 one-user packs, signed by the benchmark's test key
# (seatkey-keygen would stop at 17 packs, the Compact's 20 users; the verifier checks all 21
# and counts 20 users). Judged on CPU time: a 2 ms process is too short for the wall clock of a
# shared machine. Each run is short, so 10 times as many runs.
if want 6 || want 7 || want 8 || want 9; then
  "$evaluate" --edition=compact --pack-users=1 --packs=20 --emit=compact.lic
  compact=(--appliance "$appliance" --licenses compact.lic --trusted-keys compact.lic.pub)
  "$verify" "${compact[@]}" >compact.out || { cat compact.out; exit 2; }
  if ! grep -q 'Compact edition, 20 users' compact.out || ! grep -q '21 accepted, 0 not accepted' compact.out; then
    echo "bench: seatkey-verify did not accept the 21 Compact tokens:" >&2
    cat compact.out >&2
    exit 2
  fi
fi
if want 6 || want 7 || want 8; then
  # 7: the same boot check with a state file, as firmware runs it (docs/firmware.md): the lock on
  # its folder, reading and checking it, the grace rules. A re-check within the hour that changes
  # nothing does not rewrite the file (docs/format.md, "The state file"), so these runs only
  # read it; judged against 6 in the same runs: at most 5% more CPU time and peak RSS.
  # 8: a boot that rewrites it (its high-water mark more than an hour old, copied in untimed
  # before every run): the temporary file, its fsync, the rename and the folder's fsync. Those
  # cost what the disk and the kernel cost (on this VM about 0.5 ms of CPU time, of which
  # seatkey's own instructions are a small part: docs/performance.md); shown, judged only
  # against a loose bound.
  "$verify" "${compact[@]}" --state compact.state --now 2026-11-28T10:00:00Z >/dev/null 2>&1 || true
  cp compact.state compact.state.old  # the high-water mark of 2026-11-28, long before now
  "$verify" "${compact[@]}" --state compact.state >/dev/null 2>&1 || true  # now: written once
  "$verify" "${compact[@]}" --state compact.state >compact-state.out 2>compact-state.err ||
    { cat compact-state.out compact-state.err; exit 2; }
  if [ -s compact-state.err ] || ! grep -q 'Compact edition, 20 users' compact-state.out; then
    echo "bench: seatkey-verify --state did not check the Compact cleanly:" >&2
    cat compact-state.out compact-state.err >&2
    exit 2
  fi
  baseline=()
  if [ -n "${SEATKEY_BENCH_BASELINE_VERIFY:-}" ]; then
    baseline=(-- baseline "$SEATKEY_BENCH_BASELINE_VERIFY" "${compact[@]}")
  fi
  "$proc" "$((runs * 10))" -- verify "$verify" "${compact[@]}" \
    -- state "$verify" "${compact[@]}" --state compact.state \
    -- bare "$bare_verify" "$(cat compact.lic.pub)" compact.lic "${baseline[@]}" >compact.txt
  cmp -s compact.state compact.state.old && { echo "bench: the state file was not written" >&2; exit 2; }
  "$proc" "$((runs * 10))" --prep "cp compact.state.old compact.saved" \
    -- saved "$verify" "${compact[@]}" --state compact.saved -- verify "$verify" "${compact[@]}" >compact-saved.txt
  cmp -s compact.saved compact.state.old && { echo "bench: row 8 did not write the state file" >&2; exit 2; }
  a=$(field compact.txt verify 6) b=$(field compact.txt bare 6) c=$(field compact.txt state 6)
  r=$(ratio "$a" "$b")
  row "6 seatkey-verify process, Compact 1 server + 20 packs (CPU)" "$(ms "$a" 2)" "$(ms "$b" 2)" "${r}x" "<= 1.20x" \
    "$(verdict "$r" 1.20)"
  r=$(ratio "$c" "$a")
  row "7 the same with --state FILE, a re-check (CPU)" "$(ms "$c" 2)" "$(ms "$a" 2)" "${r}x" "<= 1.05x" \
    "$(verdict "$r" 1.05)"
  ra=$(field compact.txt verify 5) rc=$(field compact.txt state 5)
  r=$(ratio "$rc" "$ra")
  rss_kib() { awk -v k="$1" 'BEGIN { printf "%d KiB", k }'; }
  row "  peak RSS with --state vs without" "$(rss_kib "$rc")" "$(rss_kib "$ra")" "${r}x" "<= 1.05x" "$(verdict "$r" 1.05)"
  if [ ${#baseline[@]} -gt 0 ]; then
    o=$(field compact.txt baseline 6) ro=$(field compact.txt baseline 5)
    r=$(ratio "$c" "$o")
    row "  with --state vs SEATKEY_BENCH_BASELINE_VERIFY (CPU)" "$(ms "$c" 2)" "$(ms "$o" 2)" "${r}x" "<= 1.05x" \
      "$(verdict "$r" 1.05)"
    r=$(ratio "$rc" "$ro")
    row "  peak RSS with --state vs SEATKEY_BENCH_BASELINE_VERIFY" "$(rss_kib "$rc")" "$(rss_kib "$ro")" "${r}x" "<= 1.05x" \
      "$(verdict "$r" 1.05)"
  fi
  s8=$(field compact-saved.txt saved 6) v8=$(field compact-saved.txt verify 6)
  r=$(ratio "$s8" "$v8")
  row "8 the same, a boot that rewrites the state file (CPU)" "$(ms "$s8" 2)" "$(ms "$v8" 2)" "${r}x" "<= 1.50x" \
    "$(verdict "$r" 1.50)"
  row "  peak RSS rewriting it vs without" "$(rss_kib "$(field compact-saved.txt saved 5)")" \
    "$(rss_kib "$(field compact-saved.txt verify 5)")" \
    "$(ratio "$(field compact-saved.txt saved 5)" "$(field compact-saved.txt verify 5)")x" "<= 1.05x" \
    "$(verdict "$(ratio "$(field compact-saved.txt saved 5)" "$(field compact-saved.txt verify 5)")" 1.05)"
  row "  wall clock: re-check / rewriting it / without --state" "" "" "" "" \
    "$(ms "$(field compact.txt state 2)" 2) / $(ms "$(field compact-saved.txt saved 2)" 2) / $(ms "$(field compact.txt verify 2)" 2)"
fi

# --- 9. the Compact's boot check with a revocation list of 20,000 serials in its folder (CPU) ------
# The list (270 KB: the vendor's every voided license) is a 22nd token: one more signature over
# a payload 600 times a license's, and what the bare floor does not do: its JSON (20,000
# strings, their order checked) and a binary search of each license's serial. Judged like 6,
# against the bare verifies of the same 22 tokens (whose cost the list's base64url and
# signature already double), with room for the JSON; and shown against 6 itself.
if want 9; then
  "$evaluate" --edition=compact --pack-users=1 --packs=20 --revoked=20000 --emit=revoked.lic
  revoked=(--appliance "$appliance" --licenses revoked.lic --trusted-keys revoked.lic.pub)
  "$verify" "${revoked[@]}" >revoked.out || { cat revoked.out; exit 2; }
  if ! grep -q 'Compact edition, 20 users' revoked.out || ! grep -q '22 accepted, 0 not accepted' revoked.out; then
    echo "bench: seatkey-verify did not accept the 21 Compact tokens and the revocation list:" >&2
    cat revoked.out >&2
    exit 2
  fi
  "$proc" "$((runs * 10))" -- revoked "$verify" "${revoked[@]}" -- verify "$verify" "${compact[@]}" \
    -- bare "$bare_verify" "$(cat revoked.lic.pub)" revoked.lic >revoked.txt
  a=$(field revoked.txt revoked 6) b=$(field revoked.txt bare 6) c=$(field revoked.txt verify 6)
  r=$(ratio "$a" "$b")
  row "9 the same as 6 + a 20,000-serial revocation list (CPU)" "$(ms "$a" 2)" "$(ms "$b" 2)" "${r}x" "<= 1.60x" \
    "$(verdict "$r" 1.60)"
  row "  against 6 without the list (CPU)" "$(ms "$a" 2)" "$(ms "$c" 2)" "$(ratio "$a" "$c")x" "" ""
fi

# --- 10. seatkey-server: one pack over HTTP, and 8 clients issuing 2,000, against the floor ---------
# bench/server_load.sh: the floor (keygen::issue in-process) paired with one client's POSTs,
# then 8 keep-alive clients; the ledger checked afterwards (every serial once, every token
# verifies on its appliance).
if want 10; then
  server_status=0
  bash "$root/bench/server_load.sh" "$keygen" "$root/$build_dir/server/seatkey-server" "$verify" \
    "$root/$build_dir/bench/seatkey-bench-server-load" "$root" "$work/server-load" 100 200 8 2000 \
    >server-load.txt 2>&1 || server_status=$?
  [ "$server_status" -ne 2 ] || { cat server-load.txt; exit 2; }
  read -r floor_p50 floor_rate <<<"$(sed -n 's/^  p50 \([0-9.]*\) ms, p99 [0-9.]* ms, \([0-9.]*\) issues\/s on one thread.*/\1 \2/p' server-load.txt)"
  read -r p50 p99 <<<"$(sed -n 's/^  p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms; p50.*/\1 \2/p' server-load.txt)"
  rate=$(sed -n 's/^load: .*: \([0-9.]*\) issues\/s;.*/\1/p' server-load.txt)
  if [ -z "$floor_p50" ] || [ -z "$p50" ] || [ -z "$rate" ]; then cat server-load.txt; exit 2; fi
  r=$(ratio "$p50" "$floor_p50")
  row "10 one pack over HTTP, p50 (p99 $(ms "$p99"))" "$(ms "$p50" 2)" "$(ms "$floor_p50" 2)" "${r}x" "<= 2.00x" "$(verdict "$r" 2.00)"
  r=$(ratio "$rate" "$floor_rate")
  row "  8 clients, 2,000 packs: issues/s vs the floor's one thread" "$rate/s" "$floor_rate/s" "${r}x" ">= 0.50x" \
    "$(awk -v r="$r" 'BEGIN { print (r >= 0.5 ? "PASS" : "FAIL") }')"
  row "  2,000 answered, no error, distinct serials, all verify" "" "" "" "" \
    "$(grep -q '^ledger: .*: PASS$' server-load.txt && grep -q ' 0 errors, 2000 distinct serials of 2000, .*PASS$' server-load.txt && echo PASS || echo FAIL)"
fi

# --- 11. the ledger on PostgreSQL vs SQLite: one pack, and 8 issuers on one ledger ------------------
# bench/ledger_bench.sh: a throwaway PostgreSQL 15 cluster on this machine (Unix socket) with
# durable commits (SEATKEY_PG_FSYNC=on: fsync, synchronous_commit, as SQLite's synchronous=FULL);
# keygen::issue of one pack into each ledger, alternating; then 8 threads with a connection each
# issuing 800 packs into each; the serials and the chain checked afterwards.
if want 11; then
  SEATKEY_PG_FSYNC=on bash "$root/scripts/postgres-cluster.sh" start "$work/pg" >pg-start.txt 2>&1 ||
    { cat pg-start.txt; exit 2; }
  pg_url=$(bash "$root/scripts/postgres-cluster.sh" createdb "$work/pg" bench_ledger 2>&1) || { echo "$pg_url"; exit 2; }
  ledger_status=0
  bash "$root/bench/ledger_bench.sh" "$keygen" "$root/$build_dir/bench/seatkey-bench-ledger" "$root" \
    "$work/ledger-bench" "$pg_url" 100 200 8 800 >ledger-bench.txt 2>&1 || ledger_status=$?
  bash "$root/scripts/postgres-cluster.sh" stop "$work/pg" >/dev/null
  [ "$ledger_status" -ne 2 ] || { cat ledger-bench.txt; exit 2; }
  latency() { sed -n "s/^  $1 *p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms, \([0-9.]*\) issues\/s.*/\\$2/p" ledger-bench.txt; }
  loaded() { sed -n "s/^load $1: .*: \([0-9.]*\) issues\/s;.*/\1/p" ledger-bench.txt; }
  sq_p50=$(latency sqlite 1) sq_p99=$(latency sqlite 2) sq_rate=$(latency sqlite 3)
  pg_p50=$(latency postgres 1) pg_p99=$(latency postgres 2) pg_rate=$(latency postgres 3)
  sq_load=$(loaded sqlite) pg_load=$(loaded postgres)
  if [ -z "$sq_p50" ] || [ -z "$pg_p50" ] || [ -z "$sq_load" ] || [ -z "$pg_load" ]; then cat ledger-bench.txt; exit 2; fi
  at_least() { awk -v v="$1" -v l="$2" 'BEGIN { print (v >= l ? "PASS" : "FAIL") }'; }
  r=$(ratio "$pg_p50" "$sq_p50")
  row "11 one pack into PostgreSQL vs SQLite, p50" "$(ms "$pg_p50" 2)" "$(ms "$sq_p50" 2)" "${r}x" "<= 3.00x" \
    "$(verdict "$r" 3.00)"
  row "  p99: PostgreSQL / SQLite" "" "" "" "" "$(ms "$pg_p99" 2) / $(ms "$sq_p99" 2)"
  r=$(ratio "$pg_load" "$pg_rate")
  row "  8 issuers into PostgreSQL vs its one issuer" "$pg_load/s" "$pg_rate/s" "${r}x" ">= 0.60x" "$(at_least "$r" 0.60)"
  row "  8 issuers into SQLite vs its one issuer" "$sq_load/s" "$sq_rate/s" "$(ratio "$sq_load" "$sq_rate")x" "" ""
  row "  8 issuers, 800 packs: distinct serials, chains verify" "" "" "" "" \
    "$([ "$(grep -c ' 0 errors, 800 distinct serials of 800; ledger .* chain verifies: PASS$' ledger-bench.txt)" = 2 ] &&
      echo PASS || echo FAIL)"
fi

# --- the table ----------------------------------------------------------------------------------
compiler=$(awk -F= '$1 == "CMAKE_CXX_COMPILER:FILEPATH" { print $2 }' "$root/$build_dir/CMakeCache.txt")
echo "seatkey benchmarks: $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$(basename "$compiler") $("$compiler" -dumpfullversion), CMAKE_BUILD_TYPE=Release in $build_dir"
echo "medians: ${eval_seconds} s of alternating evaluate()/bare pairs (1); $runs process runs interleaved (2, 4)," \
  "$(( (runs + 1) / 2 )) (3), $((runs * 10)) (6, 7, 8, 9); 200 floor/HTTP pairs (10); 200 SQLite/PostgreSQL pairs (11);" \
  "wall clock unless marked CPU"
printf '%-60s %14s %14s %9s %9s  %s\n' "measure" "seatkey" "baseline" "ratio" "target" "result"
printf '%s\n' "${results[@]}"
exit "$failed"
