#!/usr/bin/env bash
# ctest-name: packaging: cpack .deb - four packages (two without the back office), their Depends and contents; the programs run from them
# ctest: needs=packaging seconds=60 lock=seatkey_nested_build
# cpack -G DEB on this build: four packages (two without seatkey-keygen and seatkey-server,
# SEATKEY_KEYGEN=OFF) with the right names, Depends and contents; the runtime, vendor tool and
# server packages extracted into a scratch root run from there. This is a development build:
# its verifier packages are named seatkey-verifier-devkey[-dev], say so, and conflict with the
# production ones (firmware_production_key.sh checks a firmware build's names). A cross build's
# packages are for its target's architecture.
. "$SOURCE_DIR/tests/packaging/lib.sh"

[ "$SANITIZE" = ON ] && skip "packages of a sanitizer build would depend on libasan/libubsan and are never" \
  "shipped; the normal build runs this test"
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb is not installed"

run "$CPACK" -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$SCRATCH/debs"
expect_rc 0 "cpack -G DEB"
arch=$(dpkg --print-architecture)
[ -z "${TOOLCHAIN_FILE:-}" ] || arch=$(dpkg-architecture -t "$("$CC" -dumpmachine)" -qDEB_HOST_ARCH 2>/dev/null)
runtime="debs/seatkey-verifier-devkey_${VERSION}-1_${arch}.deb"
dev="debs/seatkey-verifier-devkey-dev_${VERSION}-1_${arch}.deb"
tool="debs/seatkey-keygen_${VERSION}-1_${arch}.deb"
server="debs/seatkey-server_${VERSION}-1_${arch}.deb"
debs=("$runtime" "$dev")
[ -n "${KEYGEN:-}" ] && debs+=("$tool")
[ -n "${SERVER:-}" ] && debs+=("$server")
for deb in "${debs[@]}"; do
  [ -f "$deb" ] || fail "not made: $deb ($(ls debs))"
done
expect_eq "$(find debs -maxdepth 1 -name '*.deb' | wc -l)" "${#debs[@]}" "(number of .deb files)"

# field DEB NAME: a control field.
field() { dpkg-deb -f "$1" "$2"; }
# expect_depends DEB WORD...: each word is in the Depends line; expect_no_depends the opposite.
expect_depends() {
  local deb=$1 depends
  shift
  depends=$(field "$deb" Depends)
  echo "$(basename "$deb"): Depends: $depends"
  for w in "$@"; do
    grep -qF -- "$w" <<<"$depends" || fail "$deb: Depends lacks $w: $depends"
  done
}
expect_no_depends() {
  local deb=$1
  shift
  for w in "$@"; do
    grep -qF -- "$w" <<<"$(field "$deb" Depends)" && fail "$deb: Depends has $w"
  done
  return 0
}

run dpkg-deb -I "$runtime"
expect_rc 0
expect_out "Package: seatkey-verifier-devkey"
expect_out "Version: $VERSION-1"
expect_out "Architecture: $arch"
expect_out " shlibs"
expect_out " DEVELOPMENT BUILD, never to ship: it trusts seatkey's public development key"
expect_depends "$runtime" "libsodium23" "libc6" "libstdc++6"
expect_no_depends "$runtime" libsqlite3 seatkey-keygen
expect_eq "$(field "$runtime" Conflicts)" seatkey-verifier
expect_eq "$(field "$runtime" Replaces)" seatkey-verifier
expect_depends "$dev" "seatkey-verifier-devkey (= $VERSION-1)" "libsodium-dev (>= 1.0.18)" "pkg-config"
expect_eq "$(field "$dev" Section)" libdevel
expect_eq "$(field "$dev" Conflicts)" seatkey-verifier-dev
dpkg-deb -f "$dev" Description | grep -qF "DEVELOPMENT BUILD, never to ship" ||
  fail "$dev: the description does not say it is a development build"
if [ -n "${KEYGEN:-}" ]; then
  expect_depends "$tool" "libsodium23" "libsqlite3-0" "libc6" "libstdc++6"
  expect_no_depends "$tool" seatkey-verifier
  expect_eq "$(field "$tool" Package)" seatkey-keygen
fi
if [ -n "${SERVER:-}" ]; then
  expect_depends "$server" "libmicrohttpd12" "libsodium23" "libsqlite3-0" "libc6" "libstdc++6"
  expect_no_depends "$server" seatkey-verifier
  expect_eq "$(field "$server" Package)" seatkey-server
  expect_eq "$(field "$server" Section)" admin
  expect_eq "$(field "$server" Recommends)" "seatkey-keygen (= $VERSION-1)"
fi

# contents DEB: its paths, one per line, without the leading '.' (symbolic links: the link).
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
# expect_files DEB REGEX...: each extended regex matches one of its paths.
expect_files() {
  local deb=$1
  shift
  contents "$deb" >files
  for re in "$@"; do
    grep -qE -- "^$re\$" files || { cat files >&2; fail "$deb lacks a file matching $re"; }
  done
}
expect_no_files() {
  local deb=$1
  shift
  contents "$deb" >files
  for re in "$@"; do
    grep -qE -- "$re" files && fail "$deb has a file matching $re"
  done
  return 0
}
L='/usr/lib(/[a-z0-9_-]+)?'
expect_files "$runtime" /usr/bin/seatkey-verify "$L/libseatkey-verifier\\.so\\.$LIBRARY_VERSION" \
  "$L/libseatkey-verifier\\.so\\.$SOVERSION" /usr/share/man/man1/seatkey-verify\\.1
expect_no_files "$runtime" 'seatkey-keygen' '\.so$' '\.a$' '/include/' 'seatkey_common' 'test-mint'
expect_files "$dev" /usr/include/seatkey/verifier\\.h /usr/include/seatkey/verifier\\.hpp /usr/include/seatkey/editions\\.h \
  "$L/libseatkey-verifier\\.a" "$L/libseatkey-verifier\\.so" "$L/cmake/seatkey/seatkeyConfig\\.cmake" \
  "$L/cmake/seatkey/seatkeyConfigVersion\\.cmake" "$L/cmake/seatkey/seatkeyTargets\\.cmake" \
  "$L/pkgconfig/seatkey-verifier\\.pc"
expect_no_files "$dev" '/bin/' "\\.so\\.$SOVERSION\$" 'seatkey_common' 'common/'
if [ -n "${KEYGEN:-}" ]; then
  expect_files "$tool" /usr/bin/seatkey-keygen /usr/share/man/man1/seatkey-keygen\\.1
  expect_no_files "$tool" seatkey-verify libseatkey 'test-mint'
fi
if [ -n "${SERVER:-}" ]; then
  expect_files "$server" /usr/bin/seatkey-server /usr/share/man/man1/seatkey-server\\.1 \
    /usr/lib/systemd/system/seatkey-server\\.service
  expect_no_files "$server" seatkey-verify seatkey-keygen libseatkey 'test-mint'
fi

# Unpacked into a scratch root, the programs run from there: seatkey-verify needs no
# LD_LIBRARY_PATH (it is linked statically against the library, verifier/CMakeLists.txt).
for deb in "${debs[@]}"; do
  dpkg-deb -x "$deb" root || fail "dpkg-deb -x $deb"
done
run env -u LD_LIBRARY_PATH "${ON_TARGET[@]}" root/usr/bin/seatkey-verify --help
expect_rc 0 "seatkey-verify --help from the extracted packages"
expect_out "--licenses PATH"
expect_out "--trusted-keys FILE"  # a development build
run target_ldd root/usr/bin/seatkey-verify
expect_out_lacks "libseatkey-verifier"
expect_out_lacks "not found"
make_licenses licenses
run env -u LD_LIBRARY_PATH "${ON_TARGET[@]}" root/usr/bin/seatkey-verify --appliance "$APPLIANCE" --licenses licenses --now "$NOW"
expect_rc 0 "a real verification from the extracted packages"
expect_out "is licensed: Compact edition, 8 users"
if [ -n "${KEYGEN:-}" ]; then
  run env -u LD_LIBRARY_PATH "${ON_TARGET[@]}" root/usr/bin/seatkey-keygen --help
  expect_rc 0 "seatkey-keygen --help from the extracted package"
  expect_out "Subcommands:"
fi
if [ -n "${SERVER:-}" ]; then
  run env -u LD_LIBRARY_PATH "${ON_TARGET[@]}" root/usr/bin/seatkey-server --help
  expect_rc 0 "seatkey-server --help from the extracted package"
  expect_out "--ledger"
  # The unit runs the packaged program as root, its HTTP process becoming seatkey, a user the
  # package's postinst makes (and the package depends on adduser for it).
  unit=root/usr/lib/systemd/system/seatkey-server.service
  grep -q '^ExecStart=/usr/bin/seatkey-server .*--user seatkey ' "$unit" ||
    fail "the unit does not start /usr/bin/seatkey-server --user seatkey"
  grep -q '^User=' "$unit" && fail "the unit starts the server as another user than root"
  grep -q '^CapabilityBoundingSet=CAP_SETUID CAP_SETGID$' "$unit" || fail "the unit's capabilities"
  expect_depends "$server" adduser
  dpkg-deb -e "$server" control || fail "dpkg-deb -e $server"
  [ -x control/postinst ] || fail "the server package has no executable postinst"
  grep -q 'adduser --system --group .* seatkey$' control/postinst || fail "the postinst makes no user seatkey"
  sh -n control/postinst || fail "the postinst is no shell script"
fi
# The development package's files point into /usr.
expect_eq "$(sed -n 's/^prefix=//p' "$(find root -name seatkey-verifier.pc)")" /usr "(the packaged .pc's prefix)"

pass
