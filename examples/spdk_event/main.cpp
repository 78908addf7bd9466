// spdk_event: the SPDK event example (the seed's C code, or its corrected form) in the
// simulator: explore many seeds, or replay one and write its trace.
//
//   spdk_event [--variant seed|fixed] [--seeds N] [--first-seed S] [--cores C] [--tasks T]
//              [--alloc-fail-ppm P] [--alloc-fail-nth N] [--pool EVENTS]
//              [--strategy random|pct] [--shard i/n] [--keep-going]
//   spdk_event [--variant seed|fixed] [--tasks T] --replay 'lockstep-replay/1 ...'
//              [--trace-out FILE] [--log] [-L FLAG]
//
// The application's state is process-wide (it is C code in SPDK's style), so seeds run one
// after another in this process; shard the seed range over processes to use more CPUs.
// Exit codes: 0 every run correct; 1 a run failed (its replay command is printed); 2 bad usage.
#include "spdk_event_app.h"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int usage(const std::string& why) {
  std::fprintf(stderr,
               "spdk_event: %s\n"
               "usage: spdk_event [--variant seed|fixed] [--seeds N] [--first-seed S]\n"
               "                  [--cores C] [--tasks T] [--alloc-fail-ppm P]\n"
               "                  [--alloc-fail-nth N] [--pool EVENTS]\n"
               "                  [--strategy random|pct] [--shard i/n] [--keep-going]\n"
               "       spdk_event [--variant seed|fixed] [--tasks T] --replay 'LINE'\n"
               "                  [--trace-out FILE] [--log] [-L FLAG]\n",
               why.c_str());
  return 2;
}

bool parse_number(const char* text, uint64_t max, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v > max) return false;
  *out = v;
  return true;
}

// Runs the application once in the simulator and judges the run: empty when correct.
std::string run_once(const spdk_event_app& app, spdk_event_app_config cfg,
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

}  // namespace

int main(int argc, char** argv) {
  lockstep::explore::options eo;
  eo.jobs = 1;  // the C application's state is process-wide: one run at a time
  lockstep::sim::options so;
  spdk_event_app_config cfg{};
  cfg.tasks = 16;
  const spdk_event_app* app = &spdk_event_app_fixed;
  std::string replay, trace_out;
  spdk_log_level print_level = SPDK_LOG_DISABLED;
  std::string scenario_args;  // repeated in the replay command

  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage(arg + " needs a value");
        std::exit(2);
      }
      return argv[++i];
    };
    uint64_t v = 0;
    if (arg == "--variant") {
      const std::string s = value();
      if (s == "seed") {
        app = &spdk_event_app_seed;
      } else if (s == "fixed") {
        app = &spdk_event_app_fixed;
      } else {
        return usage("--variant takes seed or fixed");
      }
    } else if (arg == "--seeds") {
      if (!parse_number(value(), UINT64_MAX, &eo.seeds)) return usage("bad --seeds");
    } else if (arg == "--first-seed") {
      if (!parse_number(value(), UINT64_MAX, &eo.first_seed)) return usage("bad --first-seed");
    } else if (arg == "--cores") {
      if (!parse_number(value(), lockstep::sim::max_cores, &v) || v == 0)
        return usage("--cores takes 1..63");
      so.cores = static_cast<uint32_t>(v);
    } else if (arg == "--tasks") {
      if (!parse_number(value(), 1'000'000, &v)) return usage("--tasks takes 0..1000000");
      cfg.tasks = static_cast<uint32_t>(v);
    } else if (arg == "--alloc-fail-ppm") {
      if (!parse_number(value(), 1'000'000, &v)) return usage("--alloc-fail-ppm takes 0..1000000");
      so.alloc_fail_ppm = static_cast<uint32_t>(v);
    } else if (arg == "--alloc-fail-nth") {
      if (!parse_number(value(), UINT32_MAX, &v)) return usage("bad --alloc-fail-nth");
      so.alloc_fail_nth = static_cast<uint32_t>(v);
    } else if (arg == "--pool") {
      if (!parse_number(value(), 1u << 24, &v) || v == 0) return usage("bad --pool");
      so.event_pool_size = static_cast<uint32_t>(v);
    } else if (arg == "--strategy") {
      const std::string s = value();
      if (s == "random") {
        so.strategy = lockstep::sim::strategy::random;
      } else if (s == "pct") {
        so.strategy = lockstep::sim::strategy::pct;
      } else {
        return usage("--strategy takes random or pct");
      }
    } else if (arg == "--shard") {
      std::string error;
      if (!lockstep::explore::parse_shard(value(), &eo.shard_index, &eo.shard_count, &error))
        return usage(error);
    } else if (arg == "--keep-going") {
      eo.stop_at_first_failure = false;
    } else if (arg == "--replay") {
      replay = value();
    } else if (arg == "--trace-out") {
      trace_out = value();
    } else if (arg == "--log") {
      print_level = SPDK_LOG_NOTICE;
    } else if (arg == "-L") {
      if (spdk_log_set_flag(value()) != 0) return usage("bad -L flag");
      print_level = SPDK_LOG_NOTICE;
    } else {
      return usage("unknown argument '" + arg + "'");
    }
  }
  scenario_args = std::string(" --variant ") + app->variant + " --tasks " +
                  std::to_string(cfg.tasks);

  if (!replay.empty()) {
    std::string error;
    if (!lockstep::sim::parse_replay(replay, &so, &error)) return usage(error);
    if (!trace_out.empty()) so.trace = true;
    std::printf("replay (%s, %u tasks): %s\n", app->variant, cfg.tasks,
                lockstep::sim::format_replay(so).c_str());
    std::fflush(stdout);
    lockstep::sim::result r;
    const std::string why = run_once(*app, cfg, so, &r, print_level);
    std::printf("outcome %s rc=%d steps=%" PRIu64 " virtual_ns=%" PRIu64 " events=%" PRIu64
                " alloc_failures=%" PRIu64 " dropped=%" PRIu64 " leaked=%" PRIu64
                " trace_hash=%016" PRIx64 "\n",
                lockstep::sim::to_string(r.outcome), r.rc, r.steps, r.virtual_ns,
                r.events_executed, r.alloc_failures, r.dropped_events, r.leaked_events,
                r.trace_hash);
    if (!r.failure.empty()) std::printf("failure: %s\n", r.failure.c_str());
    if (!trace_out.empty()) {
      if (!lockstep::sim::write_trace(r, trace_out)) return 1;
      std::printf("trace written to %s\n", trace_out.c_str());
    }
    std::printf("verdict: %s\n", why.empty() ? "correct" : why.c_str());
    return why.empty() ? 0 : 1;
  }

  std::printf("spdk_event: variant %s, %u tasks\n", app->variant, cfg.tasks);
  std::fflush(stdout);
  eo.replay_command = std::string(argv[0]) + scenario_args;
  const lockstep::explore::summary sum = lockstep::explore::run(
      eo, so, [&](const lockstep::sim::options& o, lockstep::sim::result* r) {
        return run_once(*app, cfg, o, r, print_level);
      });
  std::printf("explored %" PRIu64 " seeds in %.2fs: stopped %" PRIu64 ", hang %" PRIu64
              ", step_limit %" PRIu64 ", failed %" PRIu64 "; %" PRIu64 " events\n",
              sum.seeds_run, sum.wall_seconds, sum.outcomes[0], sum.outcomes[1], sum.outcomes[2],
              sum.outcomes[3], sum.events_executed);
  for (const auto& f : sum.failures) {
    std::printf("FAILED seed %" PRIu64 ": %s\n  replay: %s --trace-out trace.txt\n", f.seed,
                f.why.c_str(), f.replay_command.c_str());
  }
  return sum.failures.empty() ? 0 : 1;
}
