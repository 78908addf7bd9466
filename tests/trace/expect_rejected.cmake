# Runs trace_viz on a bad trace and requires exit code 1 and an error naming FILE:LINE with
# PHRASE. Arguments: -DTRACE_VIZ= -DINPUT= -DLINE= -DPHRASE= -DOUT=
execute_process(COMMAND ${TRACE_VIZ} ${INPUT} -o ${OUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "trace_viz exited with '${rc}', expected 1\nstderr: ${err}")
endif()
string(FIND "${err}" "${INPUT}:${LINE}: " at_line)
string(FIND "${err}" "${PHRASE}" at_phrase)
if(at_line EQUAL -1 OR at_phrase EQUAL -1)
  message(FATAL_ERROR "expected '${INPUT}:${LINE}: ...${PHRASE}...', got: ${err}")
endif()
if(EXISTS ${OUT})
  message(FATAL_ERROR "trace_viz wrote ${OUT} although the trace was rejected")
endif()
