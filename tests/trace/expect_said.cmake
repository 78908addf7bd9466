# Writes a trace of COUNT poller runs (make_poller_trace.cmake), runs trace_viz on it and
# requires exit code RC, PHRASE on stderr and never ABSENT (when given) on stderr or stdout.
# With RC 0 the output must exist and say "wrote"; otherwise it must not exist.
# Arguments: -DTRACE_VIZ= -DCOUNT= -DTRACE= -DOUT= -DRC= -DPHRASE= [-DABSENT=] [-DARGS=a;b]
include(${CMAKE_CURRENT_LIST_DIR}/make_poller_trace.cmake)  # writes TRACE from COUNT
file(REMOVE ${OUT})
execute_process(COMMAND ${TRACE_VIZ} ${TRACE} -o ${OUT} ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL RC)
  message(FATAL_ERROR "trace_viz exited with '${rc}', expected ${RC}\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "${PHRASE}" at_phrase)
if(at_phrase EQUAL -1)
  message(FATAL_ERROR "expected '${PHRASE}' on stderr, got: ${err}")
endif()
if(DEFINED ABSENT AND NOT ABSENT STREQUAL "")
  string(FIND "${err}${out}" "${ABSENT}" at_absent)
  if(NOT at_absent EQUAL -1)
    message(FATAL_ERROR "'${ABSENT}' must not be printed, got:\nstdout: ${out}\nstderr: ${err}")
  endif()
endif()
string(FIND "${out}" "wrote" at_wrote)
if(RC EQUAL 0)
  if(NOT EXISTS ${OUT} OR at_wrote EQUAL -1)
    message(FATAL_ERROR "expected ${OUT} written\nstdout: ${out}\nstderr: ${err}")
  endif()
elseif(EXISTS ${OUT} OR NOT at_wrote EQUAL -1)
  message(FATAL_ERROR "trace_viz refused but wrote ${OUT}\nstdout: ${out}")
endif()
