// explore::drive: the exploring driver's command line, replay and shrink rules and exit codes,
// around a program of its own (two senders to one core; the check assumes one order).
#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

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

}  // namespace
