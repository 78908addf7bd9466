// spdk_thread: the spdk_thread example (the counter module, racy or fixed) in the simulator:
// explore many seeds, or replay one, write its trace, shrink it.
//
//   spdk_thread [--variant racy|fixed] [--workers W] [--run-us U] [--log] [exploration and
//               simulator flags: see explore::flags_usage]
//   spdk_thread [--variant racy|fixed] [--workers W] [--run-us U] [--log]
//               --replay 'lockstep-replay/3 ...' [--trace-out FILE] [--shrink]
//
// The module's state is process-wide (C code in SPDK's style), so seeds run one after another in
// this process (--jobs 1); shard the seed range over processes (--shard i/n) to use more CPUs.
// Exit codes (explore::drive): 0 every run correct; 1 a run failed (its replay command is
// printed); 2 bad usage (also: --trace-out cannot be written).
#include "spdk_thread_app.h"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <string>

int main(int argc, char** argv) {
  spdk_thread_app_config cfg{3, 2};
  const spdk_thread_app* app = &spdk_thread_app_fixed;
  spdk_log_level print_level = SPDK_LOG_DISABLED;

  lockstep::explore::program p;
  p.name = "spdk_thread";
  p.about = "the spdk_thread example in the simulator: explore seeds, replay one";
  p.own_usage = "[--variant racy|fixed] [--workers W] [--run-us U] [--log]";
  p.one_run_at_a_time = true;  // the module's state is process-wide
  // run_sim's default (a thread per simulated core, for __thread state), in the options line.
  p.defaults = [](lockstep::sim::options* o) { o->thread_per_core = true; };
  p.parse_own = [&](int argc_, char** argv_, int i, std::string* error) -> int {
    const std::string arg = argv_[i];
    if (arg == "--log") {
      print_level = SPDK_LOG_NOTICE;
      return 1;
    }
    if (arg != "--variant" && arg != "--workers" && arg != "--run-us") return 0;
    if (i + 1 >= argc_) {
      *error = arg + " needs a value";
      return -1;
    }
    const std::string text = argv_[i + 1];
    uint64_t v = 0;
    if (arg == "--variant") {
      if (text != "racy" && text != "fixed") {
        *error = "--variant takes racy or fixed (got '" + text + "')";
        return -1;
      }
      app = text == "racy" ? &spdk_thread_app_racy : &spdk_thread_app_fixed;
    } else if (arg == "--workers") {
      if (!lockstep::explore::parse_number(text.c_str(), 16, &v) || v == 0) {
        *error = "--workers takes 1..16 (got '" + text + "')";
        return -1;
      }
      cfg.workers = static_cast<uint32_t>(v);
    } else {
      if (!lockstep::explore::parse_number(text.c_str(), 1'000'000, &v) || v == 0) {
        *error = "--run-us takes 1..1000000 (got '" + text + "')";
        return -1;
      }
      cfg.run_us = static_cast<uint32_t>(v);
    }
    return 2;
  };
  p.rerun_args = [&] {
    return std::string(" --variant ") + app->variant + " --workers " +
           std::to_string(cfg.workers) + " --run-us " + std::to_string(cfg.run_us);
  };
  p.describe = [&] {
    return std::string("variant ") + app->variant + ", " + std::to_string(cfg.workers) +
           " workers, teardown after " + std::to_string(cfg.run_us) + " us";
  };
  p.run = [&](const lockstep::sim::options& o, lockstep::sim::result* r, bool shrinking) {
    lockstep::spdk_compat::sim_log log;
    log.print_level = shrinking ? SPDK_LOG_DISABLED : print_level;
    spdk_thread_app_config run_cfg = cfg;
    *r = lockstep::spdk_compat::run_sim(o, app->start, &run_cfg, log);
    std::string why = lockstep::spdk_compat::run_verdict(*r, app->verify);
    app->reset();
    return why;
  };
  return lockstep::explore::drive(argc, argv, p);
}
