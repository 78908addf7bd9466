// Record on the real backend, replay in the simulator (docs/record_replay.md).
//
// A recording is the real backend's trace (docs/trace_format.md) written by
// lockstep::real::options::record: per reactor the order of its events, pollers and timers,
// the sender of every event, the allocation failures, the shutdown request, app_stop and the
// failing check (the recording is written before the failed check aborts the process).
//
// replay_recording reads it and runs the program in the simulator with every choice steered by
// the recording — which core steps, which sender a core reads next, which allocation fails,
// when the shutdown request arrives — and compares the simulated run with the recorded one
// step by step. A matched replay yields the decision vector of that run: sim::options with
// `decisions` set, which replay without the recording like any seed (--replay LINE, --shrink,
// --trace-out, trace_viz).
#pragma once

#include <lockstep/sim.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace lockstep::sim {

struct recording_replay {
  // The recording could not be used: unreadable, truncated, corrupted, not a recording of the
  // real backend, or made by another program (a program name or a function name this program
  // does not have). `error` names the file and the line or step. Nothing was judged.
  bool input_error = false;
  std::string error;
  // The simulated run did what the recording says, step by step, and ended the same way (the
  // same failure message, or app_stop with the same rc). Else `divergence` names the first
  // step that differs and what each run did there.
  bool matched = false;
  std::string divergence;
  uint64_t recorded_steps = 0;   // steps of the recording compared (up to app_stop or failure)
  uint64_t recorded_events = 0;  // events the recording ran up to app_stop (or the failure)
  std::string recorded_outcome;  // "stopped" or "failed" (or "hang": neither was recorded)
  std::string recorded_failure;  // the failed check's message
  // The options of the matched run: `base` with the cores, pool size, faults and step limit
  // of the recording, and `decisions` set to its decision vector (no steering). sim::run with
  // them (the program's own run) replays the same run.
  options derived;
  result steered;                // the steered run (with its trace)
};

// Reads the recording at `path` and replays it with `run` (the program's run of one simulation
// with the options given; it must pass them to sim::run unchanged but for what it adds, such
// as shutdown_cb). `base` gives the program's defaults (thread_per_core, ...); `program` is the
// program's name as the recording names it (empty: not checked).
recording_replay replay_recording(const std::string& path, const options& base,
                                  const std::string& program,
                                  const std::function<result(const options&)>& run);

// The name a recording gives the program that made it: the basename of /proc/self/exe.
std::string recording_program_name();

}  // namespace lockstep::sim
