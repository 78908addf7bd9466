# Runs one of SPDK's own programs (built unchanged from an SPDK source tree) after checking that
# its source is the upstream file, and judges its output.
#   -DSOURCE=<the .c file> -DSHA256=<its upstream sha256>  refused (test fails) when they differ
#   -DPROGRAM=<executable> -DARGS=<list>                    the command line
#   -DSIM_OPTIONS=<text>    LOCKSTEP_SPDK_SIM for the run (simulated builds); unset: not set
#   -DEXPECT_RC=<n>         the exit code required (default 0)
#   -DEXPECT=<list>         regular expressions the output (stdout then stderr) must match
#   -DREJECT=<list>         regular expressions it must not match
#   -DCOUNT=<list>          entries "N@re" (exactly N matches of re) or "N+@re" (at least N)
#   -DREPEAT_SAME=ON        run twice: both runs must print exactly the same (determinism)
cmake_minimum_required(VERSION 3.25)

file(SHA256 "${SOURCE}" actual)
if(NOT actual STREQUAL SHA256)
  message(FATAL_ERROR "${SOURCE} is not SPDK v23.01.1's file: sha256 ${actual}, expected "
                      "${SHA256}. These tests run SPDK's programs unchanged; point "
                      "LOCKSTEP_SPDK_SOURCE at an unmodified v23.01.1 tree.")
endif()

if(NOT DEFINED EXPECT_RC)
  set(EXPECT_RC 0)
endif()

function(run_once out_var)
  if(DEFINED SIM_OPTIONS)
    set(cmd ${CMAKE_COMMAND} -E env "LOCKSTEP_SPDK_SIM=${SIM_OPTIONS}" ${PROGRAM} ${ARGS})
  else()
    set(cmd ${PROGRAM} ${ARGS})
  endif()
  execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("$ ${PROGRAM} ${ARGS}  (LOCKSTEP_SPDK_SIM='${SIM_OPTIONS}')\n--- stdout\n${out}--- stderr\n${err}--- exit code ${rc}")
  if(NOT rc STREQUAL EXPECT_RC)
    message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_RC}")
  endif()
  set(${out_var} "${out}${err}" PARENT_SCOPE)
endfunction()

run_once(output)
foreach(re IN LISTS EXPECT)
  if(NOT output MATCHES "${re}")
    message(FATAL_ERROR "the output does not match '${re}'")
  endif()
endforeach()
foreach(re IN LISTS REJECT)
  if(output MATCHES "${re}")
    message(FATAL_ERROR "the output matches '${re}' (it must not)")
  endif()
endforeach()
foreach(entry IN LISTS COUNT)
  string(FIND "${entry}" "@" at)
  string(SUBSTRING "${entry}" 0 ${at} n)
  math(EXPR from "${at} + 1")
  string(SUBSTRING "${entry}" ${from} -1 re)
  string(REGEX MATCHALL "${re}" matches "${output}")
  list(LENGTH matches found)
  if(n MATCHES "^([0-9]+)\\+$")
    if(found LESS CMAKE_MATCH_1)
      message(FATAL_ERROR "'${re}' matches ${found} time(s), expected at least ${CMAKE_MATCH_1}")
    endif()
  elseif(NOT found EQUAL n)
    message(FATAL_ERROR "'${re}' matches ${found} time(s), expected ${n}")
  endif()
endforeach()
if(REPEAT_SAME)
  run_once(again)
  if(NOT again STREQUAL output)
    message(FATAL_ERROR "a second run with the same options printed something else: the "
                        "simulation is not deterministic")
  endif()
  message("second run: the same output, byte for byte")
endif()
