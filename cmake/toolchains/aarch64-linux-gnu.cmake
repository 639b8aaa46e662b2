# 64-bit ARM (arm64) appliances: cmake -S . -B build-aarch64 -G Ninja
#   -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake -DSEATKEY_KEYGEN=OFF
# (docs/firmware.md, "Building for your appliance").
set(SEATKEY_TARGET_TRIPLET aarch64-linux-gnu)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SEATKEY_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
