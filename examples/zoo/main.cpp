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
// The command line is explore::drive's, with --bug, --check and the table of its own.
// Exit codes: 0 fine; 1 a failure (explore/replay: the bug showed; --check: a claim broke);
// 2 bad usage (also: --trace-out cannot be written).
#include "bugs.hpp"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// The bugs' names, space-separated.
std::string bug_names() {
  std::string names;
  for (const zoo::bug& b : zoo::bugs()) names.append(names.empty() ? "" : " ").append(b.name);
  return names;
}

struct cell {
  uint64_t first = 0;   // seeds run until the first planted find (0: not found)
  uint64_t hits = 0;    // runs that showed the planted bug
  uint64_t other = 0;   // runs that failed otherwise (a zoo defect)
};

// A bug's options for the table: `base` with its own settings, the flags given set over them.
lockstep::sim::options table_options(const zoo::bug& b,
                                     const lockstep::explore::command_line& c,
                                     lockstep::sim::options base) {
  lockstep::sim::options o = zoo::options_for(b, base);
  c.set_shared_flags(&o);
  return o;
}

cell measure(const zoo::bug& b, lockstep::sim::strategy st,
             const lockstep::explore::command_line& c) {
  lockstep::explore::options eo = c.eo;
  lockstep::sim::options base = c.so;
  base.strategy = st;
  eo.stop_at_first_failure = false;
  eo.quiet = true;
  const lockstep::sim::options o = table_options(b, c, base);
  const auto sum = lockstep::explore::run(eo, o, b.run);
  cell found;
  for (const auto& f : sum.failures) {
    if (f.why.rfind("planted:", 0) == 0) {
      if (found.hits++ == 0) found.first = f.seed - eo.first_seed + 1;
    } else {
      ++found.other;
      std::fprintf(stderr, "zoo: %s seed %" PRIu64 " failed otherwise: %s\n  rerun: %s\n", b.name,
                   f.seed, f.why.c_str(), f.replay_command.c_str());
    }
  }
  return found;
}

std::string found_text(const cell& c) {
  return c.first == 0 ? std::string("not found") : std::to_string(c.first);
}

// Why the table cannot run with the command line `c`, or empty.
std::string table_error(const lockstep::explore::command_line& c) {
  if (c.replay_given) return "--replay needs --bug NAME";
  if (c.has_shared_flag("--strategy"))
    return "the table runs both strategies: --strategy applies to --bug NAME only";
  for (const zoo::bug& b : zoo::bugs())
    if (std::string why = lockstep::explore::options_error(c.eo, table_options(b, c, c.so));
        !why.empty())
      return why;
  return {};
}

// The table: seeds-to-find and hits per bug under both strategies. Returns the exit code.
int print_table(const lockstep::explore::command_line& c, bool check) {
  std::printf("seeds-to-find: the number of seeds run (from seed %" PRIu64
              ") until the planted bug first showed; hits: runs out of %" PRIu64
              " that showed it\n\n",
              c.eo.first_seed, c.eo.seeds);
  std::printf("| bug | planted | random: seeds-to-find | random: hits | pct: seeds-to-find | "
              "pct: hits |\n|---|---|---|---|---|---|\n");
  bool ok = true;
  for (const zoo::bug& b : zoo::bugs()) {
    const cell r = measure(b, lockstep::sim::strategy::random, c);
    const cell p = measure(b, lockstep::sim::strategy::pct, c);
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

}  // namespace

int main(int argc, char** argv) {
  std::string bug_name;  // --bug NAME; none: the table
  bool check = false;

  lockstep::explore::program p;
  p.name = "zoo";
  p.about = "how fast each exploration strategy finds each planted bug";
  p.own_usage = "--bug NAME";
  p.other_forms = {"[--check] [flags]            table of seeds-to-find"};
  p.usage_notes = "bugs: " + bug_names() + "\n";
  p.pass_word = "clean";
  p.explore_defaults = [](lockstep::explore::options* eo) { eo->seeds = 2000; };
  p.parse_own = [&](int argc_, char** argv_, int i, std::string* error) -> int {
    const std::string arg = argv_[i];
    if (arg == "--check") {
      check = true;
      return 1;
    }
    if (arg != "--bug") return 0;
    if (i + 1 >= argc_) {
      *error = "--bug needs a value";
      return -1;
    }
    bug_name = argv_[i + 1];
    // "--bug --seeds 10" forgot the name: say so, rather than take "--seeds" for one.
    if (bug_name.empty() || bug_name[0] == '-') {
      *error = "--bug needs a bug name, one of: " + bug_names();
      return -1;
    }
    return 2;
  };
  p.check_own = [&]() -> std::string {
    if (check && !bug_name.empty())
      return "--check checks the table of every bug; it does not apply to --bug NAME";
    return {};
  };
  p.check_shared = [&](const lockstep::explore::command_line& c) -> std::string {
    // Each zoo program is written for 4 cores (zoo::options_for sets them).
    if (c.has_shared_flag("--cores"))
      return "the zoo's programs run on 4 simulated cores: --cores does not apply";
    if (bug_name.empty()) return table_error(c);
    if (zoo::find(bug_name) == nullptr)
      return "no bug named '" + bug_name + "' (the bugs: " + bug_names() + ")";
    return {};
  };
  // Every check passed: a bug named is one of the zoo's. Its own fault settings are defaults: a
  // flag given on the command line (--alloc-fail-ppm 0 for lost_completion, say) is set again
  // over them, not overridden.
  const zoo::bug* bug = nullptr;
  p.own_defaults = [&](lockstep::sim::options* o) {
    bug = zoo::find(bug_name);
    if (bug != nullptr) *o = zoo::options_for(*bug, *o);
  };
  p.own_mode = [&](const lockstep::explore::command_line& c) {
    return bug == nullptr ? print_table(c, check) : -1;
  };
  p.rerun_args = [&] { return " --bug " + bug_name; };
  p.run = [&](const lockstep::sim::options& o, lockstep::sim::result* r, bool) {
    return bug->run(o, r);
  };
  return lockstep::explore::drive(argc, argv, p);
}
