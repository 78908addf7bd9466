// External threads in the simulator (lockstep::external_thread_start): a thread that is not a
// core sends events, stops the application, and is scheduled by the decision stream like a core
// (its interleavings with the cores vary with the seed and replay with it); a thread the
// program starts itself is refused with a message naming external_thread_start.
#include "../../trace/format.hpp"
#include "../../trace/reader.hpp"

#include <lockstep/external_thread.h>
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using lockstep::sim::outcome;
using lockstep::sim::strategy;

lockstep::sim::options opts(uint64_t seed, strategy s = strategy::random, bool per_core = false) {
  lockstep::sim::options o;
  o.cores = 2;
  o.seed = seed;
  o.strategy = s;
  o.thread_per_core = per_core;
  o.max_steps = 100'000;
  return o;
}

// N events from one external thread, alternately to core 0 and core 1; each handler logs its
// sequence number in its target's list; the last one to run stops the application.
struct stream {
  static constexpr uint32_t n = 40;
  std::vector<uint32_t> ran[2];
  uint32_t seq[n] = {};
  uint32_t executed = 0;
  uint32_t sent = 0;
  uint32_t wrong_core = 0;
  bool returned = false;
};

void stream_handler(void* a, void* b) {
  auto* s = static_cast<stream*>(a);
  const uint32_t i = *static_cast<uint32_t*>(b);
  const uint32_t target = i % 2;
  if (lockstep::current_core() != target) ++s->wrong_core;
  s->ran[target].push_back(i);
  if (++s->executed == stream::n) lockstep::app_stop(0);
}

void send_stream(stream* s) {
  for (uint32_t i = 0; i < stream::n; ++i) {
    s->seq[i] = i;
    lockstep::event* ev = lockstep::event_allocate(i % 2, stream_handler, s, &s->seq[i]);
    ASSERT_NE(ev, nullptr);
    lockstep::event_call(ev);
    ++s->sent;
  }
  s->returned = true;
}

lockstep::sim::result run_stream(const lockstep::sim::options& o, stream* s) {
  return lockstep::sim::run(o, [s] { lockstep::external_thread_start([s] { send_stream(s); }); });
}

TEST(SimExternalThread, EveryEventRunsOnceInFifoOrderPerCore) {
  for (bool per_core : {false, true}) {
    for (strategy st : {strategy::random, strategy::pct}) {
      for (uint64_t seed = 1; seed <= 12; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " per_core " + std::to_string(per_core) +
                     " " + lockstep::sim::to_string(st));
        stream s;
        const auto r = run_stream(opts(seed, st, per_core), &s);
        ASSERT_EQ(r.outcome, outcome::stopped) << r.failure << r.diagnosis;
        EXPECT_EQ(s.sent, stream::n);
        EXPECT_TRUE(s.returned);
        EXPECT_EQ(s.wrong_core, 0u);
        EXPECT_EQ(s.executed, stream::n);
        for (uint32_t t = 0; t < 2; ++t) {
          ASSERT_EQ(s.ran[t].size(), stream::n / 2);
          for (uint32_t k = 0; k < stream::n / 2; ++k) EXPECT_EQ(s.ran[t][k], 2 * k + t);
        }
        EXPECT_EQ(r.events_executed, stream::n + 1);  // and the start event
        EXPECT_EQ(r.leaked_events, 0u);
      }
    }
  }
}

// Two sends to core 1; between them the thread looks whether the first has run yet (a plain
// read: only the holder of the baton runs, so it is not a race).
struct probe {
  bool first_ran = false;
  bool seen_between = false;
  uint32_t done = 0;
};

void probe_handler(void* a, void* b) {
  auto* p = static_cast<probe*>(a);
  if (b == nullptr) p->first_ran = true;
  if (++p->done == 2) lockstep::app_stop(0);
}

lockstep::sim::result run_probe(const lockstep::sim::options& o, probe* p) {
  return lockstep::sim::run(o, [p] {
    lockstep::external_thread_start([p] {
      lockstep::event_call(lockstep::event_allocate(1, probe_handler, p, nullptr));
      // Each lockstep call is a point of the schedule: core 1 may step before the next one.
      const uint64_t t = lockstep::now_ns();
      p->seen_between = p->first_ran;
      (void)t;
      lockstep::event_call(lockstep::event_allocate(1, probe_handler, p, p));
    });
  });
}

TEST(SimExternalThread, InterleavingsDependOnTheSeedAndReplay) {
  std::set<bool> seen;
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    probe a, b;
    const auto ra = run_probe(opts(seed), &a);
    const auto rb = run_probe(opts(seed), &b);
    ASSERT_EQ(ra.outcome, outcome::stopped) << ra.failure;
    EXPECT_EQ(ra.trace_hash, rb.trace_hash) << "seed " << seed;
    EXPECT_EQ(a.seen_between, b.seen_between) << "seed " << seed;
    seen.insert(a.seen_between);
    hashes.insert(ra.trace_hash);
  }
  // Some seed runs core 1 between the two sends, some does not.
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_GT(hashes.size(), 1u);
}

TEST(SimExternalThread, DecisionLogReplaysTheRun) {
  probe a;
  auto o = opts(17);
  o.record_decisions = true;
  const auto first = run_probe(o, &a);
  ASSERT_EQ(first.outcome, outcome::stopped);
  auto again = opts(99);
  again.decisions = first.decision_log;
  probe b;
  const auto replayed = run_probe(again, &b);
  EXPECT_EQ(replayed.trace_hash, first.trace_hash);
  EXPECT_EQ(b.seen_between, a.seen_between);
}

// What the probe's "print" mode prints: a hash per seed and strategy, for another process.
std::string stream_hashes() {
  std::string out;
  for (strategy st : {strategy::random, strategy::pct}) {
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      stream s;
      auto o = opts(seed, st);
      o.alloc_fail_ppm = 0;
      const auto r = run_stream(o, &s);
      char line[96];
      std::snprintf(line, sizeof line, "%s %" PRIu64 " %016" PRIx64 "\n",
                    lockstep::sim::to_string(st), seed, r.trace_hash);
      out += line;
    }
  }
  return out;
}

// Run by SameSeedSameHashAcrossProcesses in a process of its own.
TEST(SimExternalThread, DISABLED_PrintHashes) { std::fputs(stream_hashes().c_str(), stdout); }

TEST(SimExternalThread, SameSeedSameHashAcrossProcesses) {
  const std::string here = stream_hashes();
  char self[4096] = {};
  ASSERT_GT(readlink("/proc/self/exe", self, sizeof self - 1), 0);
  const std::string cmd = std::string(self) + " --gtest_also_run_disabled_tests "
                          "--gtest_filter=SimExternalThread.DISABLED_PrintHashes";
  for (int i = 0; i < 2; ++i) {
    std::FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string lines;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p) != nullptr) {
      const std::string line = buf;
      if (line.rfind("random ", 0) == 0 || line.rfind("pct ", 0) == 0) lines += line;
    }
    EXPECT_EQ(pclose(p), 0);
    EXPECT_EQ(lines, here);
  }
}

void nothing(void*, void*) {}

TEST(SimExternalThread, AppStopFromTheThreadEndsTheRunWithItsRc) {
  for (bool per_core : {false, true}) {
    bool after_stop = false;
    lockstep::event* late = reinterpret_cast<lockstep::event*>(uintptr_t{64});
    const auto r = lockstep::sim::run(opts(3, strategy::random, per_core), [&] {
      lockstep::external_thread_start([&] {
        lockstep::event_call(lockstep::event_allocate(1, nothing, nullptr, nullptr));
        lockstep::app_stop(42);
        // After app_stop the thread runs on until it returns; its allocations fail.
        late = lockstep::event_allocate(0, nothing, nullptr, nullptr);
        after_stop = true;
      });
    });
    EXPECT_EQ(r.outcome, outcome::stopped) << r.failure;
    EXPECT_EQ(r.rc, 42);
    EXPECT_TRUE(after_stop);
    EXPECT_EQ(late, nullptr);
    EXPECT_EQ(r.alloc_failures, 1u);
  }
}

TEST(SimExternalThread, AfterAStopByACoreTheThreadRunsUntilItReturns) {
  // A core stops the application while the thread still sends: the thread's next allocation
  // fails, it returns, and its events that did not run are dropped.
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    uint32_t sent = 0;
    bool returned = false;
    const auto r = lockstep::sim::run(opts(seed), [&] {
      lockstep::external_thread_start([&] {
        for (;;) {
          lockstep::event* ev = lockstep::event_allocate(1, nothing, nullptr, nullptr);
          if (ev == nullptr) break;
          lockstep::event_call(ev);
          ++sent;
        }
        returned = true;
      });
      lockstep::event_call(lockstep::event_allocate(
          0, [](void*, void*) { lockstep::app_stop(5); }, nullptr, nullptr));
    });
    EXPECT_EQ(r.outcome, outcome::stopped) << r.failure;
    EXPECT_EQ(r.rc, 5);
    EXPECT_TRUE(returned);
    // Every event sent ran or was dropped (the start event and the stopper ran too).
    EXPECT_EQ(r.events_executed + r.dropped_events, sent + 2) << "seed " << seed;
    EXPECT_EQ(r.leaked_events, 0u);
  }
}

TEST(SimExternalThread, AllocationFaultsStrikeTheThreadsAllocations) {
  uint32_t nulls = 0;
  uint32_t got = 0;
  auto o = opts(7);
  o.alloc_fail_ppm = 300'000;
  const auto r = lockstep::sim::run(o, [&] {
    lockstep::external_thread_start([&] {
      for (int i = 0; i < 200; ++i) {
        lockstep::event* ev = lockstep::event_allocate(1, nothing, nullptr, nullptr);
        if (ev == nullptr) {
          ++nulls;
          continue;
        }
        ++got;
        lockstep::event_call(ev);
      }
      lockstep::app_stop(0);
    });
  });
  EXPECT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_GT(nulls, 20u);
  EXPECT_GT(got, 20u);
  EXPECT_EQ(r.alloc_failures, nulls);
}

int g_spin_flag = 0;  // never set: the thread waits forever

TEST(SimExternalThread, AThreadStillWaitingWhenTheRunEndsIsLeftCleanly) {
  for (bool per_core : {false, true}) {
    for (strategy st : {strategy::random, strategy::pct}) {
      auto o = opts(11, st, per_core);
      o.max_steps = 3000;
      bool after_wait = false;
      const auto r = lockstep::sim::run(o, [&] {
        lockstep::external_thread_start([&] {
          while (g_spin_flag == 0) lockstep::external_thread_yield();
          after_wait = true;
        });
      });
      EXPECT_EQ(r.outcome, outcome::step_limit);
      EXPECT_EQ(r.steps, 3000u);
      EXPECT_FALSE(after_wait);
      EXPECT_NE(r.diagnosis.find("external thread"), std::string::npos) << r.diagnosis;
    }
  }
}

void failing_check(void*, void*) { LOCKSTEP_CHECK(false, "a core fails"); }

TEST(SimExternalThread, AFailureOnACoreEndsTheRunWithTheThreadWaiting) {
  for (bool per_core : {false, true}) {
    const auto r = lockstep::sim::run(opts(2, strategy::random, per_core), [] {
      lockstep::external_thread_start([] {
        for (;;) lockstep::external_thread_yield();
      });
      lockstep::event_call(lockstep::event_allocate(1, failing_check, nullptr, nullptr));
    });
    EXPECT_EQ(r.outcome, outcome::failed);
    EXPECT_NE(r.failure.find("a core fails"), std::string::npos) << r.failure;
  }
}

TEST(SimExternalThread, ACheckOrAnExceptionInTheBodyFailsTheRun) {
  for (bool per_core : {false, true}) {
    const auto checked = lockstep::sim::run(opts(4, strategy::random, per_core), [] {
      lockstep::external_thread_start([] {
        lockstep::event_call(lockstep::event_allocate(1, nothing, nullptr, nullptr));
        LOCKSTEP_CHECK(false, "the thread's check");
      });
    });
    EXPECT_EQ(checked.outcome, outcome::failed);
    EXPECT_NE(checked.failure.find("the thread's check"), std::string::npos) << checked.failure;

    const auto thrown = lockstep::sim::run(opts(4, strategy::random, per_core), [] {
      lockstep::external_thread_start([] {
        (void)lockstep::core_count();
        throw std::runtime_error("boom");
      });
    });
    EXPECT_EQ(thrown.outcome, outcome::failed);
    EXPECT_NE(thrown.failure.find("uncaught exception: boom [thrown by an external thread's body]"),
              std::string::npos)
        << thrown.failure;

    const auto misuse = lockstep::sim::run(opts(4, strategy::random, per_core), [] {
      lockstep::external_thread_start([] { lockstep::event_call(nullptr); });
    });
    EXPECT_EQ(misuse.outcome, outcome::failed);
    EXPECT_NE(misuse.failure.find("event_call(nullptr)"), std::string::npos) << misuse.failure;
  }
}

TEST(SimExternalThread, APlainThreadIsRefusedNamingExternalThreadStart) {
  lockstep::event* got = reinterpret_cast<lockstep::event*>(uintptr_t{64});
  testing::internal::CaptureStderr();
  const auto r = lockstep::sim::run(opts(1), [&] {
    std::thread t([&] { got = lockstep::event_allocate(0, nothing, nullptr, nullptr); });
    t.join();
    lockstep::app_stop(0);
  });
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(got, nullptr);
  EXPECT_NE(err.find("event_allocate called outside a run"), std::string::npos) << err;
  EXPECT_NE(err.find("lockstep::external_thread_start"), std::string::npos) << err;
}

TEST(SimExternalThread, TooManyLiveThreadsAreRefused) {
  // 60 cores leave three sender slots: the fourth live thread is misuse.
  auto o = opts(1);
  o.cores = 60;
  const auto r = lockstep::sim::run(o, [] {
    for (int i = 0; i < 4; ++i) lockstep::external_thread_start([] {
      for (;;) lockstep::external_thread_yield();
    });
  });
  EXPECT_EQ(r.outcome, outcome::failed);
  EXPECT_NE(r.failure.find("external_thread_start: too many external threads"),
            std::string::npos)
      << r.failure;
  EXPECT_NE(r.failure.find("at most 3 at once"), std::string::npos) << r.failure;

  o.cores = 63;  // no slot at all
  const auto none = lockstep::sim::run(o, [] { lockstep::external_thread_start([] {}); });
  EXPECT_EQ(none.outcome, outcome::failed);
  EXPECT_NE(none.failure.find("too many external threads"), std::string::npos);
}

void start_second(void* a, void*) {
  auto* chain = static_cast<uint32_t*>(a);
  if (*chain == 0) {  // not yet: look again in a later step
    lockstep::event_call(lockstep::event_allocate(0, start_second, a, nullptr));
    return;
  }
  lockstep::external_thread_start([chain] { ++*chain; });
}

TEST(SimExternalThread, ASlotIsFreeAgainOnceItsThreadReturned) {
  // 62 cores: one slot.
  auto o = opts(1);
  o.cores = 62;
  uint32_t started = 0;
  const auto r = lockstep::sim::run(o, [&] {
    lockstep::external_thread_start([&] { ++started; });
    lockstep::external_thread_yield();  // from a core: nothing
  });
  EXPECT_EQ(r.outcome, outcome::hang) << r.failure;
  EXPECT_EQ(started, 1u);
  // The second thread starts from a core once the first has counted: it then has returned
  // too (it makes no lockstep call after counting), so its slot is free again.
  uint32_t chain = 0;
  const auto r2 = lockstep::sim::run(o, [&] {
    lockstep::external_thread_start([&] { ++chain; });
    lockstep::event_call(lockstep::event_allocate(0, start_second, &chain, nullptr));
  });
  EXPECT_EQ(r2.outcome, outcome::hang) << r2.failure;
  EXPECT_EQ(chain, 2u);
}

void c_body(void* arg) {
  auto* n = static_cast<int*>(arg);
  for (int i = 0; i < 5; ++i) {
    lockstep::event_call(lockstep::event_allocate(0, nothing, nullptr, nullptr));
    ++*n;
    lockstep_external_thread_yield();
  }
  lockstep::app_stop(9);
}

TEST(SimExternalThread, TheCApiStartsAndYields) {
  int sent = 0;
  int rc_null = 0, rc_ok = -1;
  const auto r = lockstep::sim::run(opts(5), [&] {
    rc_null = lockstep_external_thread_start(nullptr, nullptr);
    rc_ok = lockstep_external_thread_start(c_body, &sent);
  });
  EXPECT_EQ(rc_null, -EINVAL);
  EXPECT_EQ(rc_ok, 0);
  EXPECT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_EQ(r.rc, 9);
  EXPECT_EQ(sent, 5);
  testing::internal::CaptureStderr();
  EXPECT_EQ(lockstep_external_thread_start(c_body, &sent), -EPERM);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("outside a run"), std::string::npos) << err;
}

TEST(SimExternalThread, ThreadPerCoreChangesNothingOfTheSchedule) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    stream a, b;
    const auto ra = run_stream(opts(seed, strategy::random, false), &a);
    const auto rb = run_stream(opts(seed, strategy::random, true), &b);
    EXPECT_EQ(ra.trace_hash, rb.trace_hash) << "seed " << seed;
    EXPECT_EQ(ra.steps, rb.steps);
  }
}

TEST(SimExternalThread, ATraceChangesNothingOfTheRun) {
  stream s;
  auto o = opts(6);
  o.trace = true;
  const auto r = run_stream(o, &s);
  ASSERT_EQ(r.outcome, outcome::stopped);
  ASSERT_TRUE(r.trace);
  stream s2;
  auto plain = opts(6);
  const auto r2 = run_stream(plain, &s2);
  EXPECT_EQ(r.trace_hash, r2.trace_hash);  // a trace changes nothing of the run
  // The thread's allocations and calls are recorded as from no core, as the start event's.
  uint32_t from_no_core = 0;
  for (const auto& rec : r.trace->records)
    if (rec.kind == lockstep::trace::kind::call && rec.core == lockstep::no_core)
      ++from_no_core;
  EXPECT_EQ(from_no_core, stream::n + 1);  // and the start event's
  const std::string path = testing::TempDir() + "external_thread.trace";
  EXPECT_TRUE(lockstep::sim::write_trace(r, path));
}

void noop_handler(void*, void*) {}

// Claim: the trace of an external thread that sends until the pool is empty (its allocation then
// fails, from no core) and then stops the application itself (a stop from no core) is written
// and read back by the trace reader, with those records from no core.
TEST(SimExternalThread, ItsTraceReadsBackWithItsFailedAllocationAndItsStop) {
  auto o = opts(3);
  o.trace = true;
  o.event_pool_size = 8;
  const auto r = lockstep::sim::run(o, [] {
    lockstep::external_thread_start([] {
      while (lockstep::event* ev = lockstep::event_allocate(1, noop_handler, nullptr, nullptr))
        lockstep::event_call(ev);
      lockstep::app_stop(5);
    });
  });
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_EQ(r.rc, 5);
  const std::string path = testing::TempDir() + "external_thread_stop.trace";
  ASSERT_TRUE(lockstep::sim::write_trace(r, path));
  lockstep::trace::trace_log t;
  std::string error;
  ASSERT_TRUE(lockstep::trace::read_file(path, &t, &error)) << error;
  std::remove(path.c_str());
  uint32_t failed_outside = 0, stop_outside = 0;
  for (const auto& rec : t.records) {
    failed_outside += rec.kind == lockstep::trace::kind::alloc_failed &&
                      rec.core == lockstep::trace::outside;
    stop_outside += rec.kind == lockstep::trace::kind::stop && rec.core == lockstep::trace::outside;
  }
  EXPECT_GE(failed_outside, 1u);
  EXPECT_EQ(stop_outside, 1u);
}

}  // namespace
