// The real backend's trace (options.trace): written in the simulator's format, read back by
// the trace reader (which checks that every execution follows its call and every call its
// allocation), with the run's counts and the functions' names.
#include <trace/reader.hpp>

#include <gtest/gtest.h>
#include <lockstep/external_thread.h>
#include <lockstep/real.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

namespace lt = lockstep::trace;

struct ping {
  uint32_t rounds = 0;
  uint32_t answered = 0;  // on the main core only
  uint32_t origin = lockstep::no_core;
  uint32_t other = lockstep::no_core;
};

void on_answer(void* arg, void*) {
  auto* p = static_cast<ping*>(arg);
  if (++p->answered == p->rounds) lockstep::app_stop(0);
}

// Static: only the symbol table names it.
static void send_result_to_origin(void* arg, void*) {
  auto* p = static_cast<ping*>(arg);
  lockstep::event* ev = lockstep::event_allocate(p->origin, on_answer, p, nullptr);
  ASSERT_NE(ev, nullptr);
  lockstep::event_call(ev);
}

lockstep::real::options real_options(const std::string& trace_path) {
  lockstep::real::options o;
  o.eal_args = {"-l", "0-1", "--no-huge", "--no-pci", "-m", "256", "--no-shconf"};
  if (const char* env = std::getenv("LOCKSTEP_TEST_EAL_ARGS"); env != nullptr && *env != '\0') {
    o.eal_args.clear();
    std::istringstream in(env);
    for (std::string a; in >> a;) o.eal_args.push_back(a);
  }
  o.event_pool_size = 1023;
  o.trace = !trace_path.empty();
  o.trace_path = trace_path;
  return o;
}

int run_ping(ping* p, const lockstep::real::options& o, lockstep::real::run_stats* stats) {
  return lockstep::real::run(
      o,
      [p] {
        p->origin = lockstep::current_core();
        p->other = lockstep::next_core(p->origin);
        if (p->other == lockstep::no_core) p->other = lockstep::first_core();
        for (uint32_t i = 0; i < p->rounds; ++i)
          lockstep::event_call(
              lockstep::event_allocate(p->other, send_result_to_origin, p, nullptr));
      },
      stats);
}

TEST(RealTrace, IsReadableAndMatchesTheRun) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("lockstep_real_trace_" + std::to_string(::getpid()) + ".trace"))
                               .string();
  ping p;
  p.rounds = 50;
  lockstep::real::run_stats stats;
  ASSERT_EQ(run_ping(&p, real_options(path), &stats), 0);
  ASSERT_EQ(p.answered, 50u);
  lt::trace_log t;
  std::string error;
  ASSERT_TRUE(lt::read_file(path, &t, &error)) << error;
  std::filesystem::remove(path);
  EXPECT_EQ(t.cores, 2u);
  EXPECT_EQ(t.outcome, "stopped");
  EXPECT_EQ(t.options.rfind("real-backend lcores=", 0), 0u) << t.options;
  size_t execs = 0, allocs = 0, sends_named = 0;
  for (const lt::record& r : t.records) {
    execs += r.kind == lt::kind::exec;
    allocs += r.kind == lt::kind::alloc;
    sends_named += r.kind == lt::kind::exec && t.name_of(r) == "send_result_to_origin";
  }
  EXPECT_EQ(execs, stats.events_executed);  // start + 50 requests + 50 answers
  EXPECT_EQ(execs, 101u);
  EXPECT_EQ(allocs, 101u);
  EXPECT_EQ(sends_named, 50u);
  EXPECT_NE(std::find(t.names.begin(), t.names.end(), "on_answer"), t.names.end());
}

// A thread that is not an lcore sends `per_core` events to each lcore, then stops the run.
struct from_outside {
  static constexpr uint32_t per_core = 300;
  uint32_t cores[2] = {lockstep::no_core, lockstep::no_core};
  std::atomic<uint32_t> ran{0};
  static void on_core(void* self, void*) {
    static_cast<from_outside*>(self)->ran.fetch_add(1, std::memory_order_release);
  }
  void body() {
    for (uint32_t i = 0; i < 2 * per_core; ++i) {
      lockstep::event* ev = nullptr;
      while ((ev = LOCKSTEP_EVENT_ALLOCATE(cores[i % 2], from_outside::on_core, this,
                                           nullptr)) == nullptr)
        lockstep::external_thread_yield();
      lockstep::event_call(ev);
    }
    while (ran.load(std::memory_order_acquire) != 2 * per_core) lockstep::external_thread_yield();
    lockstep::app_stop(3);
  }
};

// Claim: a recording (options.record without options.trace: compact per-lcore entries turned
// into the trace's records after the run) of a run where a thread that is not an lcore sends to
// both lcores through a small pool is a trace the reader takes (every execution after its call,
// every call after its allocation), with every event of the run executed once, each of the
// thread's events sent by no core, and the thread's app_stop.
TEST(RealTrace, ARecordingWithAnExternalThreadReadsBackWhole) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("lockstep_real_recording_" + std::to_string(::getpid()) + ".rec"))
                               .string();
  from_outside f;
  lockstep::real::options o = real_options("");
  o.event_pool_size = 16;
  o.record = path;
  lockstep::real::run_stats stats;
  ASSERT_EQ(lockstep::real::run(
                o,
                [&f] {
                  f.cores[0] = lockstep::first_core();
                  f.cores[1] = lockstep::next_core(f.cores[0]);
                  lockstep::external_thread_start([&f] { f.body(); });
                },
                &stats),
            3);
  lt::trace_log t;
  std::string error;
  ASSERT_TRUE(lt::read_file(path, &t, &error)) << error;
  std::filesystem::remove(path);
  EXPECT_NE(t.options.find(" record=1 "), std::string::npos) << t.options;
  size_t execs = 0, from_thread = 0, allocs_outside = 0, calls_outside = 0, stops_outside = 0;
  for (const lt::record& r : t.records) {
    execs += r.kind == lt::kind::exec;
    from_thread += r.kind == lt::kind::exec && r.sender == lt::outside &&
                   t.name_of(r) == "from_outside::on_core";
    allocs_outside += r.kind == lt::kind::alloc && r.core == lt::outside;
    calls_outside += r.kind == lt::kind::call && r.core == lt::outside;
    stops_outside += r.kind == lt::kind::stop && r.core == lt::outside && r.rc == 3;
  }
  EXPECT_EQ(execs, stats.events_executed);
  EXPECT_EQ(from_thread, 2 * from_outside::per_core);
  EXPECT_EQ(allocs_outside, 2 * from_outside::per_core + 1);  // and the start event
  EXPECT_EQ(calls_outside, 2 * from_outside::per_core + 1);
  EXPECT_EQ(stops_outside, 1u);
}

TEST(RealTrace, OffByDefault) {
  lockstep::real::options o = real_options("");
  EXPECT_FALSE(lockstep::real::options{}.trace);
  const std::string path = "lockstep_real.trace";
  std::filesystem::remove(path);
  ping p;
  p.rounds = 3;
  ASSERT_EQ(run_ping(&p, o, nullptr), 0);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
