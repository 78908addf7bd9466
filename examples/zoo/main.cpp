// zoo: how fast each exploration strategy finds each planted bug.
//
//   zoo [--seeds N] [--jobs J] [--check] [simulator flags]   the table: seeds-to-find per bug
//                                                            under random and PCT
//   zoo --bug NAME [exploration and simulator flags]         explore one bug like any program:
//                                                            failures print their rerun command
//   zoo --bug NAME --replay 'LINE' [--trace-out FILE] [--shrink]
//                                                            rerun one run exactly; --shrink
//                                                            then shrinks its schedule
//
// --check makes the table a test: exit 1 unless every bug is found by PCT, every bug but
// three_events by the random walk, three_events is not found by the random walk (the point of
// PCT), and no run failed in a way other than its planted bug.
// Exit codes: 0 fine; 1 a failure (explore/replay: the bug showed; --check: a claim broke);
// 2 bad usage (also: --trace-out cannot be written).
#include "bugs.hpp"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <cinttypes>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace {

// The bugs' names, space-separated.
std::string bug_names() {
  std::string names;
  for (const zoo::bug& b : zoo::bugs()) names.append(names.empty() ? "" : " ").append(b.name);
  return names;
}

int usage(const std::string& why, std::FILE* out = stderr) {
  std::fprintf(out,
               "zoo: %s\n"
               "usage: zoo [--check] [flags]            table of seeds-to-find\n"
               "       zoo --bug NAME [flags]           explore one bug\n"
               "       zoo --bug NAME --replay 'LINE' [--trace-out FILE] [--shrink]\n%s"
               "bugs:",
               why.c_str(), lockstep::explore::flags_usage());
  std::fprintf(out, " %s\n", bug_names().c_str());
  return 2;
}

struct cell {
  uint64_t first = 0;   // seeds run until the first planted find (0: not found)
  uint64_t hits = 0;    // runs that showed the planted bug
  uint64_t other = 0;   // runs that failed otherwise (a zoo defect)
};

// Sets the simulator flags the command line gave on `o` (again, after a bug's own settings).
using flag_applier = std::function<void(lockstep::sim::options* o)>;

cell measure(const zoo::bug& b, lockstep::sim::strategy st, lockstep::explore::options eo,
             lockstep::sim::options base, const flag_applier& apply_flags) {
  base.strategy = st;
  eo.stop_at_first_failure = false;
  eo.quiet = true;
  lockstep::sim::options o = zoo::options_for(b, base);
  apply_flags(&o);
  const auto sum = lockstep::explore::run(eo, o, b.run);
  cell c;
  for (const auto& f : sum.failures) {
    if (f.why.rfind("planted:", 0) == 0) {
      if (c.hits++ == 0) c.first = f.seed - eo.first_seed + 1;
    } else {
      ++c.other;
      std::fprintf(stderr, "zoo: %s seed %" PRIu64 " failed otherwise: %s\n  rerun: %s\n", b.name,
                   f.seed, f.why.c_str(), f.replay_command.c_str());
    }
  }
  return c;
}

std::string found_text(const cell& c) {
  return c.first == 0 ? std::string("not found") : std::to_string(c.first);
}

}  // namespace

int main(int argc, char** argv) {
  if (const std::string why = lockstep::explore::repeated_flag_error(argc, argv); !why.empty())
    return usage(why);
  lockstep::explore::options eo;
  eo.seeds = 2000;
  lockstep::sim::options so;
  std::string bug_name, replay, trace_out;
  bool check = false, shrink = false, replay_given = false;
  std::string shared_flag;  // the first flag explore::parse_flag took, if any
  std::vector<int> shared_at;  // where each flag explore::parse_flag took is in argv
  for (int i = 1; i < argc; ++i) {
    std::string error;
    const int used = lockstep::explore::parse_flag(argc, argv, i, &eo, &so, &error);
    if (used < 0) return usage(error);
    if (used > 0) {
      // Each zoo program is written for 4 cores (zoo::options_for sets them).
      if (std::string(argv[i]) == "--cores")
        return usage("the zoo's programs run on 4 simulated cores: --cores does not apply");
      if (shared_flag.empty()) shared_flag = argv[i];
      shared_at.push_back(i);
      i += used - 1;
      continue;
    }
    const std::string arg = argv[i];
    if ((arg == "--bug" || arg == "--replay" || arg == "--trace-out") && i + 1 >= argc)
      return usage(arg + " needs a value");
    if (arg == "-h" || arg == "--help") {
      usage("how fast each exploration strategy finds each planted bug", stdout);
      return 0;
    } else if (arg == "--bug") {
      bug_name = argv[++i];
      // "--bug --seeds 10" forgot the name: say so, rather than take "--seeds" for one.
      if (bug_name.empty() || bug_name[0] == '-')
        return usage("--bug needs a bug name, one of: " + bug_names());
    } else if (arg == "--replay") {
      replay = argv[++i];
      replay_given = true;
    } else if (arg == "--trace-out") {
      trace_out = argv[++i];
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "--shrink") {
      shrink = true;
    } else {
      return usage("unknown argument '" + arg + "'");
    }
  }

  // Every argument given is used, or the combination is refused: nothing is silently ignored.
  if (check && !bug_name.empty())
    return usage("--check checks the table of every bug; it does not apply to --bug NAME");
  if (const std::string why =
          lockstep::explore::replay_usage_error(replay_given, replay, shrink, shared_flag,
                                                 trace_out, /*trace_needs_replay=*/true);
      !why.empty())
    return usage(why);
  // A bug's own fault settings (zoo::options_for) are defaults: a flag given on the command line
  // (--alloc-fail-ppm 0 for lost_completion, say) is set again over them, not overridden.
  const flag_applier apply_flags = [&](lockstep::sim::options* o) {
    for (const int at : shared_at) {
      lockstep::explore::options scratch;
      std::string ignored;  // each parsed once already
      lockstep::explore::parse_flag(argc, argv, at, &scratch, o, &ignored);
    }
  };

  if (!bug_name.empty()) {
    const zoo::bug* b = zoo::find(bug_name);
    if (b == nullptr)
      return usage("no bug named '" + bug_name + "' (the bugs: " + bug_names() + ")");
    lockstep::sim::options o = zoo::options_for(*b, so);
    apply_flags(&o);
    if (replay_given) {
      std::string error;
      if (!lockstep::sim::parse_replay(replay, &o, &error)) return usage(error);
      if (!trace_out.empty()) o.trace = true;
      std::printf("replay: %s\n", lockstep::sim::format_replay(o).c_str());
      return lockstep::explore::replay_and_report(o, b->run, b->run, shrink, trace_out,
                                                  std::string(argv[0]) + " --bug " + b->name,
                                                  "clean");
    }
    // Options no run accepts are bad usage, reported before the first seed (not as a failure).
    if (const std::string why = lockstep::explore::options_error(eo, o); !why.empty())
      return usage(why);
    eo.replay_command = std::string(argv[0]) + " --bug " + b->name;
    const auto sum = lockstep::explore::run(eo, o, b->run);
    lockstep::explore::print_summary(sum, stdout);
    return sum.failures.empty() ? 0 : 1;
  }
  if (replay_given) return usage("--replay needs --bug NAME");
  for (const int at : shared_at)
    if (std::string(argv[at]) == "--strategy")
      return usage("the table runs both strategies: --strategy applies to --bug NAME only");
  for (const zoo::bug& b : zoo::bugs()) {
    lockstep::sim::options o = zoo::options_for(b, so);
    apply_flags(&o);
    if (const std::string why = lockstep::explore::options_error(eo, o); !why.empty())
      return usage(why);
  }

  std::printf("seeds-to-find: the number of seeds run (from seed %" PRIu64
              ") until the planted bug first showed; hits: runs out of %" PRIu64
              " that showed it\n\n",
              eo.first_seed, eo.seeds);
  std::printf("| bug | planted | random: seeds-to-find | random: hits | pct: seeds-to-find | "
              "pct: hits |\n|---|---|---|---|---|---|\n");
  bool ok = true;
  for (const zoo::bug& b : zoo::bugs()) {
    const cell r = measure(b, lockstep::sim::strategy::random, eo, so, apply_flags);
    const cell p = measure(b, lockstep::sim::strategy::pct, eo, so, apply_flags);
    std::printf("| %s | %s | %s | %" PRIu64 " | %s | %" PRIu64 " |\n", b.name, b.planted,
                found_text(r).c_str(), r.hits, found_text(p).c_str(), p.hits);
    std::fflush(stdout);
    const bool pct_only = std::string(b.name) == "three_events";
    if (p.hits == 0 || (pct_only ? r.hits != 0 : r.hits == 0) || r.other + p.other != 0) {
      ok = false;
      if (check)
        std::fprintf(stderr, "zoo --check: %s breaks a claim (random hits %" PRIu64
                             ", pct hits %" PRIu64 ", other failures %" PRIu64 ")\n",
                     b.name, r.hits, p.hits, r.other + p.other);
    }
  }
  if (check) std::printf("\nzoo --check: %s\n", ok ? "every claim holds" : "a claim broke");
  return check && !ok ? 1 : 0;
}
