// sim::replay_recording, the library call (lockstep/recording.hpp), on a recording made on the
// real backend (tests/record/data: order_bug --variant fixed --rounds 5 on lcores 0-1). The
// program below is order_bug's, with its function names: the recording is of it.
#include <lockstep/recording.hpp>

#include <gtest/gtest.h>

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

}  // namespace
