# Shared by the toolchain files beside it: a cross build on Debian 12 with Debian's cross
# compilers (g++-<triplet>) and the target's libraries installed through multiarch
# (libsodium-dev:<arch>), or from a sysroot. scripts/setup.sh --cross installs what it needs.
#
# Set before including: SEATKEY_TARGET_TRIPLET (aarch64-linux-gnu, arm-linux-gnueabihf),
# CMAKE_SYSTEM_PROCESSOR, SEATKEY_QEMU (the qemu-user program for the target).
#
# Optional, on the command line:
#   -DCMAKE_SYSROOT=DIR   the target's root file system (a Yocto SDK's, a Buildroot staging
#                         directory, an unpacked image): headers, libraries and .pc files are
#                         taken from there only, and the emulator loads the target's
#                         libraries from there.
set(CMAKE_SYSTEM_NAME Linux)

set(CMAKE_C_COMPILER ${SEATKEY_TARGET_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${SEATKEY_TARGET_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${SEATKEY_TARGET_TRIPLET})

# Programs (cmake, pkg-config, qemu) come from the build machine; headers, libraries and CMake
# packages from the target's root: the sysroot when one is given, else the build machine's own
# root, where Debian's multiarch keeps the target's libraries apart in lib/<triplet>.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
if(CMAKE_SYSROOT)
  set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${CMAKE_SYSROOT}")
  set(ENV{PKG_CONFIG_LIBDIR}
      "${CMAKE_SYSROOT}/usr/lib/${SEATKEY_TARGET_TRIPLET}/pkgconfig:${CMAKE_SYSROOT}/usr/lib/pkgconfig:${CMAKE_SYSROOT}/usr/share/pkgconfig")
else()
  # Only the target's .pc files: never the build machine's libsodium.pc.
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${SEATKEY_TARGET_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
endif()

# The tests run every program built for the target through qemu-user: CTest prefixes the
# doctest suites with it, and the scripts in tests/ get it as EMULATOR. Nothing relies on
# binfmt_misc. Without qemu the build still works; its tests cannot run.
find_program(SEATKEY_QEMU_PROGRAM NAMES ${SEATKEY_QEMU}-static ${SEATKEY_QEMU}
  DOC "qemu-user for the target (scripts/setup.sh --cross installs qemu-user-static)")
if(SEATKEY_QEMU_PROGRAM)
  if(CMAKE_SYSROOT)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${SEATKEY_QEMU_PROGRAM};-L;${CMAKE_SYSROOT}")
  else()
    set(CMAKE_CROSSCOMPILING_EMULATOR "${SEATKEY_QEMU_PROGRAM}")
  endif()
endif()
