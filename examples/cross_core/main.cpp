// cross_core: explore the cross-core request/response example in the simulator over many
// seeds, replay one seed, or run it on the real backend.
//
//   cross_core [--tasks T] [--trace-out FILE] [exploration and simulator flags: see
//              explore::flags_usage]   (--trace-out: the first failure's trace; the first
//              seed's if none failed)
//   cross_core --replay 'lockstep-replay/3 ...' [--trace-out FILE] [--shrink]
//   cross_core --real [--tasks T] [--trace-out FILE] [-- EAL arguments...]
//
// Exit codes: 0 all runs correct; 1 a run failed (its replay command is printed); 2 bad usage
// (also: --trace-out cannot be written); 3 the real backend could not start; 4 this build has no
// real backend; 130 a --real run interrupted by SIGINT or SIGTERM (its graceful shutdown ran
// correctly; the tasks it cancelled are counted apart).
#include "cross_core_app.hpp"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>
#ifdef LOCKSTEP_HAS_REAL
#include <lockstep/real.hpp>
#endif

#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// Whether the real run's shutdown callback ran: a SIGINT or SIGTERM arrived. Set on the main
// lcore, read after real::run has joined the lcores.
std::atomic<bool> g_shutdown_requested{false};

void on_shutdown_signal() {
  g_shutdown_requested.store(true, std::memory_order_relaxed);
  cross_core::app::shutdown_request();
}

int usage(const char* why, std::FILE* out = stderr) {
  std::fprintf(out,
               "cross_core: %s\n"
               "usage: cross_core [--tasks T] [--trace-out FILE] [flags]\n"
               "       cross_core --replay 'LINE' [--trace-out FILE] [--shrink] [--tasks T]\n"
               "       cross_core --real [--tasks T] [--trace-out FILE] [-- EAL arguments...]\n"
               "%s",
               why, lockstep::explore::flags_usage());
  return 2;
}

// Runs the example once in the simulator and judges it.
std::string run_once(const cross_core::config& cfg, const lockstep::sim::options& o,
                     lockstep::sim::result* r) {
  cross_core::app a(cfg);
  *r = lockstep::sim::run(o, [&a] { a.start(); });
  if (r->outcome != lockstep::sim::outcome::stopped)
    return std::string("outcome ") + lockstep::sim::to_string(r->outcome) +
           (r->failure.empty() ? "" : ": " + r->failure);
  if (r->rc != 0) return "app_stop rc " + std::to_string(r->rc);
  if (!a.complete_and_correct()) return "not every task completed exactly once on its origin";
  if (r->leaked_events != 0) return std::to_string(r->leaked_events) + " events leaked";
  return {};
}

// The options of a replay line, or `fallback` if the line does not parse (it always should: the
// explorer wrote it).
lockstep::sim::options parse_or_keep(const std::string& line, lockstep::sim::options fallback) {
  lockstep::sim::options o = fallback;
  std::string error;
  if (!lockstep::sim::parse_replay(line, &o, &error)) {
    std::fprintf(stderr, "cross_core: cannot reread the replay line (%s)\n", error.c_str());
    return fallback;
  }
  return o;
}

// FILE.trace -> FILE.svg: where the printed trace_viz command draws it.
std::string svg_name(const std::string& trace_path) {
  const size_t dot = trace_path.rfind('.');
  const size_t slash = trace_path.rfind('/');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? trace_path.substr(0, dot) : trace_path) + ".svg";
}

}  // namespace

int main(int argc, char** argv) {
  if (const std::string why = lockstep::explore::repeated_flag_error(argc, argv); !why.empty())
    return usage(why.c_str());
  lockstep::explore::options eo;
  lockstep::sim::options so;
  so.alloc_fail_ppm = 10'000;  // 1% of allocations fail: the retry paths run in every seed
  so.shutdown_cb = cross_core::app::shutdown_request;  // --shutdown-ppm requests a shutdown
  cross_core::config cfg;
  std::string replay, trace_out;
  bool real = false, shrink = false, replay_given = false, eal_given = false;
  std::string shared_flag;  // the first flag explore::parse_flag took, if any
  std::vector<std::string> eal_args;
  std::string scenario_args;  // repeated in the replay command

  for (int i = 1; i < argc; ++i) {
    std::string error;
    const int used = lockstep::explore::parse_flag(argc, argv, i, &eo, &so, &error);
    if (used < 0) return usage(error.c_str());
    if (used > 0) {
      if (shared_flag.empty()) shared_flag = argv[i];
      i += used - 1;
      continue;
    }
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        usage((std::string(name) + " needs a value").c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    uint64_t v = 0;
    if (arg == "-h" || arg == "--help") {
      usage("explore the cross-core example in the simulator, replay a run, or run it on DPDK",
            stdout);
      return 0;
    } else if (arg == "--tasks") {
      const char* text = value("--tasks");
      if (!lockstep::explore::parse_number(text, 1'000'000, &v))
        return usage(("--tasks takes 0..1000000 (got '" + std::string(text) + "')").c_str());
      cfg.tasks = static_cast<uint32_t>(v);
      scenario_args += " --tasks " + std::to_string(v);
    } else if (arg == "--replay") {
      replay = value("--replay");
      replay_given = true;
    } else if (arg == "--trace-out") {
      trace_out = value("--trace-out");
    } else if (arg == "--shrink") {
      shrink = true;
    } else if (arg == "--real") {
      real = true;
    } else if (arg == "--") {
      eal_given = true;
      for (++i; i < argc; ++i) eal_args.emplace_back(argv[i]);
    } else {
      return usage(("unknown argument '" + arg + "'").c_str());
    }
  }

  // Every argument given is used, or the combination is refused: nothing is silently ignored.
  if (real) {
    if (replay_given)
      return usage("--real runs on DPDK and --replay reruns a simulated run: give one of them");
    if (shrink) return usage("--shrink needs --replay (it shrinks a failing simulated run)");
    if (!shared_flag.empty())
      return usage(("--real takes --tasks, --trace-out and EAL arguments after --; " +
                    shared_flag + " is for the simulator").c_str());
  } else if (eal_given) {
    return usage("EAL arguments (after --) need --real");
  }
  if (const std::string why =
          lockstep::explore::replay_usage_error(replay_given, replay, shrink, shared_flag,
                                                 trace_out, /*trace_needs_replay=*/false);
      !why.empty())
    return usage(why.c_str());

  if (real) {
#ifdef LOCKSTEP_HAS_REAL
    lockstep::real::options ro;
    if (!eal_args.empty()) ro.eal_args = eal_args;
    if (!trace_out.empty()) {
      ro.trace = true;
      ro.trace_path = trace_out;
    }
    ro.shutdown_cb = on_shutdown_signal;  // SIGINT/SIGTERM: graceful shutdown
    cross_core::app a(cfg);
    lockstep::real::run_stats stats{};
    const int rc = lockstep::real::run(
        ro,
        [&a, &cfg] {
          // Said from inside the run: from here on SIGINT/SIGTERM is a graceful shutdown.
          std::fprintf(stderr, "real: running %u tasks (SIGINT or SIGTERM: graceful shutdown)\n",
                       cfg.tasks);
          a.start();
        },
        &stats);
    if (stats.lcores == 0) {
      // Nothing ran, so there is no verdict: the reason, repeated as the last line (EAL may have
      // printed a hundred lines of usage after it).
      std::fflush(stdout);
      std::printf("real: could not start: %s\n", stats.failure.c_str());
      return 3;
    }
    // A shutdown request (SIGINT or SIGTERM) completes the tasks not yet submitted with
    // -ECANCELED: they are cancelled, not completed, and the run was interrupted.
    uint32_t cancelled = 0;
    for (const cross_core::task& t : a.tasks()) cancelled += t.status == -ECANCELED ? 1 : 0;
    const uint32_t done = a.completed() - cancelled;
    const bool correct = rc == 0 && a.complete_and_correct();
    // Interrupted whenever the signal came, also after the last task was submitted (nothing
    // cancelled then): the count of cancelled tasks only says how much was cut short.
    const bool interrupted = g_shutdown_requested.load(std::memory_order_relaxed);
    std::printf("real: rc=%d tasks=%u completed=%u", rc, cfg.tasks, done);
    if (interrupted) std::printf(" cancelled=%u", cancelled);
    std::printf(" events=%" PRIu64 " alloc_failures=%" PRIu64 " dropped=%" PRIu64 " %s\n",
                stats.events_executed, stats.alloc_failures, stats.dropped_events,
                !correct ? "INCORRECT" : interrupted ? "interrupted" : "correct");
    if (!correct) return 1;
    if (interrupted) {
      std::printf("interrupted: %u of %u tasks completed, %u cancelled by the shutdown request "
                  "(SIGINT or SIGTERM); the graceful shutdown ran correctly\n",
                  done, cfg.tasks, cancelled);
      return 130;  // as a shell reports a program ended by SIGINT (128 + 2)
    }
    return 0;
#else
    std::fprintf(stderr, "cross_core: this build has no real backend (DPDK was not found at "
                         "configure time)\n");
    return 4;
#endif
  }

  if (replay_given) {
    std::string error;
    if (!lockstep::sim::parse_replay(replay, &so, &error)) return usage(error.c_str());
    if (!trace_out.empty()) so.trace = true;
    std::printf("replay: %s\n", lockstep::sim::format_replay(so).c_str());
    const lockstep::explore::scenario replayed =
        [&cfg](const lockstep::sim::options& o, lockstep::sim::result* res) {
          return run_once(cfg, o, res);
        };
    return lockstep::explore::replay_and_report(so, replayed, replayed, shrink, trace_out,
                                                std::string(argv[0]) + scenario_args, "correct");
  }

  // Options no run accepts are bad usage, reported before the first seed (not as a failed seed).
  if (const std::string why = lockstep::explore::options_error(eo, so); !why.empty())
    return usage(why.c_str());
  eo.replay_command = std::string(argv[0]) + scenario_args;
  const lockstep::explore::summary sum = lockstep::explore::run(
      eo, so, [&cfg](const lockstep::sim::options& o, lockstep::sim::result* r) {
        return run_once(cfg, o, r);
      });
  lockstep::explore::print_summary(sum, stdout);
  if (!trace_out.empty()) {
    // Rerun one seed with the trace on (recording does not change the run): the first failure,
    // or, when every seed passed, the first seed this process explored.
    lockstep::sim::options to = so;
    to.seed = eo.first_seed + eo.shard_index;
    if (!sum.failures.empty()) to = parse_or_keep(sum.failures.front().result.replay, to);
    to.trace = true;
    lockstep::sim::result r;
    const std::string why = run_once(cfg, to, &r);
    if (!lockstep::sim::write_trace(r, trace_out)) {
      // As a replay's: exit code 2 when every seed passed, 1 when a failure was found.
      std::fprintf(stderr, "cross_core: could not write the trace to %s\n", trace_out.c_str());
      return sum.failures.empty() ? 2 : 1;
    }
    std::printf("trace of seed %" PRIu64 " (%s) written to %s\n  draw it: trace_viz %s -o %s"
                " [--causal --depth 30]\n",
                to.seed, why.empty() ? "passed" : ("failed: " + why).c_str(), trace_out.c_str(),
                trace_out.c_str(), svg_name(trace_out).c_str());
  }
  return sum.failures.empty() ? 0 : 1;
}
