#!/usr/bin/env bash
# ctest-name: hostile: license files - every hostile token gets its reason, limits refuse the set, memory bounded
# ctest: needs=verify,mint seconds=60
# seatkey-verify on hostile license files. Every hostile token is rejected with its reason
# (docs/format.md, rule 1), every hostile set is evaluated or refused with a clear error
# (exit 2), and nothing crashes: a signal or a sanitizer report shows up as an unexpected exit
# status.
# The verifier's peak RSS on a 5 MiB file, on /dev/zero as standard input and on 10,000 and
# 10,001 licenses is printed and, outside the sanitizer build, must stay under RSS_LIMIT_KIB.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

RSS_LIMIT_KIB=$((32 * 1024))

# reasons_of_out: "source reason" per token of the last --json run; the output must be valid
# UTF-8 JSON with every token accounted for.
reasons_of_out() {
  python3 -c '
import json, sys
d = json.load(open("out", encoding="utf-8"))
for r in d["accepted"] + d["rejected"]:
    print(r["source"], r["reason"] or "accepted")
' | sort -t: -k2,2n >reasons || fail "seatkey-verify --json did not print valid UTF-8 JSON"
}

# rss_run ARGS...: like run, and the child's peak RSS in KiB in $RSS.
rss_run() {
  RSS=$(python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=open("out", "wb"), stderr=open("err", "wb"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)
' "$@")
  RC=${RSS#* }
  RSS=${RSS% *}
  TESTS_RUN=$((TESTS_RUN + 1))
}
expect_rss_bounded() {
  echo "peak RSS of seatkey-verify on $1: $RSS KiB"
  if [ "${SANITIZED:-OFF}" = ON ]; then
    echo "  (sanitizer build: RSS not judged)"
  elif [ "$RSS" -gt "$RSS_LIMIT_KIB" ]; then
    fail "seatkey-verify used $RSS KiB on $1 (limit $RSS_LIMIT_KIB KiB)"
  fi
}

SERVER=$(mint "$(server_payload 1001 appliance)")
PACK=$(mint "$(pack_payload 1002 5)")
BODY=${PACK#v4.public.}
KID=$("$MINT" --kid --key "$DEV_SECRET")

# --- Empty and blank files: evaluated, nothing licensed, exit 1.
: >empty.lic
verify --licenses empty.lic --json
expect_rc 1 "an empty license file"
expect_out '"licensed": false'
reasons_of_out
[ ! -s reasons ] || fail "an empty file produced tokens"
printf '\r\n\n  \t\r\n# only a comment\r\n' >blank.lic
verify --licenses blank.lic --json
expect_rc 1 "a file of blank lines and comments"
reasons_of_out
[ ! -s reasons ] || fail "blank lines produced tokens"

# --- A binary file: every non-blank, non-comment line malformed, valid JSON out, exit 1.
python3 -c '
import random, sys
random.seed(5)
sys.stdout.buffer.write(bytes(random.randrange(256) for _ in range(256 * 1024)))' >binary.lic
verify --licenses binary.lic --json
expect_rc 1 "a 256 KiB binary file"
reasons_of_out
[ -s reasons ] || fail "the binary file gave no tokens"
! grep -qv ' malformed$' reasons || fail "a binary line got another reason than malformed"
verify --licenses binary.lic
expect_rc 1 "a binary file, text output"
expect_out "is NOT licensed"

# --- One file, one hostile token a line; each line's expected outcome in ./expected.
line=0
: >hostile.lic
: >expected
add() { # TOKEN OUTCOME: appends TOKEN as the next line, expecting OUTCOME for it
  printf '%s\n' "$1" >>hostile.lic
  line=$((line + 1))
  echo "hostile.lic:$line $2" >>expected
}
add_printf() { # OUTCOME FORMAT ARGS...: the next line made by printf (NUL bytes allowed)
  local outcome=$1
  shift
  # shellcheck disable=SC2059
  printf "$@" >>hostile.lic
  line=$((line + 1))
  echo "hostile.lic:$line $outcome" >>expected
}
claims() { # EXTRA_MEMBERS: a pack of 5 for $APPLIANCE, serial 2000 + line, plus EXTRA
  printf '{"iss":"V","jti":"%s","iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"%s","users":5%s}' \
    "$((2001 + line))" "$APPLIANCE" "$1"
}

add "$SERVER" accepted
add "$PACK" accepted
# NUL bytes and CR: inside or after a token they make it malformed; CRLF line ends are fine.
add_printf malformed '%s\0\n' "$PACK"
add_printf malformed '\0\0\0\n'
add_printf malformed 'v4.public.\0%s\n' "$BODY"
add_printf duplicate '%s\r\n' "$SERVER"
add_printf malformed '%s\rgarbage\n' "$PACK"
# Truncated tokens: every cut is malformed, never read as a shorter valid token.
for cut in 3 9 10 11 40 $((${#PACK} / 2)); do add "${PACK:0:cut}" malformed; done
add "${PACK%.*}" malformed   # the footer cut off
add "${PACK%.*}." malformed  # an empty footer
add "${PACK:0:-1}" malformed # one character short
add "${PACK:0:-2}" malformed
# Other PASETO versions and purposes, and spellings of the header.
for header in v4.local. v3.public. v2.public. v1.public. v4.secret. V4.public. v4.PUBLIC. v4public.; do
  add "$header$BODY" malformed
done
add " $PACK" duplicate # surrounding blanks are trimmed: the same pack again
# Extra dots.
add "$PACK." malformed
add "$PACK.x" malformed
add "$PACK.$PACK" malformed
add "v4.public.${BODY:0:20}.${BODY:20}" malformed
add "v4..public.$BODY" malformed
add "v4.public..$BODY" malformed
# Non-UTF-8 bytes: in the payload (signed, so only the claims can object) and in the footer.
add "$(mint "$(claims ',"customer":"'$'\xff\xfe''"')")" invalid_claims
add "$(mint "$(claims ',"future":"'$'\xc0\xaf''"')")" invalid_claims     # overlong '/'
add "$(mint "$(claims ',"future":"'$'\xed\xa0\x80''"')")" invalid_claims # a UTF-16 surrogate
add "$(mint "$(claims '')"$'\xff')" invalid_claims                         # after the object
add "$(mint --footer '{"kid":"'"$KID"'","x":"'$'\xff''"}' "$(claims '')")" malformed
# Deeply nested JSON, in an unknown claim and in the footer.
add "$(mint "$(claims ",\"deep\":$(printf '%.0s[' {1..1000})$(printf '%.0s]' {1..1000})")")" invalid_claims
add "$(mint "$(claims ",\"deep\":$(printf '%.0s{"a":' {1..300})1$(printf '%.0s}' {1..300})")")" invalid_claims
add "$(mint --footer "{\"kid\":\"$KID\",\"x\":$(printf '%.0s[' {1..1000})$(printf '%.0s]' {1..1000})}" \
  "$(claims '')")" malformed
# Huge, negative and non-integer numbers, and users of the wrong type.
for users in 1e308 1e999 -1e999 18446744073709551621 9223372036854775807 2147483653 -5 -0 0 5.0 5e0 0.5e1 \
  '"5"' true null '[5]' '{"n":5}'; do
  add "$(mint "$(printf '{"iss":"V","jti":"%s","iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"%s","users":%s}' \
    "$((2001 + line))" "$APPLIANCE" "$users")")" invalid_claims
done
add "$(mint "$(printf '{"iss":"V","jti":2%s,"iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"%s","users":5}' \
  "$line" "$APPLIANCE")")" invalid_claims # a numeric serial
add "$(mint "$(claims ',"exp":-1')")" invalid_claims
add "$(mint "$(claims ',"exp":"-0001-01-01T00:00:00Z"')")" invalid_claims
add "$(mint "$(claims ',"nbf":"99999-01-01T00:00:00Z"')")" invalid_claims
add "$(mint "$(claims ',"future":1e999999999')")" invalid_claims
add "$(mint "$(claims ',"future":-99999999999999999999999999999999999999')")" accepted # unknown claims are ignored
# Duplicated JSON keys, at the top, nested and in the footer.
add "$(mint "$(claims ',"users":1')")" invalid_claims
add "$(mint "$(claims ',"appliance":"0099AABBCCDD"')")" invalid_claims
add "$(mint "$(claims ',"future":{"a":1,"a":2}')")" invalid_claims
add "$(mint --footer '{"kid":"'"$KID"'","kid":"'"$KID"'"}' "$(claims '')")" malformed
# IDs with spaces and non-ASCII: appliance IDs must be canonical, serials plain ASCII.
for id in "001A 2B3C4D5E" "001A2B3C4D5E " " 001A2B3C4D5E" "001A2B3C4D5É" "００1A2B3C4D5E" "001a2b3c4d5e" \
  "00:1A:2B:3C:4D:5E" "" "001A2B3C4D5E\\u0000"; do
  add "$(mint "$(printf '{"iss":"V","jti":"%s","iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"%s","users":5}' \
    "$((2001 + line))" "$id")")" invalid_claims
done
for serial in "20 01" "20É1" "" "$(printf '%065d' 1)"; do
  add "$(mint "$(printf '{"iss":"V","jti":"%s","iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"%s","users":5}' \
    "$serial" "$APPLIANCE")")" invalid_claims
done
# A license of exactly 4 KiB is read; 4 KiB + 1 is malformed (only a revocation list may be
# larger). The size is reached with an ignored claim and, when base64url cannot hit it, a space in the footer.
for size in 4096 4097; do
  read -r pad spaces < <(python3 - "$size" "$KID" <<'PY'
import sys
size, kid = int(sys.argv[1]), sys.argv[2]
b64 = lambda n: (4 * n + 2) // 3
base = len('{"iss":"V","jti":"3000","iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"001A2B3C4D5E","users":5,"pad":""}')
for spaces in range(3):
    footer = len('{"kid":"%s"%s}' % (kid, " " * spaces))
    for pad in range(4096):
        if len("v4.public.") + b64(base + pad + 64) + 1 + b64(footer) == size:
            print(pad, spaces)
            sys.exit(0)
sys.exit(1)
PY
  ) || fail "no padding gives a $size-byte token"
  big=$(mint --footer "{\"kid\":\"$KID\"$(printf "%${spaces}s" '')}" \
    "$(printf '{"iss":"V","jti":"%s","iat":"2026-11-02T09:00:00Z","kind":"users","appliance":"001A2B3C4D5E","users":5,"pad":"%s"}' \
      "$((3000 + size - 4096))" "$(printf "%${pad}s" '' | tr ' ' x)")")
  expect_eq "${#big}" "$size" "(length of the padded token)"
  if [ "$size" -eq 4096 ]; then add "$big" accepted; else add "$big" malformed; fi
  [ "$size" -eq 4096 ] && BIG_4096=$big
done

verify --licenses hostile.lic --json
expect_rc 0 "the hostile file (its server license is valid)"
reasons_of_out
diff expected reasons >reasons.diff || { cat reasons.diff >&2; fail "hostile tokens got other outcomes"; }
expect_out '"licensed_users": 16,' # 1 included + 5 (1002) + 5 (unknown claim) + 5 (4096 bytes)
verify --licenses hostile.lic
expect_rc 0 "the hostile file, text output"

# --- A 5 MiB file of 4 KiB licenses: refused as a whole (the 5 MiB limit), memory bounded.
for ((i = 0; i < 1300; i++)); do printf '%s\n' "$BIG_4096"; done >5mib.lic
[ "$(stat -c %s 5mib.lic)" -gt $((5 * 1024 * 1024)) ] || fail "5mib.lic is not over 5 MiB"
rss_run "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses 5mib.lic --json
expect_rc 2 "a 5 MiB license file"
expect_err "the license set is over the 5 MiB limit (at 5mib.lic); refusing all of it"
expect_no_out
expect_rss_bounded "a 5 MiB license file"
# The same as a directory of 5 files of 1 MiB.
mkdir 5mib
split -n l/5 -d 5mib.lic 5mib/part-
rss_run "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses 5mib
expect_rc 2 "a directory of 5 MiB"
expect_err "over the 5 MiB limit"
expect_rss_bounded "a directory of 5 MiB"

# An endless standard input (--licenses - from /dev/zero) is read to 5 MiB and refused.
rss_run "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses - </dev/zero
expect_rc 2 "/dev/zero on standard input"
expect_err "the license set is over the 5 MiB limit (at stdin); refusing all of it"
expect_no_out
expect_rss_bounded "/dev/zero on standard input"

# --- 10,000 distinct licenses (1 server + 9,999 packs of 1) all verify; 10,001 are refused.
echo "$SERVER" >10000.lic
for ((chunk = 0; chunk < 10; chunk++)); do
  # One subshell for a thousand payloads: a subshell each would be most of the test's time.
  mapfile -t payloads < <(for ((i = 0; i < 1000 && chunk * 1000 + i < 9999; i++)); do
    pack_payload $((100000 + chunk * 1000 + i)) 1
    echo
  done)
  mint "${payloads[@]}" >>10000.lic
done
expect_eq "$(wc -l <10000.lic)" 10000
rss_run "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses 10000.lic --json
expect_rc 0 "10,000 licenses"
expect_out '"licensed_users": 10000,'
expect_eq "$(grep -c '"reason": null' out)" 10000 "(accepted licenses)"
expect_rss_bounded "10,000 licenses (--json)"
{ cat 10000.lic; mint "$(pack_payload 200000 1)"; } >10001.lic
rss_run "$VERIFY" --appliance "$APPLIANCE" --now "$NOW" --licenses 10001.lic --json
expect_rc 2 "10,001 licenses"
expect_err "the license set holds over 10,000 licenses (at 10001.lic:10001); refusing all of it"
expect_no_out
expect_rss_bounded "10,001 licenses"

pass
