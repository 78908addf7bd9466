// lockstep::explore — runs one simulated scenario over a range of seeds: in parallel over
// local cores, shardable across machines (--shard i/n), with a progress line, stopping at the
// first failure or collecting them. Every failure carries the line that replays it.
#pragma once

#include <lockstep/sim.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::explore {

struct options {
  uint64_t first_seed = 1;
  uint64_t seeds = 1000;         // seeds first_seed .. first_seed+seeds-1, before sharding
  uint32_t jobs = 1;             // threads; 0: one per online CPU
  uint32_t shard_index = 0;      // this process runs the seeds s with (s - first_seed) % count == index
  uint32_t shard_count = 1;
  bool stop_at_first_failure = true;
  bool progress = true;          // a progress line on stderr
  bool quiet = false;            // nothing on stderr at all (for programs that tabulate runs)
  // Systematic allocation-failure sweep: the run of the k-th seed of the range (k = 1, 2, ...)
  // fails exactly its k-th allocation (sim::options::alloc_fail_nth = k), so a range of N seeds
  // tries every one of the first N allocations once.
  bool sweep_alloc_fail_nth = false;
  std::string replay_command;    // how to rerun one seed: "<program> <args>" (the line is appended)
  // print_summary prints this many failures in full (the first ones by seed), then only the
  // failures grouped by verdict: a --keep-going run over a buggy program finds thousands.
  uint64_t failures_in_full = 10;
};

// Runs the scenario once with `opts` (seed set by the explorer) and judges the result:
// returns an empty string when the run is acceptable, else why not. Called concurrently from
// `jobs` threads: it must own everything it touches.
using scenario = std::function<std::string(const sim::options& opts, sim::result* r)>;

struct failure {
  uint64_t seed = 0;
  std::string why;
  sim::result result;
  std::string replay_command;  // the whole command that reruns exactly this run and writes
                               // its trace (--trace-out lockstep-trace-SEED.txt)
};

// The failures with one verdict (failure::why): how many, the first by seed and the shortest
// by steps (ties: the lower seed), each with its replay line and rerun command.
struct failure_group {
  std::string why;
  uint64_t count = 0;
  failure first;
  failure shortest;
};
// Groups failures by verdict, in the order of each group's first seed.
std::vector<failure_group> group_failures(const std::vector<failure>& failures);

struct summary {
  uint64_t seeds_run = 0;
  uint64_t outcomes[4] = {};     // indexed by sim::outcome
  uint64_t events_executed = 0;
  uint64_t steps = 0;
  double wall_seconds = 0;
  std::vector<failure> failures; // in seed order
  std::vector<failure_group> groups;  // group_failures(failures)
  uint64_t failures_in_full = 10;     // options::failures_in_full, for print_summary
};

// Shrinks a failing run to a simpler schedule of the same failure. The run of `failing` (seeded
// or vector-driven) is replayed from its own decision log; then passes of delta debugging —
// cut the tail, set chunks of decisions to 0 (the canonical choice; chunk sizes halving down to
// one decision), remove chunks, lower each value left (binary search) — keep every candidate
// that fails the same way: the same outcome, the same verdict of the scenario and the same
// result.failure (a check's message, which names its file and line). After each kept candidate
// the schedule is the one that run actually took (its decision log, trailing zeros cut). The
// passes repeat until a whole round keeps nothing (a fixed point: shrinking the result again
// gives the same result) or `max_runs` runs are spent.
// A candidate gets at most 4x the failing run's steps (at least 1000 more; a step-limit failure
// keeps its max_steps): one that needs longer is not a simpler schedule of the same failure.
// The result replays through its replay line like any run.
struct shrunk {
  bool failed = false;               // whether `failing` failed at all (else nothing to shrink)
  std::vector<uint64_t> decisions;   // the shrunk schedule
  std::string why;                   // the scenario's verdict on it
  sim::result result;                // its run (result.replay is its replay line)
  uint64_t runs = 0;                 // runs of the scenario, the first and the last included
  uint64_t nonzero_before = 0, nonzero_after = 0;
  bool fixed_point = false;          // the last round kept nothing (else: max_runs ran out)
};
shrunk shrink(const sim::options& failing, const scenario& s, uint64_t max_runs = 20000);

// Parses "i/n" (0 <= i < n). False with *error set on a malformed shard.
// Parses a decimal count in [0, max] (no sign, no trailing text). False when it is not one.
bool parse_number(const char* text, uint64_t max, uint64_t* out);

bool parse_shard(const std::string& text, uint32_t* index, uint32_t* count, std::string* error);

// Explores. Prints the seed range and options first (on stderr), then the progress line.
// The seed range must be one options_error accepts.
summary run(const options& opts, const sim::options& base, const scenario& s);

// A shell-quoted form of a replay line for a command line.
std::string shell_quote(const std::string& text);

// The command-line flags every exploring program shares, parsed into explore and simulator
// options:
//   --seeds N  --first-seed S  --jobs J  --shard i/n  --keep-going  --no-progress
//   --failures-in-full N
//   --cores C  --strategy random|pct  --pct-depth D  --pct-horizon STEPS  --max-steps N
//   --pool-size N  --alloc-fail-ppm P  --alloc-fail-nth N  --shutdown-ppm P  --stall-ppm P
//   --stall-steps-max N  --timer-jitter-ns NS  --swarm  --sweep-alloc-fail-nth
// parse_flag looks at argv[i]: returns how many arguments it consumed (1 or 2), 0 when the flag
// is not one of these, -1 when it is but its value is bad (*error says why).
int parse_flag(int argc, char** argv, int i, options* eo, sim::options* so, std::string* error);
// The usage text of those flags, for a program's usage message.
const char* flags_usage();

// What makes an exploration of `base` over the seeds of `eo` impossible, or empty: no seeds, a
// seed range that runs past 2^64 - 1 (it would wrap around), or options the simulator refuses
// (sim::options_error). Programs call it after parsing their flags and before
// the first seed, and report a non-empty answer as bad usage (exit code 2), never as a failed run.
std::string options_error(const options& eo, const sim::options& base);

// Whether a file can be written at `path` (created, or an existing file truncated later):
// drivers check --trace-out before they run anything, so that an unwritable path is bad usage
// (exit code 2) rather than a run lost at its end. Leaves nothing behind: a file it had to create
// to find out is removed, an existing one is not changed. False with *error saying why.
bool check_writable(const std::string& path, std::string* error);

// A flag given twice on a driver's command line (argv[1..argc), up to a bare "--", after which
// come EAL's arguments): why that is refused, or empty. Every argument that starts with '-' is
// taken as a flag (a value never does where it is valid); the flags in `may_repeat` (SPDK's -L,
// which enables one log flag per use) may come more than once. A repeated flag is refused rather
// than the last one winning: nothing a user types is silently ignored.
std::string repeated_flag_error(int argc, char** argv,
                                std::initializer_list<std::string_view> may_repeat = {});
std::string repeated_flag_error(int argc, char** argv,
                                const std::vector<std::string_view>& may_repeat);

// Prints a result's diagnosis (sim::result::diagnosis), its first line after `first`, every
// other line after `rest` (an indent).
void print_diagnosis(const std::string& diagnosis, const char* first, const char* rest,
                     std::FILE* out);

// Prints the summary line (seeds, outcomes, seeds/s); the first sum.failures_in_full failures
// in full: its seed, why, the fault settings it ran with, what was pending (a hang or a step
// limit: sim::result::diagnosis), its replay line and the command that reruns it; a line saying
// how many more were not printed one by one; and, for more than one failure, the failures
// grouped by verdict (count, first seed, the rerun command of the first and of the shortest run).
void print_summary(const summary& sum, std::FILE* out);

// What drive() read of a command line besides the program's own flags: given to the program's
// hooks that look at the shared part (program::check_shared, program::own_mode).
struct command_line {
  options eo;                 // the exploration options: the program's defaults, then the flags
  sim::options so;            // the simulator options: the program's defaults, then the flags
  bool replay_given = false;  // --replay came (with `replay`, its line: empty is refused)
  std::string replay;
  bool shrink = false;        // --shrink came
  std::string trace_out;      // --trace-out FILE, or empty when not given
  // --replay-recording FILE: a recording of the real backend (lockstep/recording.hpp) replayed
  // in the simulator; empty when not given.
  std::string replay_recording;
  // Each exploration or simulator flag given (those parse_flag takes), with its value if it has
  // one, as typed and in command-line order: {{"--seeds", "10"}, {"--swarm"}}.
  std::vector<std::vector<std::string>> shared_flags;
  // Whether `flag` ("--cores") is among shared_flags.
  bool has_shared_flag(std::string_view flag) const;
  // Sets the simulator options of shared_flags over *o again, for defaults that depend on the
  // program's own flags (program::own_defaults; the zoo's table, once per bug): a flag given on
  // the command line wins over them as over program::defaults.
  void set_shared_flags(sim::options* o) const;
};

// An exploring driver, written once: what a program's main does with its command line. The
// program contributes its own flags and how to run and judge one run; drive() owns the rest —
// the shared flags (parse_flag), a flag given twice (repeated_flag_error), -h/--help, --replay
// LINE with --shrink and --trace-out FILE, options no run accepts (options_error), exploring with
// the progress line and the summary, and the exit codes: 0 fine, 1 a failure (a failed seed, or
// the replayed run failed), 2 bad usage (also: --trace-out cannot be written).
// The rules for --replay, --shrink and --trace-out (bad usage, before anything runs): --replay
// with an empty line, --shrink without --replay, --replay together with any flag of parse_flag
// (the line is the whole run: it fixes the seed and every simulator option, and exploration
// flags do not apply to one run), --trace-out without --replay (unless trace_explored), and a
// --trace-out path that cannot be written (check_writable).
// --replay-recording FILE replays a recording of the real backend (lockstep/recording.hpp,
// docs/record_replay.md): a recording that cannot be read, is of another program, or whose
// replay diverges is exit code 2 (the first divergent step is named); a matched one prints
// "replay-recording: matched ..." and goes on as --replay with the derived line (--shrink and
// --trace-out as there). It takes no flag of parse_flag and not --replay.
// A replay prints "replay: LINE", the run's outcome line with its counts, faults and trace hash,
// its failure and what was pending (if any), "trace written to FILE" with --trace-out, and
// "verdict: <why>" (or "verdict: <pass_word>"); with --shrink, a failing run is then shrunk
// (explore::shrink, the trace off) and the command that reruns the result is printed. A trace
// that cannot be written after the run is exit code 2, unless the run failed (1 counts first).
// docs/exploration.md "Writing a driver for your own program" walks through one.
struct program {
  std::string name;       // the program's name in messages ("NAME: why") and its usage
  std::string about;      // what -h says the program does
  std::string own_usage;  // its own flags in the usage text, e.g. "[--variant seed|fixed]"
  // Its other command forms, each a line of the usage text after drive()'s two (without the
  // program's name: "--real [--tasks T] [-- EAL arguments...]"). May be empty.
  std::vector<std::string> other_forms;
  // Lines printed at the end of the usage text, after the shared flags (the zoo's list of bugs),
  // each ending in '\n'. May be empty.
  std::string usage_notes;
  // Its own flags that may come more than once (SPDK's -L); every other flag is refused when
  // repeated.
  std::vector<std::string_view> may_repeat;
  // Parses the program's own argument at argv[i]: returns how many arguments it took (1 or 2;
  // more for a flag that takes the rest of the command line, as cross_core's "--" before EAL's
  // arguments), 0 when argv[i] is not one of its flags (drive() then refuses it as unknown), -1
  // when it is but is malformed (*error says why). May be empty: the program has no flags of its
  // own.
  std::function<int(int argc, char** argv, int i, std::string* error)> parse_own;
  // Called once after the whole command line is parsed: why the program's own flags cannot be
  // used together, or empty. May be empty.
  std::function<std::string()> check_own;
  // Called after check_own and before drive()'s rules for --replay, --shrink and --trace-out:
  // why the program's own flags cannot be used with what the command line `c` gave of the shared
  // part (cross_core: --real with --replay or a simulator flag), or empty. May be empty.
  std::function<std::string(const command_line& c)> check_shared;
  // The program's own arguments as a command line would repeat them (" --variant seed"),
  // appended to argv[0] in every rerun command, so that a replay runs the same program.
  std::function<std::string()> rerun_args;
  // One line on what runs ("variant seed, 16 tasks"), printed before exploring and replaying.
  std::function<std::string()> describe;
  // The program's defaults for the simulator options, set before the command line is read (its
  // flags then change them; a --replay line replaces them all). spdk_event and spdk_thread turn
  // thread_per_core on here, as spdk_compat::run_sim would, so that the options line the
  // explorer prints first is the one every run uses. May be empty.
  std::function<void(sim::options*)> defaults;
  // The program's defaults for the exploration options (the zoo: 2000 seeds), set before the
  // command line is read; its flags then change them. May be empty.
  std::function<void(options*)> explore_defaults;
  // The program's simulator defaults that depend on its own flags (zoo --bug NAME: that bug's
  // fault settings), or empty. Called once every check passed, on the options the command line
  // gave; drive() then sets the shared flags given over them again (command_line::
  // set_shared_flags), so that a flag given wins as over `defaults`. A --replay line replaces
  // the options it holds, as it does `defaults`'.
  std::function<void(sim::options*)> own_defaults;
  // Runs once and judges the run (a scenario). `shrinking` is true for the shrink's candidate
  // runs, which should print nothing of their own (a log meant for the replayed run).
  std::function<std::string(const sim::options& opts, sim::result* r, bool shrinking)> run;
  // A mode of the program's own that runs instead of exploring or replaying (cross_core --real:
  // the real backend; the zoo without --bug: its table), or empty. Called once every check
  // passed (a --trace-out given can then be written) and own_defaults ran: returns the process's
  // exit code, or -1 when the command line did not choose the mode (drive() then replays or
  // explores).
  std::function<int(const command_line& c)> own_mode;
  // The program keeps process-wide state (C code in SPDK's style): seeds run one at a time, and
  // --jobs other than 1 is refused (shard the seeds over processes with --shard i/n instead).
  bool one_run_at_a_time = false;
  // Whether --trace-out may come without --replay. Exploring then reruns one seed with the trace
  // on after the summary — the first failure, or the first seed this process ran when none
  // failed — writes its trace there and prints how to draw it (trace_viz). A trace that cannot
  // be written is exit code 2, unless a seed failed (1 counts first).
  bool trace_explored = false;
  const char* pass_word = "correct";  // the replay's verdict for a run that passed
};

// Runs `p` with the command line argc/argv and returns the process's exit code.
int drive(int argc, char** argv, const program& p);

}  // namespace lockstep::explore
