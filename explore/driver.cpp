// The exploring driver written once (explore::drive): a program's command line, its replay and
// shrink rules and its exit codes, around the program's own flags and runs.
#include <lockstep/explore.hpp>

#include <cstdio>
#include <string>

namespace lockstep::explore {

namespace {

// The usage message: "NAME: why", the two command forms and the shared flags. Returns 2.
int usage(const program& p, const std::string& why, std::FILE* out = stderr) {
  const std::string own = p.own_usage.empty() ? "" : " " + p.own_usage;
  std::fprintf(out,
               "%s: %s\n"
               "usage: %s%s [flags]\n"
               "       %s%s --replay 'LINE' [--trace-out FILE] [--shrink]\n%s",
               p.name.c_str(), why.c_str(), p.name.c_str(), own.c_str(), p.name.c_str(),
               own.c_str(), flags_usage());
  return 2;
}

// What the command line said, beyond the explore and simulator options.
struct command_line {
  options eo;
  sim::options so;
  std::string replay, trace_out;
  bool replay_given = false, shrink = false;
  std::string shared_flag;  // the first flag parse_flag took, if any
};

// Parses argv into *c. Returns -1 to go on, or the exit code (help, bad usage).
int parse(int argc, char** argv, const program& p, command_line* c) {
  if (p.one_run_at_a_time) c->eo.jobs = 1;
  if (p.defaults) p.defaults(&c->so);
  if (const std::string why = repeated_flag_error(argc, argv, p.may_repeat); !why.empty())
    return usage(p, why);
  for (int i = 1; i < argc; ++i) {
    std::string error;
    const int used = parse_flag(argc, argv, i, &c->eo, &c->so, &error);
    if (used < 0) return usage(p, error);
    if (used > 0) {
      if (c->shared_flag.empty()) c->shared_flag = argv[i];
      i += used - 1;
      continue;
    }
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      usage(p, p.about, stdout);
      return 0;
    }
    if (arg == "--shrink") {
      c->shrink = true;
      continue;
    }
    if (arg == "--replay" || arg == "--trace-out") {
      if (i + 1 >= argc) return usage(p, arg + " needs a value");
      (arg == "--replay" ? c->replay : c->trace_out) = argv[++i];
      c->replay_given = c->replay_given || arg == "--replay";
      continue;
    }
    const int own = p.parse_own ? p.parse_own(argc, argv, i, &error) : 0;
    if (own < 0) return usage(p, error);
    if (own == 0) return usage(p, "unknown argument '" + arg + "'");
    i += own - 1;
  }
  return -1;
}

}  // namespace

int drive(int argc, char** argv, const program& p) {
  command_line c;
  if (const int rc = parse(argc, argv, p, &c); rc >= 0) return rc;
  if (p.one_run_at_a_time && c.eo.jobs != 1)
    return usage(p, "--jobs must be 1: the program's state is process-wide; shard the seeds "
                    "over processes with --shard i/n instead");
  // Every argument given is used, or the combination is refused: nothing is silently ignored.
  if (p.check_own)
    if (const std::string why = p.check_own(); !why.empty()) return usage(p, why);
  if (const std::string why = replay_usage_error(c.replay_given, c.replay, c.shrink,
                                                 c.shared_flag, c.trace_out,
                                                 /*trace_needs_replay=*/true);
      !why.empty())
    return usage(p, why);
  const std::string rerun = std::string(argv[0]) + (p.rerun_args ? p.rerun_args() : "");
  const std::string what = p.describe ? p.describe() : "";
  const scenario verbose = [&](const sim::options& o, sim::result* r) {
    return p.run(o, r, false);
  };

  if (c.replay_given) {
    std::string error;
    if (!sim::parse_replay(c.replay, &c.so, &error)) return usage(p, error);
    if (!c.trace_out.empty()) c.so.trace = true;
    std::printf("replay%s: %s\n", what.empty() ? "" : (" (" + what + ")").c_str(),
                sim::format_replay(c.so).c_str());
    std::fflush(stdout);
    // The replayed run prints what it prints; the shrink's candidate runs do not.
    return replay_and_report(
        c.so, verbose,
        [&](const sim::options& o, sim::result* r) { return p.run(o, r, true); }, c.shrink,
        c.trace_out, rerun, p.pass_word);
  }

  // Options no run accepts are bad usage, reported before the first seed (not as a failed seed).
  if (const std::string why = options_error(c.eo, c.so); !why.empty()) return usage(p, why);
  if (!what.empty()) {
    std::printf("%s: %s\n", p.name.c_str(), what.c_str());
    std::fflush(stdout);
  }
  c.eo.replay_command = rerun;
  const summary sum = run(c.eo, c.so, verbose);
  print_summary(sum, stdout);
  return sum.failures.empty() ? 0 : 1;
}

}  // namespace lockstep::explore
