// sim::replay_recording, the library call (lockstep/recording.hpp), on a recording made on the
// real backend (tests/record/data: order_bug --variant fixed --rounds 5 on lcores 0-1). The
// program below is order_bug's, with its function names: the recording is of it.
#include "cross_core_app.hpp"

#include <lockstep/recording.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct app {
  uint32_t rounds = 5;
  bool swap = false;  // a changed program: mark_a and mark_b sent by the other core
  uint32_t round = 0;
  uint32_t arrived = 0;
};

void begin_round(void* arg, void*);

void send(uint32_t core, lockstep::event_fn fn, const char* name, app* a) {
  lockstep::event* ev = lockstep::event_allocate_named(core, fn, a, nullptr, name);
  LOCKSTEP_CHECK(ev != nullptr, "allocation failed");
  lockstep::event_call(ev);
}

void arrived(app* a) {
  if (++a->arrived < 2) return;
  if (a->round == a->rounds) {
    lockstep::app_stop(0);
    return;
  }
  send(0, begin_round, "begin_round", a);
}

void mark_a(void* arg, void*) { arrived(static_cast<app*>(arg)); }
void mark_b(void* arg, void*) { arrived(static_cast<app*>(arg)); }
void kick(void* arg, void*) {
  auto* a = static_cast<app*>(arg);
  send(0, a->swap ? mark_a : mark_b, a->swap ? "mark_a" : "mark_b", a);
}

void begin_round(void* arg, void*) {
  auto* a = static_cast<app*>(arg);
  ++a->round;
  a->arrived = 0;
  send(1, kick, "kick", a);
  send(0, a->swap ? mark_b : mark_a, a->swap ? "mark_b" : "mark_a", a);
}

lockstep::sim::result run(const lockstep::sim::options& o, bool swap) {
  app a;
  a.swap = swap;
  return lockstep::sim::run(o, [&a] { begin_round(&a, nullptr); });
}

const std::string recording = LOCKSTEP_RECORDING;

TEST(RecordingReplay, MatchesAndDerivesADecisionVectorThatReplaysWithoutIt) {
  lockstep::sim::options base;
  const auto rr = lockstep::sim::replay_recording(
      recording, base, "", [](const lockstep::sim::options& o) { return run(o, false); });
  ASSERT_FALSE(rr.input_error) << rr.error;
  ASSERT_TRUE(rr.matched) << rr.divergence;
  EXPECT_EQ(rr.recorded_outcome, "stopped");
  EXPECT_EQ(rr.steered.outcome, lockstep::sim::outcome::stopped);
  EXPECT_EQ(rr.steered.events_executed, rr.recorded_events);
  EXPECT_EQ(rr.derived.cores, 2u);
  ASSERT_TRUE(rr.derived.decisions.has_value());
  EXPECT_FALSE(rr.derived.steering);
  // The vector alone replays the steered run: the same hash, twice.
  const auto again = run(rr.derived, false);
  EXPECT_EQ(again.trace_hash, rr.steered.trace_hash);
  EXPECT_EQ(run(rr.derived, false).trace_hash, again.trace_hash);
}

TEST(RecordingReplay, AChangedProgramDivergesAtTheStepItChanged) {
  const auto rr = lockstep::sim::replay_recording(
      recording, {}, "", [](const lockstep::sim::options& o) { return run(o, true); });
  ASSERT_FALSE(rr.input_error) << rr.error;
  EXPECT_FALSE(rr.matched);
  // Steps 0 and 1: the start event, kick on core 1; step 2 is the first mark core 0 ran.
  EXPECT_EQ(rr.divergence.rfind("step 2 (", 0), 0u) << rr.divergence;
  EXPECT_NE(rr.divergence.find("recorded event 'mark_a' on core 0 sent by core 0"),
            std::string::npos) << rr.divergence;
  EXPECT_NE(rr.divergence.find("simulated event 'mark_b' on core 0 sent by core 0"),
            std::string::npos) << rr.divergence;
}

TEST(RecordingReplay, AnotherProgramsRecordingIsAnInputError) {
  const auto rr = lockstep::sim::replay_recording(
      recording, {}, "another_program",
      [](const lockstep::sim::options& o) { return run(o, false); });
  EXPECT_TRUE(rr.input_error);
  EXPECT_NE(rr.error.find("recorded by program 'order_bug', this is 'another_program'"),
            std::string::npos)
      << rr.error;
}

// A simulator run made into a recording (its trace, with a real backend's options line): the
// steering reproduces any schedule of the simulator, with allocation failures, the shutdown
// request, pollers and timers (cross_core's retry timers), step by step.
TEST(RecordingReplay, SimulatedSchedulesWithFaultsReplayStepByStep) {
  const std::string path = ::testing::TempDir() + "recording_replay_sim.rec";
  uint64_t faults_seen = 0, shutdowns_seen = 0, timers_seen = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    cross_core::config cfg;
    cfg.tasks = 24;
    auto run_app = [cfg](const lockstep::sim::options& o) {
      cross_core::app a(cfg);
      lockstep::sim::options with_cb = o;
      with_cb.shutdown_cb = cross_core::app::shutdown_request;
      return lockstep::sim::run(with_cb, [&a] { a.start(); });
    };
    lockstep::sim::options o;
    o.cores = 3;
    o.seed = seed;
    o.alloc_fail_ppm = 30'000;
    o.shutdown_ppm = 3'000;
    o.trace = true;
    const lockstep::sim::result made = run_app(o);
    ASSERT_TRUE(made.trace);
    ASSERT_TRUE(lockstep::sim::write_trace(made, path));
    // The options line of a recording made on lcores 0-2 with a pool of 4096 events.
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    in.close();
    std::string t = text.str();
    const size_t at = t.find("\noptions ") + 9, end = t.find('\n', at);
    t.replace(at, end - at, "real-backend lcores=0,1,2 event_pool_size=4096 record=1");
    std::ofstream(path) << t;
    faults_seen += made.alloc_failures;
    shutdowns_seen += t.find("\nshutdown_request ") != std::string::npos ? 1 : 0;
    timers_seen += t.find("\ntimer ") != std::string::npos ? 1 : 0;

    const auto rr = lockstep::sim::replay_recording(path, {}, "", run_app);
    ASSERT_FALSE(rr.input_error) << "seed " << seed << ": " << rr.error;
    ASSERT_TRUE(rr.matched) << "seed " << seed << ": " << rr.divergence;
    EXPECT_EQ(rr.steered.outcome, made.outcome) << "seed " << seed;
    EXPECT_EQ(rr.steered.steps, made.steps) << "seed " << seed;
    EXPECT_EQ(rr.steered.events_executed, made.events_executed) << "seed " << seed;
    EXPECT_EQ(rr.steered.alloc_failures, made.alloc_failures) << "seed " << seed;
    EXPECT_EQ(rr.steered.failure, made.failure) << "seed " << seed;
    // The derived options (no steering, no trace) replay the steered run.
    EXPECT_FALSE(rr.derived.trace);
    EXPECT_EQ(run_app(rr.derived).trace_hash, rr.steered.trace_hash) << "seed " << seed;
  }
  std::remove(path.c_str());
  EXPECT_GT(faults_seen, 0u);     // the seeds exercised failed allocations
  EXPECT_GT(shutdowns_seen, 0u);  // the shutdown request
  EXPECT_GT(timers_seen, 0u);     // and timed pollers
}

}  // namespace
