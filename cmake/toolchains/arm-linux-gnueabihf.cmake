# 32-bit ARM appliances, hard float (armhf, ARMv7): cmake -S . -B build-armhf -G Ninja
#   -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake -DSEATKEY_KEYGEN=OFF
# (docs/firmware.md, "Building for your appliance"). time_t is 32 bits by default on this
# target: seatkey's CMakeLists.txt compiles everything with a 64-bit time_t
# (_TIME_BITS=64) so that licenses and clocks past 2038 work.
set(SEATKEY_TARGET_TRIPLET arm-linux-gnueabihf)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(SEATKEY_QEMU qemu-arm)
# GCC notes on every std::sort of 64-bit values that their parameter passing changed in GCC 7.1:
# it matters only when linking code compiled by GCC before 7.1, which nothing here does.
set(CMAKE_C_FLAGS_INIT "-Wno-psabi")
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
