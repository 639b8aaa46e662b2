# Installation of the CMake package and pkg-config file, and CPack's .deb packages.
# Included at the end of the top-level CMakeLists.txt, after every install() rule.
#
# Components (one .deb each, docs/firmware.md):
#   runtime      seatkey-verifier:      libseatkey-verifier.so.N, seatkey-verify, its man page
#   development  seatkey-verifier-dev:  headers, libseatkey-verifier.a, the .so link,
#                                       seatkeyConfig.cmake, seatkey-verifier.pc
#                (both named seatkey-verifier-devkey[-dev] in a development build, below)
#   keygen       seatkey-keygen:        the vendor's back office tool, its man page (not built
#                                       with SEATKEY_KEYGEN=OFF)
#   server       seatkey-server:        the back office's HTTP server, its man page and systemd
#                                       unit (not built with SEATKEY_SERVER=OFF)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

if(NOT TARGET seatkey_verifier_shared)
  return()
endif()

set(SEATKEY_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/seatkey")

install(EXPORT seatkeyTargets NAMESPACE seatkey:: DESTINATION ${SEATKEY_CMAKE_INSTALL_DIR}
  FILE seatkeyTargets.cmake COMPONENT development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/seatkeyConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/seatkeyConfig.cmake
  INSTALL_DESTINATION ${SEATKEY_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR)
# 0.x: a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/seatkeyConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/seatkeyConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/seatkeyConfigVersion.cmake
  DESTINATION ${SEATKEY_CMAKE_INSTALL_DIR} COMPONENT development)

# seatkey-verifier.pc, written at install time so that its prefix is the one installed to
# (cmake --install --prefix P, or /usr inside CPack's packages).
foreach(dir INCLUDEDIR LIBDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(SEATKEY_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(SEATKEY_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(pc_template ${CMAKE_CURRENT_BINARY_DIR}/seatkey-verifier.pc.in)
file(READ ${CMAKE_CURRENT_LIST_DIR}/seatkey-verifier.pc.in pc_text)
string(REPLACE "\${prefix}/@CMAKE_INSTALL_INCLUDEDIR@" "${SEATKEY_PC_INCLUDEDIR}" pc_text "${pc_text}")
string(REPLACE "\${prefix}/@CMAKE_INSTALL_LIBDIR@" "${SEATKEY_PC_LIBDIR}" pc_text "${pc_text}")
string(REPLACE "@PROJECT_VERSION@" "${PROJECT_VERSION}" pc_text "${pc_text}")
# The C++ runtime the static library needs from a C link (verifier/CMakeLists.txt): -lstdc++ -lm.
list(TRANSFORM SEATKEY_VERIFIER_CXX_RUNTIME PREPEND "-l" OUTPUT_VARIABLE seatkey_pc_cxx_runtime)
list(JOIN seatkey_pc_cxx_runtime " " seatkey_pc_cxx_runtime)
string(REPLACE "@SEATKEY_PC_CXX_RUNTIME@" "${seatkey_pc_cxx_runtime}" pc_text "${pc_text}")
file(WRITE ${pc_template} "${pc_text}")
# (Staged per destination, so that installs to two places at once do not mix.)
install(CODE "
  set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
  string(MD5 _seatkey_pc_dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
  set(_seatkey_pc \"${CMAKE_CURRENT_BINARY_DIR}/pc/\${_seatkey_pc_dir}/seatkey-verifier.pc\")
  configure_file(\"${pc_template}\" \"\${_seatkey_pc}\" @ONLY)
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\" TYPE FILE
       FILES \"\${_seatkey_pc}\")
" COMPONENT development)

# ---------------------------------------------------------------------------------------
# CPack: cpack -G DEB --config <build>/CPackConfig.cmake
#
# The verifier's packages of a development build (SEATKEY_FIRMWARE=OFF: it may trust the public
# development key, and its seatkey-verify takes --trusted-keys) are named seatkey-verifier-devkey
# and seatkey-verifier-devkey-dev, say so in their descriptions, and conflict with the
# production packages of a firmware build (seatkey-verifier, seatkey-verifier-dev), which
# replace them: nobody ships one for the other by mistake.
if(SEATKEY_FIRMWARE)
  set(seatkey_verifier_package seatkey-verifier)
  set(seatkey_other_verifier_package seatkey-verifier-devkey)
  set(seatkey_build_kind "")
else()
  set(seatkey_verifier_package seatkey-verifier-devkey)
  set(seatkey_other_verifier_package seatkey-verifier)
  set(seatkey_build_kind "DEVELOPMENT BUILD, never to ship: it trusts seatkey's public development key, whose
secret key is public too, and its seatkey-verify trusts any key it is given
(--trusted-keys). Build firmware with SEATKEY_FIRMWARE=ON (docs/firmware.md).
")
endif()

set(CPACK_PACKAGE_NAME seatkey)
set(CPACK_PACKAGE_VENDOR "seatkey")
set(CPACK_PACKAGE_CONTACT "seatkey maintainers <seatkey@example.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_COMPONENTS_ALL runtime development)
if(TARGET seatkey-keygen)  # not in a verifier-only build (SEATKEY_KEYGEN=OFF)
  list(APPEND CPACK_COMPONENTS_ALL keygen)
endif()
if(TARGET seatkey-server)
  list(APPEND CPACK_COMPONENTS_ALL server)
endif()
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# A cross build's packages are for its target (dpkg --print-architecture is the build machine's).
if(CMAKE_CROSSCOMPILING AND CMAKE_LIBRARY_ARCHITECTURE)
  execute_process(COMMAND dpkg-architecture -t ${CMAKE_LIBRARY_ARCHITECTURE} -qDEB_HOST_ARCH
    OUTPUT_VARIABLE seatkey_deb_arch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE seatkey_deb_arch_rc)
  if(seatkey_deb_arch_rc EQUAL 0 AND seatkey_deb_arch)
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${seatkey_deb_arch})
  endif()
endif()
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_STRIP_FILES ON)  # the packages carry no debug information
# dpkg-shlibdeps computes each package's shared library dependencies (libsodium23,
# libsqlite3-0, libc6, libstdc++6, libgcc-s1) from the binaries themselves.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

set(CPACK_COMPONENT_RUNTIME_DISPLAY_NAME "seatkey verifier runtime")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "seatkey offline license check for PBX appliances: libseatkey-verifier and seatkey-verify")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "seatkey offline license check: libseatkey-verifier and seatkey-verify
${seatkey_build_kind}The appliance side of seatkey: the shared library that checks a PBX appliance's
licenses (PASETO v4.public tokens signed by the vendor) offline at boot, and the
seatkey-verify command line boot check.")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${seatkey_verifier_package})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONFLICTS ${seatkey_other_verifier_package})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_REPLACES ${seatkey_other_verifier_package})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)

set(CPACK_COMPONENT_DEVELOPMENT_DISPLAY_NAME "seatkey verifier development files")
set(CPACK_COMPONENT_DEVELOPMENT_DESCRIPTION
  "seatkey verifier development files: C and C++ headers, static library, CMake package, pkg-config file")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "seatkey offline license check: development files
${seatkey_build_kind}Headers of the C API (seatkey/verifier.h) and the C++ API (seatkey/verifier.hpp),
the static library, the CMake package (find_package(seatkey)) and the pkg-config
file (seatkey-verifier) of libseatkey-verifier.")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME ${seatkey_verifier_package}-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_CONFLICTS ${seatkey_other_verifier_package}-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_REPLACES ${seatkey_other_verifier_package}-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
  "${seatkey_verifier_package} (= ${PROJECT_VERSION}-1), libsodium-dev (>= 1.0.18), pkgconf | pkg-config")

set(CPACK_COMPONENT_KEYGEN_DISPLAY_NAME "seatkey vendor tool")
set(CPACK_COMPONENT_KEYGEN_DESCRIPTION
  "seatkey-keygen: the vendor's back office tool for keys, license issuing and the license ledger")
set(CPACK_DEBIAN_KEYGEN_DESCRIPTION "seatkey vendor tool: keys, license issuing and the license ledger
seatkey-keygen, the vendor's back office tool: creates the Ed25519 signing key,
issues server licenses and user packs for PBX appliances under the licensing rules,
and keeps every issued license in an SQLite ledger.")
set(CPACK_DEBIAN_KEYGEN_PACKAGE_NAME seatkey-keygen)
set(CPACK_DEBIAN_KEYGEN_PACKAGE_SECTION admin)

set(CPACK_COMPONENT_SERVER_DISPLAY_NAME "seatkey back-office server")
set(CPACK_COMPONENT_SERVER_DESCRIPTION
  "seatkey-server: the back office's HTTP API over one license ledger, the vendor key in a separate signer process")
set(CPACK_DEBIAN_SERVER_DESCRIPTION "seatkey back-office server: the license ledger over HTTP
seatkey-server serves one seatkey ledger over HTTP (JSON, OpenAPI) to the
license desk, the web shop and the ERP: issuing with the rules of seatkey-keygen,
listings, appliances and license files, bearer API tokens with roles, and
idempotent retries. The vendor key lives in a separate signer process, never
in the process that parses HTTP. Comes with a hardened systemd unit.")
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME seatkey-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION admin)
# Tokens are made and revoked with seatkey-keygen, on the same ledger.
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "seatkey-keygen (= ${PROJECT_VERSION}-1)")
# The user seatkey, which the unit's HTTP process becomes (--user): made by the postinst.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/server/debian/postinst")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
