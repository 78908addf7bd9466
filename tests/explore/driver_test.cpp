// explore::drive: the exploring driver's command line, replay and shrink rules and exit codes,
// and its hooks for a program's own defaults, checks, modes and traced explorations, around a
// program of its own (two senders to one core; the check assumes one order).
#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

struct two_senders {
  bool first_seen = false;
  static void from_one(void* a, void*) { static_cast<two_senders*>(a)->first_seen = true; }
  static void from_two(void* a, void*) {
    LOCKSTEP_CHECK(static_cast<two_senders*>(a)->first_seen, "core 2's message came first");
    lockstep::app_stop(0);
  }
  static void send_one(void* a, void*) {
    lockstep::event_call(lockstep::event_allocate(3, from_one, a, nullptr));
  }
  static void send_two(void* a, void*) {
    lockstep::event_call(lockstep::event_allocate(3, from_two, a, nullptr));
  }
};

// A program whose runs are counted, with one flag of its own (--racy: the order bug, else a
// clean run) and one repeatable flag (-T).
struct counted {
  bool racy = false;
  int tags = 0;
  std::atomic<int> runs{0}, shrinking_runs{0};  // --jobs 2 runs on two threads
  lockstep::explore::program p;

  counted() {
    p.name = "toy";
    p.about = "a toy";
    p.own_usage = "[--racy] [-T]";
    p.may_repeat = {"-T"};
    p.parse_own = [this](int, char** argv, int i, std::string* error) -> int {
      const std::string arg = argv[i];
      if (arg == "--racy") return racy = true, 1;
      if (arg == "-T") return ++tags, 1;
      if (arg == "--bad") return *error = "--bad is bad", -1;
      return 0;
    };
    p.rerun_args = [this] { return std::string(racy ? " --racy" : ""); };
    p.run = [this](const lockstep::sim::options& o, lockstep::sim::result* r, bool shrinking) {
      (shrinking ? shrinking_runs : runs).fetch_add(1);
      two_senders t;
      const bool race = racy;
      *r = lockstep::sim::run(o, [&t, race] {
        lockstep::event_call(lockstep::event_allocate(1, two_senders::send_one, &t, nullptr));
        if (race)
          lockstep::event_call(lockstep::event_allocate(2, two_senders::send_two, &t, nullptr));
        else
          lockstep::app_stop(0);
      });
      return r->failure;
    };
  }

  int drive(std::vector<std::string> args) {
    args.insert(args.begin(), "toy");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return lockstep::explore::drive(static_cast<int>(args.size()), argv.data(), p);
  }
};

// A replay line of a failing run of the racy program, found by exploring.
std::string failing_line() {
  counted c;
  c.racy = true;
  lockstep::explore::options eo;
  eo.seeds = 500;
  eo.quiet = true;
  const auto sum = lockstep::explore::run(eo, {}, [&](const lockstep::sim::options& o,
                                                      lockstep::sim::result* r) {
    return c.p.run(o, r, false);
  });
  return sum.failures.empty() ? std::string() : sum.failures.front().result.replay;
}

TEST(ExploreDrive, ExploringACorrectProgramExitsZeroAndABuggyOneOne) {
  counted clean;
  EXPECT_EQ(clean.drive({"--seeds", "20", "--no-progress"}), 0);
  EXPECT_EQ(clean.runs, 20);
  counted racy;
  EXPECT_EQ(racy.drive({"--racy", "--seeds", "500", "--no-progress"}), 1);
  EXPECT_GE(racy.runs, 1);
  EXPECT_TRUE(racy.racy);
}

TEST(ExploreDrive, BadUsageExitsTwoBeforeAnyRun) {
  const std::vector<std::vector<std::string>> bad = {
      {"--bogus"},                     // not a flag of the driver or the program
      {"--bad"},                       // the program's own flag, malformed
      {"--seeds", "3", "--seeds", "4"},  // a flag given twice
      {"--racy", "--racy"},            // the program's flag given twice
      {"--shrink"},                    // --shrink without --replay
      {"--replay", ""},                // an empty replay line
      {"--replay"},                    // no value
      {"--seeds", "0"},                // no seeds to explore
      {"--replay", "not a replay line"},
      {"--trace-out", "x.trace"},      // a trace of the --replay run only
  };
  for (const auto& args : bad) {
    counted c;
    EXPECT_EQ(c.drive(args), 2) << args.front();
    EXPECT_EQ(c.runs + c.shrinking_runs, 0) << args.front();
  }
}

TEST(ExploreDrive, AProgramsRepeatableFlagMayRepeatAndHelpExitsZero) {
  counted c;
  EXPECT_EQ(c.drive({"-T", "-T", "-T", "--seeds", "2", "--no-progress"}), 0);
  EXPECT_EQ(c.tags, 3);
  counted h;
  EXPECT_EQ(h.drive({"--help"}), 0);
  EXPECT_EQ(h.runs, 0);
}

TEST(ExploreDrive, TheProgramsDefaultsReachEveryExploredRunButNotAReplay) {
  counted c;
  c.p.defaults = [](lockstep::sim::options* o) { o->cores = 5; };
  uint32_t cores_seen = 0;
  const auto run = c.p.run;
  c.p.run = [&](const lockstep::sim::options& o, lockstep::sim::result* r, bool shrinking) {
    cores_seen = o.cores;
    return run(o, r, shrinking);
  };
  EXPECT_EQ(c.drive({"--seeds", "1", "--no-progress"}), 0);
  EXPECT_EQ(cores_seen, 5u);
  // A flag sets over the defaults.
  EXPECT_EQ(c.drive({"--seeds", "1", "--cores", "6", "--no-progress"}), 0);
  EXPECT_EQ(cores_seen, 6u);
  // A replay line is the whole run: its cores, not the defaults'.
  lockstep::sim::options four;
  four.cores = 4;
  EXPECT_EQ(c.drive({"--replay", lockstep::sim::format_replay(four)}), 0);
  EXPECT_EQ(cores_seen, 4u);
}

TEST(ExploreDrive, OneRunAtATimeRefusesMoreJobs) {
  counted c;
  c.p.one_run_at_a_time = true;
  EXPECT_EQ(c.drive({"--jobs", "2", "--seeds", "2"}), 2);
  EXPECT_EQ(c.runs, 0);
  counted free_jobs;
  EXPECT_EQ(free_jobs.drive({"--jobs", "2", "--seeds", "4", "--no-progress"}), 0);
}

TEST(ExploreDrive, AReplayRerunsTheFailureAndShrinksWithQuietRuns) {
  const std::string line = failing_line();
  ASSERT_FALSE(line.empty());
  counted c;
  EXPECT_EQ(c.drive({"--racy", "--replay", line}), 1);
  EXPECT_EQ(c.runs, 1);
  EXPECT_EQ(c.shrinking_runs, 0);
  counted s;
  EXPECT_EQ(s.drive({"--racy", "--replay", line, "--shrink"}), 1);
  EXPECT_EQ(s.runs, 1);  // the replayed run; every candidate of the shrink runs quiet
  EXPECT_GE(s.shrinking_runs, 1);
  // The same line replayed against the program without the bug passes.
  counted clean;
  EXPECT_EQ(clean.drive({"--replay", line}), 0);
  // Exploration flags do not apply to one replayed run.
  counted mixed;
  EXPECT_EQ(mixed.drive({"--racy", "--replay", line, "--seeds", "3"}), 2);
}

TEST(ExploreDrive, AnOwnModeRunsInsteadOfExploringOnceEveryCheckPassed) {
  counted c;
  bool other = false;
  int mode_calls = 0;
  const auto parse = c.p.parse_own;
  c.p.parse_own = [&](int argc, char** argv, int i, std::string* error) -> int {
    if (std::string(argv[i]) != "--other") return parse(argc, argv, i, error);
    other = true;
    return 1;
  };
  c.p.check_shared = [&](const lockstep::explore::command_line& cl) -> std::string {
    return other && cl.has_shared_flag("--cores") ? "--other runs on no simulated cores" : "";
  };
  c.p.own_mode = [&](const lockstep::explore::command_line& cl) {
    ++mode_calls;
    EXPECT_EQ(cl.eo.seeds, 9u);  // what the command line gave
    return other ? 7 : -1;
  };
  EXPECT_EQ(c.drive({"--other", "--seeds", "9"}), 7);
  EXPECT_EQ(c.runs, 0);
  // Refused before the mode runs: the program's own rule, then drive()'s replay rules.
  EXPECT_EQ(c.drive({"--other", "--seeds", "9", "--cores", "2"}), 2);
  EXPECT_EQ(c.drive({"--other", "--seeds", "9", "--shrink"}), 2);
  EXPECT_EQ(mode_calls, 1);
  // Not chosen (-1): drive() explores.
  other = false;
  EXPECT_EQ(c.drive({"--seeds", "9", "--no-progress"}), 0);
  EXPECT_EQ(mode_calls, 2);
  EXPECT_EQ(c.runs, 9);
}

TEST(ExploreDrive, DefaultsOfTheProgramsOwnFlagsLoseToTheFlagsGiven) {
  counted c;
  c.p.explore_defaults = [](lockstep::explore::options* eo) { eo->seeds = 3; };
  c.p.own_defaults = [](lockstep::sim::options* o) {
    o->cores = 5;
    o->event_pool_size = 100;
  };
  uint32_t cores_seen = 0, pool_seen = 0;
  const auto run = c.p.run;
  c.p.run = [&](const lockstep::sim::options& o, lockstep::sim::result* r, bool shrinking) {
    cores_seen = o.cores;
    pool_seen = o.event_pool_size;
    return run(o, r, shrinking);
  };
  EXPECT_EQ(c.drive({"--no-progress"}), 0);
  EXPECT_EQ(c.runs, 3);  // explore_defaults' seeds
  EXPECT_EQ(cores_seen, 5u);
  EXPECT_EQ(pool_seen, 100u);
  EXPECT_EQ(c.drive({"--no-progress", "--cores", "6", "--seeds", "1"}), 0);
  EXPECT_EQ(cores_seen, 6u);    // the flag given, set over own_defaults again
  EXPECT_EQ(pool_seen, 100u);   // the default not given on the command line stays
}

TEST(ExploreDrive, AFlagOfTheProgramMayTakeTheRestOfTheCommandLine) {
  counted c;
  std::vector<std::string> rest;
  const auto parse = c.p.parse_own;
  c.p.parse_own = [&](int argc, char** argv, int i, std::string* error) -> int {
    if (std::string(argv[i]) != "--") return parse(argc, argv, i, error);
    rest.assign(argv + i + 1, argv + argc);
    return argc - i;
  };
  // After "--" nothing is drive()'s: not a shared flag, not a flag given twice.
  EXPECT_EQ(c.drive({"--seeds", "2", "--no-progress", "--", "--seeds", "5", "-x"}), 0);
  EXPECT_EQ(c.runs, 2);
  EXPECT_EQ(rest, (std::vector<std::string>{"--seeds", "5", "-x"}));
}

TEST(ExploreDrive, TraceExploredWritesTheFirstFailuresTraceOrTheFirstSeeds) {
  const std::string path = ::testing::TempDir() + "drive_trace_" + std::to_string(::getpid());
  // The trace's options line: the run it holds.
  auto options_line = [&path] {
    std::ifstream in(path);
    std::string header, options;
    std::getline(in, header);
    std::getline(in, options);
    return header.rfind("lockstep-trace", 0) == 0 ? options : "not a trace: " + header;
  };
  counted clean;
  clean.p.trace_explored = true;
  EXPECT_EQ(clean.drive({"--seeds", "3", "--first-seed", "4", "--no-progress", "--trace-out",
                         path}),
            0);
  EXPECT_EQ(clean.runs, 4);  // three seeds and the traced rerun of the first
  EXPECT_NE(options_line().find(" seed=4 "), std::string::npos) << options_line();
  std::remove(path.c_str());
  std::string failing = failing_line();
  ASSERT_FALSE(failing.empty());
  failing.replace(failing.find(" trace=0 "), 9, " trace=1 ");
  counted racy;
  racy.p.trace_explored = true;
  EXPECT_EQ(racy.drive({"--racy", "--seeds", "500", "--no-progress", "--trace-out", path}), 1);
  EXPECT_EQ(options_line(), "options " + failing);
  std::remove(path.c_str());
  // Unwritable: bad usage, before anything runs.
  counted nowhere;
  nowhere.p.trace_explored = true;
  EXPECT_EQ(nowhere.drive({"--seeds", "3", "--trace-out", "/nonexistent-lockstep-dir/x"}), 2);
  EXPECT_EQ(nowhere.runs, 0);
}

}  // namespace
