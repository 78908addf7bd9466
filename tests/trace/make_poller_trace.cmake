# Writes a valid trace of COUNT poller runs on core 0, one per step (drawn with --all-pollers:
# COUNT nodes in one column). Arguments: -DCOUNT= -DTRACE=
set(text "lockstep-trace 2
options lockstep-replay/1 cores=1 seed=1 strategy=random pct_depth=3 pct_horizon_steps=1000 event_pool_size=4096 alloc_fail_ppm=0 alloc_fail_nth=0 max_steps=${COUNT} shutdown_ppm=0 trace=1
cores 1
outcome step_limit rc=0 steps=${COUNT} virtual_ns=${COUNT}0 hash=0123456789abcdef
failure
names 1
name 1 busy_poller
records ${COUNT}
")
math(EXPR last "${COUNT} - 1")
foreach(step RANGE ${last})
  math(EXPR start "${step} * 10")
  math(EXPR end "${start} + 10")
  string(APPEND text "poller ${step} 0 ${start} ${end} 1 1\n")
endforeach()
string(APPEND text "end\n")
file(WRITE ${TRACE} "${text}")
