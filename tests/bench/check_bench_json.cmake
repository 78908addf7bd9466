# Runs `lockstep_bench --smoke --json` and checks that the output is one JSON object with every
# key the benchmark documents (a number, or null with a note when that backend is absent).
# Usage: cmake -DBENCH=/path/to/lockstep_bench -P check_bench_json.cmake
execute_process(COMMAND ${BENCH} --smoke --json
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lockstep_bench --smoke --json exited with ${rc}:\n${err}\n${out}")
endif()
string(JSON top_type ERROR_VARIABLE json_error TYPE "${out}")
if(json_error OR NOT top_type STREQUAL "OBJECT")
  message(FATAL_ERROR "the output is not a JSON object (${json_error}):\n${out}")
endif()
set(keys
  sim_events_per_s naive_sim_events_per_s sim_runs_per_s
  sim_thread_per_core_events_per_s sim_thread_per_core_ns_per_switch
  sim_thread_per_core_runs_per_s
  real_local_ns_per_event spdk_shaped_local_ns_per_event
  real_roundtrip_ns pingpong_roundtrip_ns spdk_shaped_roundtrip_ns seqslot_roundtrip_ns
  idle_poll_ns_2_reactors idle_poll_ns_16_reactors idle_poll_ns_64_reactors
  idle_poll_ns_128_reactors
  real_cross_events_per_s_per_core spdk_shaped_cross_events_per_s_per_core
  real_local_unrecorded_ns_per_event real_local_recorded_ns_per_event
  real_cross_unrecorded_events_per_s_per_core real_cross_recorded_events_per_s_per_core)
foreach(key ${keys})
  string(JSON type ERROR_VARIABLE key_error TYPE "${out}" ${key})
  if(key_error)
    message(FATAL_ERROR "key ${key} is missing:\n${out}")
  endif()
  if(type STREQUAL "NULL")
    # A null figure must say why.
    string(JSON note ERROR_VARIABLE note_error GET "${out}" notes ${key})
    if(note_error OR note STREQUAL "")
      message(FATAL_ERROR "key ${key} is null without a note:\n${out}")
    endif()
  elseif(NOT type STREQUAL "NUMBER")
    message(FATAL_ERROR "key ${key} is ${type}, not a number or null:\n${out}")
  endif()
endforeach()
foreach(ratio sim_vs_naive thread_per_core_vs_sim thread_per_core_runs_vs_sim
              local_vs_spdk_shaped roundtrip_vs_pingpong
              spdk_shaped_roundtrip_vs_pingpong roundtrip_vs_spdk_shaped cross_vs_spdk_shaped
              seqslot_roundtrip_vs_pingpong roundtrip_vs_seqslot idle_poll_64_vs_2
              idle_poll_128_vs_2 real_record_overhead_local real_record_overhead_cross)
  string(JSON type ERROR_VARIABLE ratio_error TYPE "${out}" ratios ${ratio} value)
  if(ratio_error)
    message(FATAL_ERROR "ratio ${ratio} is missing:\n${out}")
  endif()
endforeach()
foreach(key loadavg_before loadavg_after)
  string(JSON type ERROR_VARIABLE key_error TYPE "${out}" ${key})
  if(key_error OR NOT type STREQUAL "STRING")
    message(FATAL_ERROR "key ${key} is missing or not a string:\n${out}")
  endif()
endforeach()
message(STATUS "lockstep_bench --smoke --json: every key present")
