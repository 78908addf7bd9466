// A recording of the real backend (real::options::record) replayed in the simulator
// (sim::replay_recording): a ping-pong between the two lcores with a poller on each and a pool
// so small that allocations fail, ended by app_stop. And a recording with a thread that is not
// an lcore sending to both, read back as a trace.
#include "real_test_support.hpp"

#include "../../trace/format.hpp"
#include "../../trace/reader.hpp"

#include <lockstep/external_thread.h>
#include <lockstep/recording.hpp>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
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

// A thread that is not an lcore sends `per_core` events to each lcore; each of them, when it
// runs, sends one event on to the other lcore. The thread stops the application once all have
// run.
struct outside_stream {
  static constexpr uint32_t per_core = 2000;
  real_test::two_cores cores;
  std::atomic<uint32_t> executed{0};
  std::atomic<uint32_t> onward_failed{0};  // onward events whose allocation failed

  static void onward(void* self, void*) {
    static_cast<outside_stream*>(self)->executed.fetch_add(1, std::memory_order_release);
  }
  static void from_outside(void* self, void*) {
    auto* s = static_cast<outside_stream*>(self);
    const uint32_t me = s->cores.index_of(lockstep::current_core());
    lockstep::event* ev =
        LOCKSTEP_EVENT_ALLOCATE(s->cores.id[1 - me], outside_stream::onward, s, nullptr);
    if (ev != nullptr) {
      lockstep::event_call(ev);
    } else {
      s->onward_failed.fetch_add(1, std::memory_order_relaxed);
    }
    s->executed.fetch_add(ev != nullptr ? 1 : 2, std::memory_order_release);
  }
  void body() {
    for (uint32_t i = 0; i < per_core; ++i) {
      for (uint32_t t = 0; t < 2; ++t) {
        lockstep::event* ev;
        while ((ev = LOCKSTEP_EVENT_ALLOCATE(cores.id[t], outside_stream::from_outside, this,
                                             nullptr)) == nullptr)
          lockstep::external_thread_yield();
        lockstep::event_call(ev);
      }
    }
    while (executed.load(std::memory_order_acquire) != 4 * per_core)
      lockstep::external_thread_yield();
    lockstep::app_stop(0);
  }
};

// Claim: a recorded run in which a thread that is not an lcore allocates and sends (its lane
// under the mutex) while the lcores allocate and send in line (their own lanes) is written
// whole and reads back as a causally ordered trace: each of the thread's events allocated,
// called and run once (allocation and call on no core, the run on its lcore, sent by no core),
// each onward event sent by an lcore, and every run named as its allocation (a run entry
// carries no name: it is taken from the allocation's entry).
TEST(RealRecording, AThreadThatIsNotAnLcoreIsRecordedOnNoCoreBesideTheLcores) {
  const std::string path = "recording_outside_" + std::to_string(getpid()) + ".rec";
  outside_stream s;
  lockstep::real::options o = real_test::options(1023);
  o.record = path;
  lockstep::real::run_stats stats;
  ASSERT_EQ(lockstep::real::run(o,
                                [&s] {
                                  s.cores = real_test::two_cores::of_run();
                                  lockstep::external_thread_start([&s] { s.body(); });
                                },
                                &stats),
            0);
  lockstep::trace::trace_log t;
  std::string error;
  ASSERT_TRUE(lockstep::trace::read_file(path, &t, &error)) << error;
  std::remove(path.c_str());

  using lockstep::trace::kind;
  using lockstep::trace::outside;
  std::map<uint64_t, std::string> alloc_name;  // by event id
  uint64_t allocs_outside = 0, calls_outside = 0, runs_from_outside = 0, runs_from_cores = 0;
  uint64_t misnamed = 0;
  for (const lockstep::trace::record& r : t.records) {
    if (r.kind == kind::alloc) {
      alloc_name[r.id] = t.name_of(r);
      allocs_outside += r.core == outside;
    }
    if (r.kind == kind::call) calls_outside += r.core == outside;
    if (r.kind != kind::exec) continue;
    EXPECT_NE(r.core, outside);
    const auto it = alloc_name.find(r.id);
    ASSERT_NE(it, alloc_name.end()) << "event " << r.id << " runs before its allocation";
    misnamed += it->second != t.name_of(r) || t.name_of(r).empty();
    if (r.sender == outside) {
      ++runs_from_outside;
    } else {
      ++runs_from_cores;
    }
  }
  // The thread's events and the start event (allocated and called by the launching thread).
  EXPECT_EQ(allocs_outside, 2 * outside_stream::per_core + 1);
  EXPECT_EQ(calls_outside, 2 * outside_stream::per_core + 1);
  EXPECT_EQ(runs_from_outside, 2 * outside_stream::per_core + 1);
  EXPECT_EQ(runs_from_cores, 2 * outside_stream::per_core - s.onward_failed.load());
  EXPECT_EQ(misnamed, 0u);
  EXPECT_EQ(stats.events_executed, runs_from_outside + runs_from_cores);
}

}  // namespace
