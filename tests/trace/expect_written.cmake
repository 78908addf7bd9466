# Runs trace_viz on a good trace and requires exit code 0 and a non-empty output that starts
# with MAGIC at byte AT (default 0). Arguments: -DTRACE_VIZ= -DINPUT= -DOUT= -DMAGIC= [-DAT=n]
# [-DARGS=a;b]
file(REMOVE ${OUT})
execute_process(COMMAND ${TRACE_VIZ} ${INPUT} -o ${OUT} ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "trace_viz exited with '${rc}'\nstdout: ${out}\nstderr: ${err}")
endif()
file(READ ${OUT} head LIMIT 64 HEX)
string(HEX "${MAGIC}" magic_hex)
if(NOT DEFINED AT)
  set(AT 0)
endif()
math(EXPR at_hex "${AT} * 2")
string(FIND "${head}" "${magic_hex}" at)
if(NOT at EQUAL at_hex)
  message(FATAL_ERROR "${OUT} does not start with '${MAGIC}' (starts with hex ${head})")
endif()
