# seatkey_warnings(target): the project's warning set, as errors, on GCC and Clang.
function(seatkey_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast>
    -Wshadow)
endfunction()
