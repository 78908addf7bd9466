// spdk_thread: the spdk_thread example (the counter module, racy or fixed) in the simulator:
// explore many seeds, or replay one, write its trace, shrink it.
//
//   spdk_thread [--variant racy|fixed] [--workers W] [--run-us U] [exploration and simulator
//               flags: see explore::flags_usage]
//   spdk_thread [--variant racy|fixed] [--workers W] [--run-us U] --replay 'lockstep-replay/3 ...'
//               [--trace-out FILE] [--shrink] [--log]
//
// The module's state is process-wide (C code in SPDK's style), so seeds run one after another in
// this process (--jobs 1); shard the seed range over processes (--shard i/n) to use more CPUs.
// Exit codes: 0 every run correct; 1 a run failed (its replay command is printed); 2 bad usage
// (also: --trace-out cannot be written).
#include "spdk_thread_app.h"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int usage(const std::string& why, std::FILE* out = stderr) {
  std::fprintf(out,
               "spdk_thread: %s\n"
               "usage: spdk_thread [--variant racy|fixed] [--workers W] [--run-us U] [flags]\n"
               "       spdk_thread [--variant racy|fixed] [--workers W] [--run-us U]\n"
               "                   --replay 'LINE' [--trace-out FILE] [--shrink] [--log]\n%s",
               why.c_str(), lockstep::explore::flags_usage());
  return 2;
}

// Runs the application once in the simulator and judges the run: empty when correct.
std::string run_once(const spdk_thread_app& app, spdk_thread_app_config cfg,
                     const lockstep::sim::options& o, lockstep::sim::result* r,
                     spdk_log_level print_level) {
  lockstep::spdk_compat::sim_log log;
  log.print_level = print_level;
  *r = lockstep::spdk_compat::run_sim(o, app.start, &cfg, log);
  std::string why;
  char text[256] = {};
  if (r->outcome != lockstep::sim::outcome::stopped) {
    why = std::string("outcome ") + lockstep::sim::to_string(r->outcome) +
          (r->failure.empty() ? "" : ": " + r->failure);
  } else if (r->rc != 0) {
    why = "spdk_app_stop rc " + std::to_string(r->rc);
  } else if (app.verify(text, sizeof text) != 0) {
    why = text;
  } else if (r->leaked_events != 0) {
    why = std::to_string(r->leaked_events) + " events allocated and never called";
  }
  app.reset();
  return why;
}

// The command line, parsed.
struct arguments {
  lockstep::explore::options eo;
  lockstep::sim::options so;
  spdk_thread_app_config cfg{3, 2};
  const spdk_thread_app* app = &spdk_thread_app_fixed;
  std::string replay, trace_out;
  spdk_log_level print_level = SPDK_LOG_DISABLED;
  bool shrink = false, replay_given = false;
  std::string shared_flag;  // the first flag explore::parse_flag took, if any
};

// Parses argv into *a. Returns -1 to go on, or the exit code (help, bad usage).
int parse_arguments(int argc, char** argv, arguments* a) {
  a->eo.jobs = 1;  // the module's state is process-wide: one run at a time
  if (const std::string why = lockstep::explore::repeated_flag_error(argc, argv, {});
      !why.empty())
    return usage(why);
  for (int i = 1; i < argc; ++i) {
    std::string error;
    const int used = lockstep::explore::parse_flag(argc, argv, i, &a->eo, &a->so, &error);
    if (used < 0) return usage(error);
    if (used > 0) {
      if (a->shared_flag.empty()) a->shared_flag = argv[i];
      i += used - 1;
      continue;
    }
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      usage("the spdk_thread example in the simulator: explore seeds, replay one", stdout);
      return 0;
    }
    if (arg == "--shrink" || arg == "--log") {
      (arg == "--shrink" ? a->shrink = true : (a->print_level = SPDK_LOG_NOTICE, true));
      continue;
    }
    if (arg != "--variant" && arg != "--workers" && arg != "--run-us" && arg != "--replay" &&
        arg != "--trace-out")
      return usage("unknown argument '" + arg + "'");
    if (i + 1 >= argc) return usage(arg + " needs a value");
    const std::string text = argv[++i];
    uint64_t v = 0;
    if (arg == "--variant") {
      if (text != "racy" && text != "fixed")
        return usage("--variant takes racy or fixed (got '" + text + "')");
      a->app = text == "racy" ? &spdk_thread_app_racy : &spdk_thread_app_fixed;
    } else if (arg == "--workers") {
      if (!lockstep::explore::parse_number(text.c_str(), 16, &v) || v == 0)
        return usage("--workers takes 1..16 (got '" + text + "')");
      a->cfg.workers = static_cast<uint32_t>(v);
    } else if (arg == "--run-us") {
      if (!lockstep::explore::parse_number(text.c_str(), 1'000'000, &v) || v == 0)
        return usage("--run-us takes 1..1000000 (got '" + text + "')");
      a->cfg.run_us = static_cast<uint32_t>(v);
    } else if (arg == "--replay") {
      a->replay = text;
      a->replay_given = true;
    } else {
      a->trace_out = text;
    }
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  arguments a;
  if (const int rc = parse_arguments(argc, argv, &a); rc >= 0) return rc;
  lockstep::explore::options& eo = a.eo;
  lockstep::sim::options& so = a.so;
  const spdk_thread_app_config cfg = a.cfg;
  const spdk_thread_app* app = a.app;
  const std::string& replay = a.replay;
  const std::string& trace_out = a.trace_out;
  const spdk_log_level print_level = a.print_level;
  const bool shrink = a.shrink, replay_given = a.replay_given;
  const std::string& shared_flag = a.shared_flag;
  if (eo.jobs != 1)
    return usage("--jobs must be 1: the module's state is process-wide; shard the seeds "
                 "over processes with --shard i/n instead");
  // Every argument given is used, or the combination is refused: nothing is silently ignored.
  if (const std::string why =
          lockstep::explore::replay_usage_error(replay_given, replay, shrink, shared_flag,
                                                 trace_out, /*trace_needs_replay=*/true);
      !why.empty())
    return usage(why);
  const std::string scenario_args = std::string(" --variant ") + app->variant + " --workers " +
                  std::to_string(cfg.workers) + " --run-us " + std::to_string(cfg.run_us);

  if (replay_given) {
    std::string error;
    if (!lockstep::sim::parse_replay(replay, &so, &error)) return usage(error);
    if (!trace_out.empty()) so.trace = true;
    std::printf("replay (%s, %u workers, %u us): %s\n", app->variant, cfg.workers, cfg.run_us,
                lockstep::sim::format_replay(so).c_str());
    std::fflush(stdout);
    // The replayed run logs at the level asked for; the shrink's candidate runs do not.
    return lockstep::explore::replay_and_report(
        so,
        [&](const lockstep::sim::options& o, lockstep::sim::result* res) {
          return run_once(*app, cfg, o, res, print_level);
        },
        [&](const lockstep::sim::options& o, lockstep::sim::result* res) {
          return run_once(*app, cfg, o, res, SPDK_LOG_DISABLED);
        },
        shrink, trace_out, std::string(argv[0]) + scenario_args, "correct");
  }

  // Options no run accepts are bad usage, reported before the first seed (not as a failed seed).
  if (const std::string why = lockstep::explore::options_error(eo, so); !why.empty())
    return usage(why);
  std::printf("spdk_thread: variant %s, %u workers, teardown after %u us\n", app->variant,
              cfg.workers, cfg.run_us);
  std::fflush(stdout);
  eo.replay_command = std::string(argv[0]) + scenario_args;
  const lockstep::explore::summary sum = lockstep::explore::run(
      eo, so, [&](const lockstep::sim::options& o, lockstep::sim::result* r) {
        return run_once(*app, cfg, o, r, print_level);
      });
  lockstep::explore::print_summary(sum, stdout);
  return sum.failures.empty() ? 0 : 1;
}
