# Runs trace_viz and requires it to refuse: exit code RC, PHRASE on stderr, no "wrote" claim on
# stdout, and no output file left behind.
# Arguments: -DTRACE_VIZ= -DINPUT= -DOUT= -DRC= -DPHRASE= [-DARGS=a;b]
if(EXISTS ${OUT} AND NOT IS_DIRECTORY ${OUT})
  file(REMOVE ${OUT})
endif()
execute_process(COMMAND ${TRACE_VIZ} ${INPUT} -o ${OUT} ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL RC)
  message(FATAL_ERROR "trace_viz exited with '${rc}', expected ${RC}\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "${PHRASE}" at_phrase)
if(at_phrase EQUAL -1)
  message(FATAL_ERROR "expected '${PHRASE}' on stderr, got: ${err}")
endif()
string(FIND "${out}" "wrote" at_wrote)
if(NOT at_wrote EQUAL -1)
  message(FATAL_ERROR "trace_viz claims to have written a file: ${out}")
endif()
if(EXISTS ${OUT})
  message(FATAL_ERROR "trace_viz left ${OUT} behind although it refused")
endif()
