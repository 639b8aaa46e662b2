# seatkey_build_time(<out_var> <explicit>)
#
# The build time a firmware build compiles in as the clock floor of every evaluation
# (docs/firmware.md), in Unix seconds:
#  - <explicit> when it is not empty: Unix seconds, or an RFC 3339 UTC time
#    YYYY-MM-DDTHH:MM:SSZ (CMake SEATKEY_BUILD_TIME);
#  - else SOURCE_DATE_EPOCH from the environment (reproducible builds), which must then be
#    Unix seconds;
#  - else the time of this configure run.
# Fails the configure step on anything else or on a time after 9999-12-31T23:59:59Z.
# Works in a project and in script mode
# (cmake -DSEATKEY_BUILD_TIME=... -P this-file prints "build time: <seconds>").

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.22)
endif()

# Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian; H. Hinnant's algorithm).
function(_seatkey_days_from_civil y m d out_var)
  if(m LESS_EQUAL 2)
    math(EXPR y "${y} - 1")
  endif()
  math(EXPR era "${y} / 400")  # y >= 0 here: no rounding toward zero trouble
  math(EXPR yoe "${y} - ${era} * 400")
  if(m GREATER 2)
    math(EXPR mp "${m} - 3")
  else()
    math(EXPR mp "${m} + 9")
  endif()
  math(EXPR doy "(153 * ${mp} + 2) / 5 + ${d} - 1")
  math(EXPR doe "${yoe} * 365 + ${yoe} / 4 - ${yoe} / 100 + ${doy}")
  math(EXPR days "${era} * 146097 + ${doe} - 719468")
  set(${out_var} ${days} PARENT_SCOPE)
endfunction()

function(seatkey_build_time out_var explicit)
  set(max_time 253402300799)  # 9999-12-31T23:59:59Z
  if(NOT explicit STREQUAL "")
    if(explicit MATCHES "^[0-9]+$")
      set(seconds "${explicit}")
    elseif(explicit MATCHES "^([0-9][0-9][0-9][0-9])-([0-9][0-9])-([0-9][0-9])T([0-9][0-9]):([0-9][0-9]):([0-9][0-9])Z$")
      # Copied out first: every REGEX command below sets CMAKE_MATCH_<n> anew.
      set(fields ${CMAKE_MATCH_1} ${CMAKE_MATCH_2} ${CMAKE_MATCH_3} ${CMAKE_MATCH_4} ${CMAKE_MATCH_5}
                 ${CMAKE_MATCH_6})
      set(parts "")
      foreach(v IN LISTS fields)
        string(REGEX REPLACE "^0+([0-9])" "\\1" v "${v}")  # math(EXPR) must not see "08"
        list(APPEND parts ${v})
      endforeach()
      list(GET parts 0 year)
      list(GET parts 1 month)
      list(GET parts 2 day)
      list(GET parts 3 hour)
      list(GET parts 4 minute)
      list(GET parts 5 second)
      set(month_days 31 28 31 30 31 30 31 31 30 31 30 31)
      math(EXPR by4 "${year} % 4")
      math(EXPR by100 "${year} % 100")
      math(EXPR by400 "${year} % 400")
      set(leap FALSE)
      if((by4 EQUAL 0 AND NOT by100 EQUAL 0) OR by400 EQUAL 0)
        set(leap TRUE)
      endif()
      if(month GREATER_EQUAL 1 AND month LESS_EQUAL 12)
        math(EXPR index "${month} - 1")
        list(GET month_days ${index} last_day)
        if(month EQUAL 2 AND leap)
          set(last_day 29)
        endif()
      endif()
      if(month LESS 1 OR month GREATER 12 OR day LESS 1 OR day GREATER last_day OR hour GREATER 23
         OR minute GREATER 59 OR second GREATER 59 OR year LESS 1970)
        message(FATAL_ERROR "SEATKEY_BUILD_TIME: ${explicit} is not a valid UTC time from 1970 on")
      endif()
      _seatkey_days_from_civil(${year} ${month} ${day} days)
      math(EXPR seconds "${days} * 86400 + ${hour} * 3600 + ${minute} * 60 + ${second}")
    else()
      message(FATAL_ERROR "SEATKEY_BUILD_TIME: '${explicit}' is neither Unix seconds nor an RFC 3339 "
                          "UTC time such as 2026-11-30T12:00:00Z")
    endif()
  elseif(DEFINED ENV{SOURCE_DATE_EPOCH} AND NOT "$ENV{SOURCE_DATE_EPOCH}" STREQUAL "")
    if(NOT "$ENV{SOURCE_DATE_EPOCH}" MATCHES "^[0-9]+$")
      message(FATAL_ERROR "SOURCE_DATE_EPOCH: '$ENV{SOURCE_DATE_EPOCH}' is not Unix seconds")
    endif()
    set(seconds "$ENV{SOURCE_DATE_EPOCH}")
  else()
    string(TIMESTAMP seconds "%s" UTC)
  endif()
  string(REGEX REPLACE "^0+([0-9])" "\\1" seconds "${seconds}")
  string(LENGTH "${seconds}" digits)
  if(digits GREATER 12 OR seconds GREATER max_time)
    message(FATAL_ERROR "seatkey build time ${seconds}: after 9999-12-31T23:59:59Z")
  endif()
  set(${out_var} ${seconds} PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  if(NOT DEFINED SEATKEY_BUILD_TIME)
    set(SEATKEY_BUILD_TIME "")
  endif()
  seatkey_build_time(t "${SEATKEY_BUILD_TIME}")
  message(STATUS "build time: ${t}")
endif()
