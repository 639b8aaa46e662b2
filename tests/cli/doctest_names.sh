#!/usr/bin/env bash
# ctest: none
# Every doctest binary given: no test case name holds a ';' (see tests/CMakeLists.txt), and each
# lists at least one case, so the check itself cannot pass on nothing.
set -uo pipefail
[ $# -gt 0 ] || { echo "FAIL: no doctest binaries given" >&2; exit 1; }
# A cross build's binaries run through its emulator (EMULATOR, see tests/cli/lib.sh).
read -r -a on_target <<<"${EMULATOR:-}"
status=0
for binary in "$@"; do
  names=$("${on_target[@]}" "$binary" --list-test-cases --no-version 2>&1) || { echo "FAIL: $binary --list-test-cases: $names" >&2; exit 1; }
  cases=$(printf '%s\n' "$names" | grep -cv '^\[doctest\]\|^=\+$\|^$')
  [ "$cases" -gt 0 ] || { echo "FAIL: $binary lists no test cases" >&2; status=1; }
  if bad=$(printf '%s\n' "$names" | grep ';'); then
    echo "FAIL: $(basename "$binary"): test case names with ';' (use ',' or ' - '):" >&2
    printf '  %s\n' "$bad" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "ok: $# doctest binaries, no ';' in a test case name"
exit "$status"
