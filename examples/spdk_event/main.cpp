// spdk_event: the SPDK event example (the seed's C code, or its corrected form) in the
// simulator: explore many seeds, or replay one, write its trace, shrink it.
//
//   spdk_event [--variant seed|fixed] [--tasks T] [--log] [-L FLAG] [exploration and simulator
//              flags: see explore::flags_usage]
//   spdk_event [--variant seed|fixed] [--tasks T] [--log] [-L FLAG] --replay 'lockstep-replay/3 ...'
//              [--trace-out FILE] [--shrink]
//
// The application's state is process-wide (it is C code in SPDK's style), so seeds run one
// after another in this process (--jobs 1); shard the seed range over processes (--shard i/n)
// to use more CPUs. --log prints the run's SPDK log (NOTICE and up), -L FLAG also that flag's
// SPDK_INFOLOG lines; both are meant for a replay.
// Exit codes (explore::drive): 0 every run correct; 1 a run failed (its replay command is
// printed); 2 bad usage (also: --trace-out cannot be written).
#include "spdk_event_app.h"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <string>

int main(int argc, char** argv) {
  spdk_event_app_config cfg{};
  cfg.tasks = 16;
  const spdk_event_app* app = &spdk_event_app_fixed;
  spdk_log_level print_level = SPDK_LOG_DISABLED;

  lockstep::explore::program p;
  p.name = "spdk_event";
  p.about = "the SPDK event example in the simulator: explore seeds, replay one";
  p.own_usage = "[--variant seed|fixed] [--tasks T] [--log] [-L FLAG]";
  p.may_repeat = {"-L"};  // as in SPDK: one log flag each
  p.one_run_at_a_time = true;  // the C application's state is process-wide
  // run_sim's default (a thread per simulated core, for __thread state), in the options line.
  p.defaults = [](lockstep::sim::options* o) { o->thread_per_core = true; };
  p.parse_own = [&](int argc_, char** argv_, int i, std::string* error) -> int {
    const std::string arg = argv_[i];
    if (arg == "--log") {
      print_level = SPDK_LOG_NOTICE;
      return 1;
    }
    if (arg != "--variant" && arg != "--tasks" && arg != "-L") return 0;
    if (i + 1 >= argc_) {
      *error = arg + " needs a value";
      return -1;
    }
    const std::string text = argv_[i + 1];
    uint64_t v = 0;
    if (arg == "--variant") {
      if (text != "seed" && text != "fixed") {
        *error = "--variant takes seed or fixed (got '" + text + "')";
        return -1;
      }
      app = text == "seed" ? &spdk_event_app_seed : &spdk_event_app_fixed;
    } else if (arg == "--tasks") {
      if (!lockstep::explore::parse_number(text.c_str(), 1'000'000, &v)) {
        *error = "--tasks takes 0..1000000 (got '" + text + "')";
        return -1;
      }
      cfg.tasks = static_cast<uint32_t>(v);
    } else {
      // Bare or in double quotes, as spdk_log_set_flag takes it.
      if (text != SPDK_EVENT_APP_LOG_FLAGS && text != "\"" SPDK_EVENT_APP_LOG_FLAGS "\"") {
        *error = "unknown -L flag '" + text + "' (known flags: " SPDK_EVENT_APP_LOG_FLAGS ")";
        return -1;
      }
      if (spdk_log_set_flag(text.c_str()) != 0) {
        *error = "-L " + text + ": cannot enable it";
        return -1;
      }
      print_level = SPDK_LOG_NOTICE;
    }
    return 2;
  };
  p.rerun_args = [&] {
    return std::string(" --variant ") + app->variant + " --tasks " + std::to_string(cfg.tasks);
  };
  p.describe = [&] {
    return std::string("variant ") + app->variant + ", " + std::to_string(cfg.tasks) + " tasks";
  };
  p.run = [&](const lockstep::sim::options& o, lockstep::sim::result* r, bool shrinking) {
    lockstep::spdk_compat::sim_log log;
    log.print_level = shrinking ? SPDK_LOG_DISABLED : print_level;
    spdk_event_app_config run_cfg = cfg;
    *r = lockstep::spdk_compat::run_sim(o, app->start, &run_cfg, log);
    std::string why = lockstep::spdk_compat::run_verdict(*r, app->verify);
    app->reset();
    return why;
  };
  return lockstep::explore::drive(argc, argv, p);
}
