// Properties of the SPDK event example (examples/spdk_event): the seed's C code as written and
// corrected, run in the simulator through lockstep's SPDK headers.
#include "spdk_event_app.h"

#include <lockstep/explore.hpp>
#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using lockstep::sim::outcome;

struct run_out {
  lockstep::sim::result r;
  spdk_event_app_report report{};
  std::string verify;  // empty when the application's own verification passed
};

run_out run_app(const spdk_event_app& app, const lockstep::sim::options& o, uint32_t tasks) {
  spdk_event_app_config cfg{};
  cfg.tasks = tasks;
  run_out out;
  out.r = lockstep::spdk_compat::run_sim(o, app.start, &cfg);
  app.report(&out.report);
  char why[256] = {};
  if (app.verify(why, sizeof why) != 0) out.verify = why;
  app.reset();
  return out;
}

// The command that reruns a run of the example (printed with a failing property's
// counterexample).
std::string replay_command(const spdk_event_app& app, const run_out& x, uint32_t tasks) {
  return std::string("spdk_event --variant ") + app.variant + " --tasks " +
         std::to_string(tasks) + " --replay '" + x.r.replay + "' --trace-out trace.txt";
}

// Empty when the run is correct by every measure the application and the simulator have.
std::string judge(const run_out& x) {
  if (x.r.outcome != outcome::stopped)
    return std::string("outcome ") + lockstep::sim::to_string(x.r.outcome) + ": " + x.r.failure;
  if (x.r.rc != 0) return "rc " + std::to_string(x.r.rc);
  if (!x.verify.empty()) return x.verify;
  if (x.r.leaked_events != 0) return std::to_string(x.r.leaked_events) + " events leaked";
  return {};
}

// The seed's flaws that allocation failures reveal, as the failure message names them.
enum class flaw { none, completion_on_target_core, event_call_null, unknown };

flaw classify(const run_out& x) {
  if (judge(x).empty()) return flaw::none;
  const std::string& f = x.r.failure;
  if (x.r.outcome == outcome::failed && f.find("completion_cb of task") != std::string::npos &&
      f.find("result -12)") != std::string::npos)
    return flaw::completion_on_target_core;
  if (x.r.outcome == outcome::failed &&
      f.find("spdk_event_call(NULL) in initiate_graceful_shutdown()") != std::string::npos)
    return flaw::event_call_null;
  return flaw::unknown;
}

lockstep::sim::options options_for(uint64_t seed, uint32_t cores, uint32_t ppm) {
  lockstep::sim::options o;
  o.seed = seed;
  o.cores = cores;
  o.alloc_fail_ppm = ppm;
  o.max_steps = 1'000'000;
  // The example's C code keeps no thread-locals, so one thread runs every core here (the same
  // schedules and hashes, without a thread hand-off per core switch: these properties explore
  // thousands of runs). run_sim's per-core threads are exercised by the spdk_event CLI tests.
  o.thread_per_core = false;
  return o;
}

RC_GTEST_PROP(SpdkEventExample, FixedCodeIsCorrectUnderAnyAllocationFailures, (uint64_t seed)) {
  // Claim: for any seed, 1-8 cores, 0-48 tasks and 0-30% injected allocation failures, the
  // corrected code stops with rc 0, every task completes exactly once on its submitting core
  // with its result (never -ENOMEM), the final callback runs once after every component shut
  // down, and no event leaks.
  const auto cores = *rc::gen::inRange<uint32_t>(1, 9);
  const auto tasks = *rc::gen::inRange<uint32_t>(0, 49);
  const auto ppm = *rc::gen::inRange<uint32_t>(0, 300'001);
  const run_out x = run_app(spdk_event_app_fixed, options_for(seed, cores, ppm), tasks);
  RC_LOG() << judge(x) << "\nreplay: " << replay_command(spdk_event_app_fixed, x, tasks) << "\n";
  RC_ASSERT(judge(x) == std::string());
  RC_ASSERT(x.report.completed_enomem == 0u);
  RC_ASSERT(x.report.completed_ok == x.report.submitted);
}

RC_GTEST_PROP(SpdkEventExample, SeedCodeIsCorrectWithoutAllocationFailures, (uint64_t seed)) {
  // Claim: without allocation failures the seed's code as written is correct for any seed,
  // 1-8 cores and 0-48 tasks: its flaws need a failed allocation to show.
  const auto cores = *rc::gen::inRange<uint32_t>(1, 9);
  const auto tasks = *rc::gen::inRange<uint32_t>(0, 49);
  const run_out x = run_app(spdk_event_app_seed, options_for(seed, cores, 0), tasks);
  RC_LOG() << judge(x) << "\nreplay: " << replay_command(spdk_event_app_seed, x, tasks) << "\n";
  RC_ASSERT(judge(x) == std::string());
  RC_ASSERT(x.report.completed_ok == tasks);
}

RC_GTEST_PROP(SpdkEventExample, FailingAnySingleAllocationFindsOnlyTheKnownFlaws,
              (uint64_t seed)) {
  // Claim: failing exactly one allocation, the Nth for every N up to the allocations of the
  // fault-free run, leaves the seed's code correct or fails it with one of its two known flaws
  // (completion_cb on the target core, spdk_event_call(NULL) in the shutdown); both flaws are
  // hit for some N once there are 2+ cores and 2+ tasks; the corrected code is correct for
  // every N.
  const auto cores = *rc::gen::inRange<uint32_t>(1, 5);
  const auto tasks = *rc::gen::inRange<uint32_t>(0, 17);
  lockstep::sim::options o = options_for(seed, cores, 0);
  const run_out clean = run_app(spdk_event_app_seed, o, tasks);
  RC_ASSERT(judge(clean) == std::string());
  // Every allocated event was executed, dropped at the stop, or leaked; the start event is not
  // allocated by the application, so this bounds the application's allocations from above.
  const uint64_t allocations =
      clean.r.events_executed + clean.r.dropped_events + clean.r.leaked_events;
  bool seen_target_core = false, seen_null_call = false;
  for (uint64_t n = 1; n <= allocations; ++n) {
    o.alloc_fail_nth = static_cast<uint32_t>(n);
    const run_out seed_run = run_app(spdk_event_app_seed, o, tasks);
    const flaw f = classify(seed_run);
    if (f == flaw::unknown)
      RC_FAIL(judge(seed_run) + "\nreplay: " + replay_command(spdk_event_app_seed, seed_run, tasks));
    seen_target_core = seen_target_core || f == flaw::completion_on_target_core;
    seen_null_call = seen_null_call || f == flaw::event_call_null;
    const run_out fixed_run = run_app(spdk_event_app_fixed, o, tasks);
    if (!judge(fixed_run).empty())
      RC_FAIL(judge(fixed_run) + "\nreplay: " +
              replay_command(spdk_event_app_fixed, fixed_run, tasks));
  }
  RC_ASSERT(seen_null_call);
  if (cores >= 2 && tasks >= 2) RC_ASSERT(seen_target_core);
}

RC_GTEST_PROP(SpdkEventExample, ExplorationWithFaultsFindsTheSeedFlaws, ()) {
  // Claim: exploring 300 seeds of the seed's code on 2-8 cores with 4-32 tasks at 2% injected
  // allocation failures finds failures, each one of the seed's known flaws, each with a replay
  // line.
  const auto cores = *rc::gen::inRange<uint32_t>(2, 9);
  const auto tasks = *rc::gen::inRange<uint32_t>(4, 33);
  lockstep::explore::options eo;
  eo.seeds = 300;
  eo.jobs = 1;  // the C application's state is process-wide
  eo.stop_at_first_failure = false;
  eo.progress = false;
  eo.replay_command = "spdk_event --variant seed";
  const auto sum = lockstep::explore::run(
      eo, options_for(1, cores, 20'000),
      [tasks](const lockstep::sim::options& o, lockstep::sim::result* r) {
        const run_out x = run_app(spdk_event_app_seed, o, tasks);
        *r = x.r;
        return classify(x) == flaw::unknown ? "unknown: " + judge(x) : judge(x);
      });
  RC_ASSERT(!sum.failures.empty());
  for (const auto& f : sum.failures) {
    RC_ASSERT(f.why.rfind("unknown", 0) != 0);
    RC_ASSERT(f.replay_command.find(" --replay 'lockstep-replay/") != std::string::npos);
  }
}

// The trace file's names and its alloc_failed / check_failed records (docs/trace_format.md).
// Formats 1 and 2 are read: both start a record with KIND STEP CORE; an alloc_failed record's
// function name index is its 9th field in format 1 and its 7th in format 2.
struct trace_file {
  int version = 0;
  std::map<uint64_t, std::string> names;
  struct record {
    std::string kind;
    uint64_t step = 0;
    std::string core;
    uint64_t name = 0;  // alloc_failed only
  };
  std::vector<record> records;
};

trace_file read_trace(const std::string& path) {
  trace_file t;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::vector<std::string> f;
    for (std::string w; s >> w;) f.push_back(w);
    if (f.empty()) continue;
    if (f[0] == "lockstep-trace" && f.size() == 2) {
      t.version = std::stoi(f[1]);
    } else if (f[0] == "name" && f.size() >= 3) {
      t.names[std::stoull(f[1])] = line.substr(line.find(' ', 5) + 1);
    } else if ((f[0] == "alloc_failed" || f[0] == "check_failed") && f.size() >= 3) {
      trace_file::record r;
      r.kind = f[0];
      r.step = std::stoull(f[1]);
      r.core = f[2];
      const size_t name_field = t.version == 1 ? 8 : 6;
      if (r.kind == "alloc_failed" && f.size() > name_field) r.name = std::stoull(f[name_field]);
      t.records.push_back(r);
    }
  }
  return t;
}

RC_GTEST_PROP(SpdkEventExample, ReplayReproducesAFlawAndTheTraceShowsIt, ()) {
  // Claim: a failing seed of the seed's code, rerun from its replay line (with the trace
  // recorded), fails again in the same step with the same message and trace hash, and its trace records the failed allocation of the event the
  // flaw concerns (send_result_to_origin or shutdown_component_on_core) on the core and in the
  // step where the check fired.
  const auto cores = *rc::gen::inRange<uint32_t>(2, 7);
  const auto tasks = *rc::gen::inRange<uint32_t>(4, 25);
  run_out first;
  lockstep::sim::options o = options_for(1, cores, 30'000);
  const uint64_t start_seed = *rc::gen::inRange<uint64_t>(1, 1'000'000);
  for (uint64_t s = start_seed; s < start_seed + 500; ++s) {
    o.seed = s;
    first = run_app(spdk_event_app_seed, o, tasks);
    if (!judge(first).empty()) break;
  }
  RC_PRE(!judge(first).empty());
  const flaw f = classify(first);
  RC_ASSERT(f != flaw::unknown);

  lockstep::sim::options replayed;
  std::string error;
  RC_ASSERT(lockstep::sim::parse_replay(first.r.replay, &replayed, &error));
  replayed.trace = true;
  const run_out again = run_app(spdk_event_app_seed, replayed, tasks);
  RC_ASSERT(again.r.failure == first.r.failure);
  RC_ASSERT(again.r.outcome == first.r.outcome);
  RC_ASSERT(again.r.steps == first.r.steps);
  RC_ASSERT(again.r.trace_hash == first.r.trace_hash);

  const std::string path = ::testing::TempDir() + "spdk_event_replay_trace.txt";
  RC_ASSERT(lockstep::sim::write_trace(again.r, path));
  const trace_file t = read_trace(path);
  std::remove(path.c_str());
  RC_ASSERT(t.version == 1 || t.version == 2);
  RC_ASSERT(!t.records.empty());
  const auto& failed = t.records.back();
  RC_ASSERT(failed.kind == std::string("check_failed"));
  const std::string want = f == flaw::completion_on_target_core ? "send_result_to_origin"
                                                                 : "shutdown_component_on_core";
  bool shown = false;
  for (const auto& r : t.records) {
    const auto name = t.names.find(r.name);
    shown = shown || (r.kind == "alloc_failed" && r.step == failed.step &&
                      r.core == failed.core && name != t.names.end() && name->second == want);
  }
  RC_ASSERT(shown);
}

TEST(SpdkEventExample, TraceHashIsEqualForEqualRunsAcrossVariantsInOneProcess) {
  // Runs of one build do not disturb the next: the same options give the same trace hash after
  // runs of the other build in between.
  const auto o = options_for(42, 4, 20'000);
  const run_out a = run_app(spdk_event_app_fixed, o, 16);
  (void)run_app(spdk_event_app_seed, o, 16);
  (void)run_app(spdk_event_app_seed, options_for(43, 3, 0), 5);
  const run_out b = run_app(spdk_event_app_fixed, o, 16);
  EXPECT_EQ(a.r.trace_hash, b.r.trace_hash);
  EXPECT_EQ(judge(a), "");
}

}  // namespace
