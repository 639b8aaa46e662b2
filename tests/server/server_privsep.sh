#!/usr/bin/env bash
# ctest-name: server cli: privilege separation: the HTTP process's memory holds no key bytes
# ctest: needs=keygen,verify,server seconds=15
# Privilege separation in the running server: the vendor key's secret bytes are in the signer
# process's memory and nowhere in the HTTP process's, before and after it has had tokens signed
# (the memory of both read through /proc/PID/mem). That the signer refuses a malformed signing
# request is the doctest "signer process: ... exits on a bad frame" and "signer: refuses ...".
. "$SOURCE_DIR/tests/server/lib.sh"

# AddressSanitizer's allocator reserves terabytes of address space whose page tables alone take
# minutes to walk; the memory property is the normal build's (this test runs there).
if [ "${SANITIZE:-OFF}" = ON ]; then
  echo "skip: the memory search is the normal build's (a sanitizer build reserves terabytes)"
  exit 77
fi

dev_key
init_ledger
SHOP=$(make_token shop webshop)
# The secret key: the 32-byte seed and the 32-byte public half of k4.secret's 64 bytes, and the
# key file's text.
read -r seed public text < <(python3 - dev.key <<'PY'
import base64, sys
text = next(l for l in open(sys.argv[1]).read().splitlines() if l.startswith("k4.secret."))
raw = base64.urlsafe_b64decode(text[len("k4.secret."):] + "==")
assert len(raw) == 64
print(raw[:32].hex(), raw[32:].hex(), text.encode().hex())
PY
)
[ -n "$text" ] || fail "cannot read dev.key"
start_server
signer=$(signer_pid)
[ -n "$signer" ] || fail "no signer process"
search() { python3 "$SOURCE_DIR/tests/server/memory_search.py" "$1" "$seed" "$public" "$text"; }

# The search finds the key where it is: in the signer (sodium_malloc memory), when this user may
# read a process that is not dumpable (root); else in a process that holds it on purpose.
read -r regions seed_n public_n text_n <<<"$(search "$signer" 2>/dev/null || echo 0 0 0 0)"
if [ "$regions" -gt 5 ]; then
  [ "$seed_n" -ge 1 ] || fail "the search does not find the seed in the signer ($seed_n)"
else
  read -r regions seed_n public_n text_n <<<"$(search self)"
  [ "$seed_n" -ge 1 ] && [ "$text_n" -ge 1 ] || fail "the search does not find what it holds itself"
fi

check_http_process() {
  read -r regions seed_n public_n text_n <<<"$(search "$SERVER_PID")"
  [ "$regions" -gt 5 ] || fail "read only $regions regions of the HTTP process"
  expect_eq "$seed_n $text_n" "0 0" "(secret key bytes and key file text in the HTTP process: $1)"
}
check_http_process "after start"
for i in 1 2 3; do
  api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"users\":1}"
  [ "$i" = 1 ] && { expect_status 409; continue; }  # no server license yet: refused
done
api POST /v1/licenses/server "$SHOP" "{\"appliance\":\"$A\",\"edition\":\"vm\"}"
expect_status 201
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"users\":5,\"count\":20}"
expect_status 201
check_http_process "after signing 21 tokens"
# The signer counted them; the HTTP process never opened the key file.
api GET /healthz
expect_eq "$(json 'd["signer"]["signatures"]')" 21
ls -l /proc/"$SERVER_PID"/fd 2>/dev/null | grep -q 'dev\.key' && fail "the HTTP process holds the key file open"
stop_server
pass
