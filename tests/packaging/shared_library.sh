#!/usr/bin/env bash
# ctest-name: packaging: shared library - SONAME, only the C and C++ API exported, no seatkey_common needed
# ctest: needs=packaging seconds=5
# libseatkey-verifier.so: its SONAME, which its file name starts with, exports only the C API
# (seatkey_*) and the C++ API (seatkey::verifier::*), carries the common code itself (no
# seatkey_common to install) but no secret-handling code and nothing only issuing needs (the
# claims writer), stripped or not; seatkey-verify does not load it.
. "$SOURCE_DIR/tests/packaging/lib.sh"

run readelf -d "$LIBRARY"
expect_rc 0 "readelf -d"
expect_out "Library soname: [libseatkey-verifier.so.$SOVERSION]"
expect_out "[libsodium.so.23]"
expect_out_lacks "seatkey_common"
[ "$(readlink -f "$LIBRARY")" = "$(readlink -f "$(dirname "$LIBRARY")/libseatkey-verifier.so.$LIBRARY_VERSION")" ] ||
  fail "$LIBRARY is not libseatkey-verifier.so.$LIBRARY_VERSION"
# The file is the SONAME and a minor version: libseatkey-verifier.so.1 -> libseatkey-verifier.so.1.M.P.
file_name=$(basename "$(readlink -f "$LIBRARY")")
case "$file_name" in
  "libseatkey-verifier.so.$SOVERSION".*) ;;
  *) fail "the file $file_name does not start with its SONAME libseatkey-verifier.so.$SOVERSION" ;;
esac
TESTS_RUN=$((TESTS_RUN + 1))

"$NM" -D --defined-only "$LIBRARY" | awk '{print $NF}' | c++filt >symbols || fail "nm -D failed"
TESTS_RUN=$((TESTS_RUN + 1))
grep -vE '^(seatkey_[a-z_0-9]+|seatkey::verifier::.*)$' symbols >foreign
[ ! -s foreign ] || { cat foreign >&2; fail "symbols outside the API are exported (above)"; }
for s in seatkey_evaluate_path seatkey_evaluate_text seatkey_entitlement_free seatkey_report_message \
  'seatkey::verifier::evaluate(' 'seatkey::verifier::TrustStore::built_in()' \
  'seatkey::verifier::Entitlement::may_add_user('; do # (int64_t: long, or long long on 32-bit targets)
  grep -qF -- "$s" symbols || fail "not exported: $s"
done
grep -q 'seatkey::verifier::detail' symbols && fail "internal seatkey::verifier::detail symbols are exported"

# Every function declared in verifier.h is exported.
grep -oE '\bseatkey_[a-z_0-9]+\(' "$SOURCE_DIR/verifier/include/seatkey/verifier.h" | tr -d '(' | sort -u >declared
grep -E '^seatkey_' symbols | sort -u >exported
comm -23 declared exported >missing
[ ! -s missing ] || { cat missing >&2; fail "declared in verifier.h but not exported (above)"; }

# The verifier ships no secret-handling code: nothing of SecureBuffer, sodium_malloc, the
# constant-time codec for secrets, signing or passphrase wrapping is in either library.
static_library=$(dirname "$LIBRARY")/libseatkey-verifier.a
for lib in "$LIBRARY" "$static_library"; do
  "$NM" -C "$lib" 2>/dev/null | grep -E 'SecureBuffer|sodium_malloc|sodium_base642bin|crypto_sign_detached|crypto_sign_seed_keypair|crypto_pwhash|SecretKey' >secret-code &&
    { cat secret-code >&2; fail "$lib holds secret-handling code (above)"; }
  TESTS_RUN=$((TESTS_RUN + 1))
done

# Nor anything only issuing needs: the claims writer (seatkey/signing/claims_writer.hpp) is the
# vendor's. nm -C of the library as built sees every function, hidden ones too (the build keeps
# their symbols); the control is that it does see the claims reader. The stripped library (as
# packaged and installed on an appliance) exports none of it either.
issuing='to_payload_json|validate_license|validate_revocation_list'
for lib in "$LIBRARY" "$static_library"; do
  "$NM" -C "$lib" 2>/dev/null >all-symbols || fail "nm -C $lib failed"
  grep -q 'seatkey::parse_token_claims' all-symbols || fail "nm -C $lib does not see the claims parser: no symbols to check"
  grep -E "$issuing" all-symbols >issuing-code && { cat issuing-code >&2; fail "$lib holds the claims writer (above)"; }
  TESTS_RUN=$((TESTS_RUN + 1))
done
"${STRIP:-strip}" -o stripped.so "$LIBRARY" || fail "strip $LIBRARY failed"
"$NM" -D -C stripped.so >stripped-symbols || fail "nm -D of the stripped library failed"
grep -q 'seatkey_evaluate_path' stripped-symbols || fail "the stripped library exports no API"
grep -E "$issuing|SecretKey|sodium_malloc|crypto_sign_detached" stripped-symbols >issuing-code &&
  { cat issuing-code >&2; fail "the stripped library exports issuing code (above)"; }
TESTS_RUN=$((TESTS_RUN + 1))

# seatkey-verify is linked statically (verifier/CMakeLists.txt says why): it loads neither
# this library nor the C++ runtime; the library's users are the C and C++ consumers
# (c_boot_check.sh, consumers.sh, docs_examples.sh).
run readelf -d "$VERIFY_ELF"
expect_rc 0 "readelf -d seatkey-verify"
expect_out_lacks "libseatkey-verifier"
expect_out_lacks "libstdc++"
expect_out_lacks "libgcc_s"

pass
