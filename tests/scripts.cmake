# The shell tests (tests/cli, tests/server, tests/hostile, tests/packaging, tests/web): every
# script there that starts with `#!` is a test, found by this glob; the sourced helpers (lib.sh,
# keygen_helpers.sh, ...) have no `#!`. A script says what it needs in its own lines, never here:
#
#   # ctest-name: keygen cli: key files: 0600, never overwritten ...   (default: cli: <file name>)
#   # ctest: needs=keygen,server seconds=20 lock=nested_build           (each part optional)
#
# needs: the programs and services it needs; without one of them it is not registered:
#   keygen, verify, server, mint (seatkey-test-mint), postgres (the throwaway cluster, only with
#   SEATKEY_POSTGRES_TESTS), interop (Node and the npm registry, only with SEATKEY_INTEROP_TESTS),
#   web (Node and Chromium), packaging (the installed-package checks). `none`: not a test of its
#   own (a script CMake runs with arguments).
# seconds: about how long it runs (default 30) on an idle machine of two cores. One timeout rule
#   for all: ten times that, thirty times under an emulator (a cross build runs every program of
#   the target through qemu-user, each signature ten times slower or more).
# lock: a RESOURCE_LOCK (the nested builds never run side by side).
# answers=record: with the interop tests on, every HTTP answer the script gets is recorded (a JSON
#   line each, in RECORD) for the OpenAPI check; answers=check: that check, run after every
#   recording script (a CTest fixture), reading them from RECORDED_DIR. The endpoint scripts thus
#   run once and are checked against the document too.
# Every script gets the same environment: the programs this build has, the source and build
# folders, whether it is sanitized, the emulator that runs the target's programs (EMULATOR, empty
# in a native build: tests/cli/lib.sh); a script skips (exit 77) when it lacks what it can do without.

function(seatkey_script_environment out)
  set(env
    "SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    "BUILD_DIR=${PROJECT_BINARY_DIR}"
    "VECTORS_DIR=${SEATKEY_VECTORS_DIR}"
    "SANITIZE=${SEATKEY_SANITIZE}"
    "SANITIZED=${SEATKEY_SANITIZE}"
    "EMULATOR=${SEATKEY_TEST_EMULATOR}")
  foreach(pair "KEYGEN:seatkey-keygen" "VERIFY:seatkey-verify" "SERVER:seatkey-server" "MINT:seatkey-test-mint")
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 variable)
    list(GET pair 1 target)
    if(TARGET ${target})
      list(APPEND env "${variable}=$<TARGET_FILE:${target}>")
    endif()
  endforeach()
  set(${out} "${env}" PARENT_SCOPE)
endfunction()

# Whether this build can run a script that needs `need`; the environment it adds.
function(seatkey_script_need need available extra)
  set(ok ON)
  set(env "")
  if(need STREQUAL "keygen" OR need STREQUAL "verify" OR need STREQUAL "server" OR need STREQUAL "mint")
    set(target "seatkey-${need}")
    if(need STREQUAL "mint")
      set(target seatkey-test-mint)
    endif()
    if(NOT TARGET ${target})
      set(ok OFF)
    endif()
  elseif(need STREQUAL "postgres")
    if(NOT SEATKEY_POSTGRES_TESTS)
      set(ok OFF)
    else()
      get_directory_property(bindir DIRECTORY "${PROJECT_SOURCE_DIR}/tests/postgres" DEFINITION seatkey_postgres_bindir)
      set(env ${SEATKEY_POSTGRES_ENV} "PG_BINDIR=${bindir}")
    endif()
  elseif(need STREQUAL "interop")
    if(NOT SEATKEY_INTEROP_TESTS)
      set(ok OFF)
    else()
      find_program(SEATKEY_NODE node REQUIRED)
      find_program(SEATKEY_NPM npm REQUIRED)
      set(env "NODE=${SEATKEY_NODE}" "NPM=${SEATKEY_NPM}"
        "INTEROP_SOURCE=${PROJECT_SOURCE_DIR}/tests/interop" "INTEROP_DIR=${PROJECT_BINARY_DIR}/tests/interop"
        "OPENAPI_SOURCE=${PROJECT_SOURCE_DIR}/tests/server/openapi" "OPENAPI_DIR=${PROJECT_BINARY_DIR}/tests/openapi")
    endif()
  elseif(need STREQUAL "web")
    find_program(SEATKEY_NODE node)
    find_program(SEATKEY_CHROMIUM NAMES chromium chromium-browser)
    if(NOT SEATKEY_NODE OR NOT TARGET seatkey-server)
      set(ok OFF)
    else()
      set(env "NODE=${SEATKEY_NODE}" "CHROMIUM=${SEATKEY_CHROMIUM}")
    endif()
  elseif(need STREQUAL "packaging")
    if(NOT SEATKEY_PACKAGING_ENV)
      set(ok OFF)
    else()
      set(env ${SEATKEY_PACKAGING_ENV})
    endif()
  else()
    message(FATAL_ERROR "a shell test needs '${need}', which tests/scripts.cmake does not know")
  endif()
  set(${available} ${ok} PARENT_SCOPE)
  set(${extra} "${env}" PARENT_SCOPE)
endfunction()

function(seatkey_script_tests)
  seatkey_script_environment(base_env)
  file(GLOB scripts CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/tests/cli/*.sh ${PROJECT_SOURCE_DIR}/tests/server/*.sh
    ${PROJECT_SOURCE_DIR}/tests/hostile/*.sh ${PROJECT_SOURCE_DIR}/tests/packaging/*.sh
    ${PROJECT_SOURCE_DIR}/tests/web/*.sh)
  foreach(script IN LISTS scripts)
    file(STRINGS "${script}" head LIMIT_COUNT 20)
    list(GET head 0 first)
    if(NOT first MATCHES "^#!")
      continue()  # a helper, sourced by the tests
    endif()
    get_filename_component(stem "${script}" NAME_WE)
    set(name "cli: ${stem}")
    set(settings "")
    foreach(line IN LISTS head)
      if(line MATCHES "^# ctest-name: (.+)$")
        set(name "${CMAKE_MATCH_1}")
      elseif(line MATCHES "^# ctest: (.+)$")
        string(REPLACE " " ";" settings "${CMAKE_MATCH_1}")
      endif()
    endforeach()
    set(seconds 30)
    set(needs "")
    set(lock "")
    set(answers "")
    foreach(setting IN LISTS settings)
      if(setting STREQUAL "none")
        set(needs "none")
      elseif(setting MATCHES "^needs=(.+)$")
        string(REPLACE "," ";" needs "${CMAKE_MATCH_1}")
      elseif(setting MATCHES "^seconds=([0-9]+)$")
        set(seconds ${CMAKE_MATCH_1})
      elseif(setting MATCHES "^lock=(.+)$")
        set(lock ${CMAKE_MATCH_1})
      elseif(setting MATCHES "^answers=(record|check)$")
        set(answers ${CMAKE_MATCH_1})
      else()
        message(FATAL_ERROR "${script}: '# ctest:' does not know '${setting}'")
      endif()
    endforeach()
    if(needs STREQUAL "none")
      continue()
    endif()
    set(env ${base_env})
    set(runnable ON)
    foreach(need IN LISTS needs)
      seatkey_script_need(${need} ok extra)
      if(NOT ok)
        set(runnable OFF)
      endif()
      list(APPEND env ${extra})
    endforeach()
    if(NOT runnable)
      continue()
    endif()
    set(factor 10)
    if(SEATKEY_TEST_EMULATOR)
      set(factor 30)
    endif()
    math(EXPR timeout "${seconds} * ${factor}")
    add_test(NAME "${name}" COMMAND bash "${script}")
    set_tests_properties("${name}" PROPERTIES ENVIRONMENT "${env}" TIMEOUT ${timeout} SKIP_RETURN_CODE 77)
    if("postgres" IN_LIST needs)
      set_property(TEST "${name}" APPEND PROPERTY FIXTURES_REQUIRED postgres)
    endif()
    if(lock)
      set_tests_properties("${name}" PROPERTIES RESOURCE_LOCK ${lock})
    endif()
    set(recorded "${PROJECT_BINARY_DIR}/tests/recorded")
    if(answers STREQUAL "record" AND SEATKEY_INTEROP_TESTS)
      set_property(TEST "${name}" APPEND PROPERTY ENVIRONMENT "RECORD=${recorded}/${stem}.jsonl")
      set_property(TEST "${name}" APPEND PROPERTY FIXTURES_SETUP recorded_answers)
    elseif(answers STREQUAL "check")
      set_property(TEST "${name}" APPEND PROPERTY ENVIRONMENT "RECORDED_DIR=${recorded}")
      set_property(TEST "${name}" APPEND PROPERTY FIXTURES_REQUIRED recorded_answers)
    endif()
  endforeach()
endfunction()
