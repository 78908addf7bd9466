// A recording of the real backend (real::options::record) replayed in the simulator
// (sim::replay_recording): a ping-pong between the two lcores with a poller on each and a pool
// so small that allocations fail, ended by app_stop.
#include "real_test_support.hpp"

#include <lockstep/recording.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

// The program, the same on both backends. One ball crosses between the cores; a core that has
// it sends a probe event to itself, then the ball back, which fails while the pool (2 events)
// is taken by the ball and the probe. A core whose return could not be allocated
// keeps the ball and registers a poller that retries until the return goes (then unregisters
// itself). Core 0 stops the application after `rounds` returns. Each unit sends at most one
// event to the other core: the run stays within what a replay can follow
// (docs/record_replay.md, limits).
struct ping_pong {
  static constexpr uint32_t rounds = 300;
  uint32_t cores[2] = {lockstep::no_core, lockstep::no_core};
  lockstep::poller* retry[2] = {};
  uint64_t returns = 0;  // core 0's
  uint64_t retries[2] = {};

  uint32_t index_of(uint32_t core) const { return core == cores[0] ? 0 : 1; }

  static void probe(void*, void*) {}
  // Sends the ball back; false when its allocation failed.
  bool send_back(uint32_t me) {
    if (lockstep::event* p = LOCKSTEP_EVENT_ALLOCATE(cores[me], ping_pong::probe, this, nullptr))
      lockstep::event_call(p);
    lockstep::event* ev = LOCKSTEP_EVENT_ALLOCATE(cores[1 - me], ping_pong::ball, this, nullptr);
    if (ev != nullptr) lockstep::event_call(ev);
    return ev != nullptr;
  }
  static void ball(void* self, void*) {
    auto* p = static_cast<ping_pong*>(self);
    const uint32_t me = p->index_of(lockstep::current_core());
    if (me == 0 && ++p->returns == rounds) {
      lockstep::app_stop(0);
      return;
    }
    if (!p->send_back(me)) {
      p->retry[me] = lockstep::poller_register(ping_pong::poll, p, 0);
      if (p->retry[me] == nullptr) lockstep::app_stop(1);
    }
  }
  static int poll(void* self) {
    auto* p = static_cast<ping_pong*>(self);
    const uint32_t me = p->index_of(lockstep::current_core());
    ++p->retries[me];
    if (p->send_back(me)) lockstep::poller_unregister(&p->retry[me]);
    return 1;
  }
  void start() {
    cores[0] = lockstep::first_core();
    cores[1] = lockstep::next_core(cores[0]);
    // The first serve: core 0 "returns" the ball to core 1.
    if (!send_back(0)) lockstep::app_stop(1);
  }
};

// Claim: a recorded real run with pollers (registered and unregistered), failed allocations and
// events in both directions
// replays in the simulator step by step to the same end (app_stop), with the recording's event
// and allocation-failure counts, and the decision vector it yields reruns the same simulated
// run without the recording. Three recordings, each must replay.
TEST(RealRecording, APingPongWithPollersAndFailedAllocationsReplaysStepByStep) {
  const std::string path = "recording_test_" + std::to_string(getpid()) + ".rec";
  for (int run = 0; run < 3; ++run) {
    ping_pong real_prog;
    lockstep::real::options o = real_test::options(2);
    o.record = path;
    lockstep::real::run_stats stats;
    ASSERT_EQ(lockstep::real::run(o, [&] { real_prog.start(); }, &stats), 0);
    ASSERT_EQ(real_prog.returns, ping_pong::rounds);
    ASSERT_GT(stats.alloc_failures, 0u) << "no allocation failed: nothing to replay of them";
    ASSERT_GT(real_prog.retries[0] + real_prog.retries[1], 0u) << "no poller ran";

    ping_pong sim_prog;
    auto run_sim = [&](const lockstep::sim::options& so) {
      sim_prog = ping_pong{};
      return lockstep::sim::run(so, [&] { sim_prog.start(); });
    };
    const lockstep::sim::recording_replay r =
        lockstep::sim::replay_recording(path, lockstep::sim::options{}, "", run_sim);
    std::remove(path.c_str());
    ASSERT_FALSE(r.input_error) << r.error;
    EXPECT_TRUE(r.matched) << "run " << run << ": " << r.divergence;
    EXPECT_EQ(r.recorded_outcome, "stopped");
    EXPECT_EQ(r.steered.outcome, lockstep::sim::outcome::stopped);
    // The other lcore may run a few units after app_stop; the recording ends at app_stop.
    EXPECT_LE(r.recorded_events, stats.events_executed);
    EXPECT_EQ(r.steered.events_executed, r.recorded_events);
    EXPECT_EQ(sim_prog.returns, ping_pong::rounds);
    EXPECT_GT(r.steered.alloc_failures, 0u);
    EXPECT_LE(r.steered.alloc_failures, stats.alloc_failures);

    const lockstep::sim::result again = run_sim(r.derived);
    EXPECT_EQ(again.trace_hash, r.steered.trace_hash);
    EXPECT_EQ(again.steps, r.steered.steps);
    EXPECT_EQ(again.alloc_failures, r.steered.alloc_failures);
  }
}

}  // namespace
