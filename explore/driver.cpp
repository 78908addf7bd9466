// The exploring driver written once (explore::drive): a program's command line, its replay and
// shrink rules and its exit codes, around the program's own flags, runs and modes.
#include <lockstep/explore.hpp>
#include <lockstep/recording.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>

namespace lockstep::explore {

bool command_line::has_shared_flag(std::string_view flag) const {
  return std::any_of(shared_flags.begin(), shared_flags.end(),
                     [flag](const std::vector<std::string>& f) { return f.front() == flag; });
}

void command_line::set_shared_flags(sim::options* o) const {
  for (const std::vector<std::string>& f : shared_flags) {
    std::vector<char*> args{nullptr};  // parse_flag looks at argv[1..]
    for (const std::string& a : f) args.push_back(const_cast<char*>(a.c_str()));
    options scratch;
    std::string ignored;  // each was parsed once already, and accepted
    parse_flag(static_cast<int>(args.size()), args.data(), 1, &scratch, o, &ignored);
  }
}

namespace {

// The usage message: "NAME: why", the command forms, the shared flags and the program's notes.
// Returns 2.
int usage(const program& p, const std::string& why, std::FILE* out = stderr) {
  const std::string own = p.own_usage.empty() ? "" : " " + p.own_usage;
  std::fprintf(out,
               "%s: %s\n"
               "usage: %s%s%s [flags]\n"
               "       %s%s --replay 'LINE' [--trace-out FILE] [--shrink]\n"
               "       %s%s --replay-recording FILE [--trace-out FILE] [--shrink]\n",
               p.name.c_str(), why.c_str(), p.name.c_str(), own.c_str(),
               p.trace_explored ? " [--trace-out FILE]" : "", p.name.c_str(), own.c_str(),
               p.name.c_str(), own.c_str());
  for (const std::string& form : p.other_forms)
    std::fprintf(out, "       %s %s\n", p.name.c_str(), form.c_str());
  std::fprintf(out, "%s%s", flags_usage(), p.usage_notes.c_str());
  return 2;
}

// Parses argv into *c. Returns -1 to go on, or the exit code (help, bad usage).
int parse(int argc, char** argv, const program& p, command_line* c) {
  if (p.explore_defaults) p.explore_defaults(&c->eo);
  if (p.one_run_at_a_time) c->eo.jobs = 1;
  if (p.defaults) p.defaults(&c->so);
  if (const std::string why = repeated_flag_error(argc, argv, p.may_repeat); !why.empty())
    return usage(p, why);
  for (int i = 1; i < argc; ++i) {
    std::string error;
    const int used = parse_flag(argc, argv, i, &c->eo, &c->so, &error);
    if (used < 0) return usage(p, error);
    if (used > 0) {
      c->shared_flags.emplace_back(argv + i, argv + i + used);
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
    if (arg == "--replay-recording") {
      if (i + 1 >= argc || argv[i + 1][0] == '\0') return usage(p, arg + " needs a file");
      c->replay_recording = argv[++i];
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

// How the command line combines replaying with exploring: why it is refused, or empty.
std::string replay_rules_error(const program& p, const command_line& c) {
  const bool recording = !c.replay_recording.empty();
  if (c.replay_given && c.replay.empty())
    return "--replay needs a replay line (lockstep-replay/...), got an empty argument";
  if (recording && c.replay_given)
    return "--replay-recording derives its own replay line: it cannot be combined with --replay";
  if (recording && !c.shared_flags.empty())
    return "--replay-recording runs the run the recording describes: " +
           c.shared_flags.front().front() + " cannot be combined with it";
  if (c.shrink && !c.replay_given && !recording)
    return "--shrink shrinks the failing run of --replay LINE: give --replay with it";
  if (c.replay_given && !c.shared_flags.empty())
    return "--replay runs exactly the run its line describes (the line fixes the seed and every "
           "simulator option): " + c.shared_flags.front().front() + " cannot be combined with it";
  if (c.trace_out.empty()) return {};
  if (!p.trace_explored && !c.replay_given && !recording)
    return "--trace-out writes the trace of --replay LINE: give --replay with it";
  // An output that cannot be written is bad usage, found before anything runs (exit code 2).
  if (std::string why; !check_writable(c.trace_out, &why)) return "--trace-out: " + why;
  return {};
}

// Every check of the command line past parsing: why it is refused, or empty.
std::string command_line_error(const program& p, const command_line& c) {
  if (p.one_run_at_a_time && c.eo.jobs != 1)
    return "--jobs must be 1: the program's state is process-wide; shard the seeds over "
           "processes with --shard i/n instead";
  // Every argument given is used, or the combination is refused: nothing is silently ignored.
  if (p.check_own)
    if (std::string why = p.check_own(); !why.empty()) return why;
  if (p.check_shared)
    if (std::string why = p.check_shared(c); !why.empty()) return why;
  return replay_rules_error(p, c);
}

// A replayed run's outcome line with the counts, faults and trace hash, its failure (if any),
// what was pending, and — when trace_out is not empty — its trace written there. False when the
// trace could not be written (the reason is on stderr).
bool report_replay(const sim::result& r, const std::string& trace_out) {
  std::printf("outcome %s rc=%d steps=%" PRIu64 " virtual_ns=%" PRIu64 " events=%" PRIu64
              " alloc_failures=%" PRIu64 " dropped=%" PRIu64 " leaked=%" PRIu64
              " faults: %s trace_hash=%016" PRIx64 "\n",
              sim::to_string(r.outcome), r.rc, r.steps, r.virtual_ns, r.events_executed,
              r.alloc_failures, r.dropped_events, r.leaked_events, sim::to_string(r.faults).c_str(),
              r.trace_hash);
  if (!r.failure.empty()) std::printf("failure: %s\n", r.failure.c_str());
  if (!r.diagnosis.empty()) print_diagnosis(r.diagnosis, "pending: ", "         ", stdout);
  if (trace_out.empty()) return true;
  if (!sim::write_trace(r, trace_out)) return false;
  std::printf("trace written to %s\n", trace_out.c_str());
  return true;
}

// Runs the --replay line parsed into `opts` once with `run`, reports it and its verdict, and
// with --shrink shrinks a failing run with `shrink_with`. Returns the exit code: 1 when the run
// failed (a failure found counts first), else 2 when its trace could not be written, else 0.
int replay_and_report(sim::options opts, const scenario& run, const scenario& shrink_with,
                      const command_line& c, const std::string& rerun, const char* pass_word) {
  sim::result r;
  const std::string why = run(opts, &r);
  // A trace that could not be written after the run (the path was writable before it) is exit
  // code 2, unless the run failed: a failure found counts first (exit code 1).
  const bool written = report_replay(r, c.trace_out);
  std::printf("verdict: %s\n", why.empty() ? pass_word : why.c_str());
  if (c.shrink && why.empty()) {
    // Exit code 0 as for any run that passed: there is no failure to shrink.
    std::printf("shrink: the run passed: nothing to shrink\n");
  } else if (c.shrink) {
    opts.trace = false;
    const shrunk sh = explore::shrink(opts, shrink_with);
    std::printf("shrunk in %" PRIu64 " runs%s: %" PRIu64 " non-zero decisions (from %" PRIu64
                "), verdict: %s\n  rerun: %s --replay %s --trace-out shrunk.trace\n",
                sh.runs, sh.fixed_point ? "" : " (the run budget ran out before a fixed point)",
                sh.nonzero_after, sh.nonzero_before, sh.why.c_str(), rerun.c_str(),
                shell_quote(sh.result.replay).c_str());
  }
  if (!why.empty()) return 1;
  return written ? 0 : 2;
}

// FILE.trace -> FILE.svg: where the printed trace_viz command draws it.
std::string svg_name(const std::string& trace_path) {
  const size_t dot = trace_path.rfind('.');
  const size_t slash = trace_path.rfind('/');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? trace_path.substr(0, dot) : trace_path) + ".svg";
}

// After exploring with --trace-out (program::trace_explored): reruns one seed with the trace on
// (recording does not change the run) — the first failure, or, when every seed passed, the first
// seed this process explored — and writes its trace. Returns the exit code.
int write_explored_trace(const program& p, const command_line& c, const summary& sum,
                         const scenario& run) {
  sim::options to = c.so;
  to.seed = c.eo.first_seed + c.eo.shard_index;
  if (!sum.failures.empty()) {
    // The explorer wrote the line, so it parses; should it not, the first seed is traced.
    sim::options failed = to;
    std::string error;
    if (sim::parse_replay(sum.failures.front().result.replay, &failed, &error))
      to = failed;
    else
      std::fprintf(stderr, "%s: cannot reread the replay line (%s)\n", p.name.c_str(),
                   error.c_str());
  }
  to.trace = true;
  sim::result r;
  const std::string why = run(to, &r);
  if (!sim::write_trace(r, c.trace_out)) {
    // As a replay's: exit code 2 when every seed passed, 1 when a failure was found.
    std::fprintf(stderr, "%s: could not write the trace to %s\n", p.name.c_str(),
                 c.trace_out.c_str());
    return sum.failures.empty() ? 2 : 1;
  }
  std::printf("trace of seed %" PRIu64 " (%s) written to %s\n  draw it: trace_viz %s -o %s"
              " [--causal --depth 30]\n",
              to.seed, why.empty() ? "passed" : ("failed: " + why).c_str(), c.trace_out.c_str(),
              c.trace_out.c_str(), svg_name(c.trace_out).c_str());
  return sum.failures.empty() ? 0 : 1;
}

// --replay-recording: the recording replayed with the program's run, compared step by step;
// a matched replay goes on as --replay with the derived line. Returns the exit code.
int replay_recording_and_report(const program& p, const command_line& c, const std::string& what,
                                const scenario& verbose, const scenario& quiet,
                                const std::string& rerun) {
  const sim::recording_replay rr = sim::replay_recording(
      c.replay_recording, c.so, sim::recording_program_name(), [&](const sim::options& o) {
        sim::result r;
        quiet(o, &r);
        return r;
      });
  if (rr.input_error) {
    std::fprintf(stderr, "%s: --replay-recording: %s\n", p.name.c_str(), rr.error.c_str());
    return 2;
  }
  std::printf("recording %s: %" PRIu64 " steps, %" PRIu64 " events, %s%s\n",
              c.replay_recording.c_str(), rr.recorded_steps, rr.recorded_events,
              rr.recorded_outcome.c_str(),
              rr.recorded_failure.empty() ? "" : (": " + rr.recorded_failure).c_str());
  if (!rr.matched) {
    std::printf("replay-recording: diverged at %s\n", rr.divergence.c_str());
    std::fprintf(stderr, "%s: --replay-recording: the simulated run does not follow the "
                         "recording (see docs/record_replay.md, limits)\n", p.name.c_str());
    return 2;
  }
  std::printf("replay-recording: matched %" PRIu64 " steps step by step (outcome %s)\n",
              rr.recorded_steps, sim::to_string(rr.steered.outcome));
  sim::options o = rr.derived;
  if (!c.trace_out.empty()) o.trace = true;
  std::printf("replay%s: %s\n", what.empty() ? "" : (" (" + what + ")").c_str(),
              sim::format_replay(o).c_str());
  std::fflush(stdout);
  return replay_and_report(o, verbose, quiet, c, rerun, p.pass_word);
}

}  // namespace

int drive(int argc, char** argv, const program& p) {
  command_line c;
  if (const int rc = parse(argc, argv, p, &c); rc >= 0) return rc;
  if (const std::string why = command_line_error(p, c); !why.empty()) return usage(p, why);
  if (p.own_defaults) {
    p.own_defaults(&c.so);
    c.set_shared_flags(&c.so);
  }
  if (p.own_mode)
    if (const int rc = p.own_mode(c); rc >= 0) return rc;
  const std::string rerun = std::string(argv[0]) + (p.rerun_args ? p.rerun_args() : "");
  const std::string what = p.describe ? p.describe() : "";
  const scenario verbose = [&](const sim::options& o, sim::result* r) {
    return p.run(o, r, false);
  };

  const scenario quiet = [&](const sim::options& o, sim::result* r) { return p.run(o, r, true); };
  if (!c.replay_recording.empty())
    return replay_recording_and_report(p, c, what, verbose, quiet, rerun);
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
        [&](const sim::options& o, sim::result* r) { return p.run(o, r, true); }, c, rerun,
        p.pass_word);
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
  if (p.trace_explored && !c.trace_out.empty()) return write_explored_trace(p, c, sum, verbose);
  return sum.failures.empty() ? 0 : 1;
}

}  // namespace lockstep::explore
