// cross_core: explore the cross-core request/response example in the simulator over many
// seeds, replay one seed, or run it on the real backend.
//
//   cross_core [--tasks T] [--trace-out FILE] [exploration and simulator flags: see
//              explore::flags_usage]   (--trace-out: the first failure's trace; the first
//              seed's if none failed)
//   cross_core --replay 'lockstep-replay/3 ...' [--trace-out FILE] [--shrink]
//   cross_core --real [--tasks T] [--trace-out FILE] [--record FILE] [-- EAL arguments...]
//
// The command line is explore::drive's, with --tasks, --real and EAL's arguments of its own.
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

// Runs the example on the real backend (--real): DPDK lcores, EAL's arguments after "--" (else
// real::options' defaults), the trace to `trace_out` when it is not empty. Returns the exit code.
// `record`: when not empty, the run is recorded there for --replay-recording.
int run_real(const cross_core::config& cfg, const std::vector<std::string>& eal_args,
             const std::string& trace_out, const std::string& record) {
#ifdef LOCKSTEP_HAS_REAL
  lockstep::real::options ro;
  if (!eal_args.empty()) ro.eal_args = eal_args;
  if (!trace_out.empty()) {
    ro.trace = true;
    ro.trace_path = trace_out;
  }
  ro.record = record;
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
  (void)cfg;
  (void)eal_args;
  (void)trace_out;
  (void)record;
  std::fprintf(stderr, "cross_core: this build has no real backend (DPDK was not found at "
                       "configure time)\n");
  return 4;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  cross_core::config cfg;
  bool real = false, eal_given = false, tasks_given = false;
  std::string record;
  std::vector<std::string> eal_args;

  lockstep::explore::program p;
  p.name = "cross_core";
  p.about = "explore the cross-core example in the simulator, replay a run, or run it on DPDK";
  p.own_usage = "[--tasks T]";
  p.other_forms = {"--real [--tasks T] [--trace-out FILE] [--record FILE] [-- EAL arguments...]"};
  p.trace_explored = true;  // --trace-out: the first failure's trace, or the first seed's
  p.defaults = [](lockstep::sim::options* o) {
    o->alloc_fail_ppm = 10'000;  // 1% of allocations fail: the retry paths run in every seed
    o->shutdown_cb = cross_core::app::shutdown_request;  // --shutdown-ppm requests a shutdown
  };
  p.parse_own = [&](int argc_, char** argv_, int i, std::string* error) -> int {
    const std::string arg = argv_[i];
    if (arg == "--real") {
      real = true;
      return 1;
    }
    if (arg == "--") {  // the rest is EAL's
      eal_given = true;
      eal_args.assign(argv_ + i + 1, argv_ + argc_);
      return argc_ - i;
    }
    if (arg == "--record")
      return i + 1 < argc_ ? (record = argv_[i + 1], 2) : (*error = "--record needs a file", -1);
    if (arg != "--tasks") return 0;
    if (i + 1 >= argc_) {
      *error = "--tasks needs a value";
      return -1;
    }
    const std::string text = argv_[i + 1];
    uint64_t v = 0;
    if (!lockstep::explore::parse_number(text.c_str(), 1'000'000, &v)) {
      *error = "--tasks takes 0..1000000 (got '" + text + "')";
      return -1;
    }
    cfg.tasks = static_cast<uint32_t>(v);
    tasks_given = true;
    return 2;
  };
  p.check_shared = [&](const lockstep::explore::command_line& c) -> std::string {
    if (!real && !record.empty()) return "--record records a run on DPDK: give --real with it";
    if (!real) return eal_given ? "EAL arguments (after --) need --real" : "";
    if (c.replay_given)
      return "--real runs on DPDK and --replay reruns a simulated run: give one of them";
    if (c.shrink) return "--shrink needs --replay (it shrinks a failing simulated run)";
    if (!c.shared_flags.empty())
      return "--real takes --tasks, --trace-out and EAL arguments after --; " +
             c.shared_flags.front().front() + " is for the simulator";
    return {};
  };
  // Repeated in every rerun command.
  p.rerun_args = [&] { return tasks_given ? " --tasks " + std::to_string(cfg.tasks) : ""; };
  p.run = [&cfg](const lockstep::sim::options& o, lockstep::sim::result* r, bool) {
    return run_once(cfg, o, r);
  };
  p.own_mode = [&](const lockstep::explore::command_line& c) {
    return real ? run_real(cfg, eal_args, c.trace_out, record) : -1;
  };
  return lockstep::explore::drive(argc, argv, p);
}
