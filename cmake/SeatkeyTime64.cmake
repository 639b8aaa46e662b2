# Times are 64-bit on every target: seatkey's own times are int64_t seconds, and what it gets
# from the C library (clock_gettime, stat) must be too. On 32-bit glibc targets (armhf, i386)
# time_t and off_t are 32 bits unless asked otherwise: a clock past 2038-01-19T03:14:07Z would
# not be read, and stat() fails with EOVERFLOW on a file whose inode number or size does not fit.
# glibc 2.34 and later give 64-bit ones to code compiled with _TIME_BITS=64 (which needs
# _FILE_OFFSET_BITS=64); 64-bit targets and musl have them anyway. The whole project is
# compiled so, and a target where time_t stays 32 bits fails here.
include(CheckCXXSourceCompiles)

if(CMAKE_SIZEOF_VOID_P EQUAL 4)
  add_compile_definitions(_FILE_OFFSET_BITS=64 _TIME_BITS=64)
  set(CMAKE_REQUIRED_DEFINITIONS -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64)
endif()
check_cxx_source_compiles([[
#include <ctime>
#include <sys/stat.h>
static_assert(sizeof(time_t) >= 8, "time_t");
static_assert(sizeof(off_t) >= 8, "off_t");
int main() { return 0; }
]] SEATKEY_HAVE_TIME64)
unset(CMAKE_REQUIRED_DEFINITIONS)
if(NOT SEATKEY_HAVE_TIME64)
  message(FATAL_ERROR "seatkey needs a 64-bit time_t and off_t on ${CMAKE_SYSTEM_PROCESSOR}: this C library "
                      "gives neither with _TIME_BITS=64 (glibc 2.34 or later does; so does musl 1.2). A verifier "
                      "with a 32-bit clock would stop working in 2038.")
endif()
