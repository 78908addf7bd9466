// Claim: on two lcores, events from one sender core to one target core run in call order and on
// the target core, over streams far longer than the pool, while allocations fail and are retried.
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

namespace {

using real_test::core_counters;
using real_test::two_cores;

constexpr uint64_t per_pair = 50'000;  // events per (sender, target) pair; 4 pairs
constexpr uint32_t pool_size = 511;    // far shorter than any stream

struct stream_test {
  two_cores cores;
  core_counters counters[2];
  uint64_t next_seq_to[2][2] = {};      // [sender][target]: written by the sender's lcore
  uint64_t expected_from[2][2] = {};    // [target][sender]: written by the target's lcore
  lockstep::poller* sender_poller[2] = {};
  lockstep::poller* finisher = nullptr;
  std::atomic<uint32_t> streams_done{0};

  static uintptr_t encode(uint32_t sender, uint32_t target, uint64_t seq) {
    return static_cast<uintptr_t>(seq << 2 | uint64_t{sender} << 1 | target);
  }

  static void receive(void* self, void* code_ptr) {
    auto* t = static_cast<stream_test*>(self);
    const auto code = reinterpret_cast<uintptr_t>(code_ptr);
    const uint32_t target = code & 1;
    const uint32_t sender = (code >> 1) & 1;
    const uint64_t seq = code >> 2;
    const uint32_t here = t->cores.index_of(lockstep::current_core());
    if (here != target) {
      // Count it on the core that really ran it, so that only one lcore writes each counter.
      if (here < 2) ++t->counters[here].wrong_core;
      return;
    }
    core_counters& c = t->counters[target];
    ++c.executed;
    uint64_t& expected = t->expected_from[target][sender];
    if (seq != expected) ++c.out_of_order;
    expected = seq + 1;
    if (expected == per_pair) t->streams_done.fetch_add(1, std::memory_order_relaxed);
  }

  // Each core sends to both cores (itself included) as far as the pool allows, every iteration.
  static int send_some(void* self) {
    auto* t = static_cast<stream_test*>(self);
    const uint32_t me = t->cores.index_of(lockstep::current_core());
    int work = 0;
    bool done = true;
    for (uint32_t target = 0; target < 2; ++target) {
      uint64_t& seq = t->next_seq_to[me][target];
      while (seq < per_pair) {
        lockstep::event* ev = lockstep::event_allocate(
            t->cores.id[target], receive, t, reinterpret_cast<void*>(encode(me, target, seq)));
        if (ev == nullptr) {
          ++t->counters[me].nulls;  // retried on the next iteration
          break;
        }
        lockstep::event_call(ev);
        ++t->counters[me].sent;
        ++seq;
        ++work;
      }
      done = done && seq == per_pair;
    }
    if (done) lockstep::poller_unregister(&t->sender_poller[me]);
    return work;
  }

  static void start_sender(void* self, void*) {
    auto* t = static_cast<stream_test*>(self);
    const uint32_t me = t->cores.index_of(lockstep::current_core());
    t->sender_poller[me] = lockstep::poller_register(send_some, t, 0);
  }

  static int finish(void* self) {
    auto* t = static_cast<stream_test*>(self);
    if (t->streams_done.load(std::memory_order_relaxed) != 4) return 0;
    lockstep::poller_unregister(&t->finisher);
    lockstep::app_stop(0);
    return 1;
  }

  void start() {
    cores = two_cores::of_run();
    if (lockstep::core_count() != 2) {
      ADD_FAILURE() << "the test needs exactly two lcores, the run has " << lockstep::core_count();
      lockstep::app_stop(99);
      return;
    }
    finisher = lockstep::poller_register(finish, this, 0);
    start_sender(this, nullptr);
    // The pool is full at the start: this allocation cannot fail.
    lockstep::event_call(lockstep::event_allocate(cores.id[1], start_sender, this, nullptr));
  }
};

TEST(RealFifo, PerPairOrderOverStreamsLongerThanThePool) {
  auto t = std::make_unique<stream_test>();
  lockstep::real::run_stats stats;
  const int rc =
      lockstep::real::run(real_test::options(pool_size), [&t] { t->start(); }, &stats);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(stats.lcores, 2u);
  uint64_t sent = 0, executed = 0, nulls = 0;
  for (const core_counters& c : t->counters) {
    EXPECT_EQ(c.out_of_order, 0u);
    EXPECT_EQ(c.wrong_core, 0u);
    sent += c.sent;
    executed += c.executed;
    nulls += c.nulls;
  }
  EXPECT_EQ(sent, 4 * per_pair);
  EXPECT_EQ(executed, 4 * per_pair);
  for (uint32_t target = 0; target < 2; ++target)
    for (uint32_t sender = 0; sender < 2; ++sender)
      EXPECT_EQ(t->expected_from[target][sender], per_pair) << target << " <- " << sender;
  // The pool ran dry and the senders retried: every nullptr is in the run's statistics.
  EXPECT_GT(nulls, 0u);
  EXPECT_EQ(stats.alloc_failures, nulls);
  // The stream events, the start event and the one that started core 1's sender.
  EXPECT_EQ(stats.events_executed, 4 * per_pair + 2);
  EXPECT_EQ(stats.dropped_events, 0u);
  EXPECT_EQ(stats.leaked_events, 0u);
}

}  // namespace

namespace {

// Claim: a thread that is not an lcore may allocate and call events during a run; they run on
// their target core in the order that thread called them (it is one external sender), and its
// nullptrs are counted in the run's alloc_failures like any other.
TEST(RealFifo, AThreadOutsideTheLcoresSendsInOrder) {
  constexpr uint64_t count = 20'000;
  struct state {
    uint32_t target = lockstep::no_core;
    uint64_t next_expected = 0;   // on the target core only
    uint64_t out_of_order = 0;    // on the target core only
    uint64_t wrong_core = 0;      // on the target core only
    uint64_t nulls = 0;           // on the sending thread only
  } s;
  auto receive = [](void* st, void* seq_ptr) {
    auto* x = static_cast<state*>(st);
    const auto seq = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(seq_ptr));
    if (lockstep::current_core() != x->target) ++x->wrong_core;
    if (seq != x->next_expected) ++x->out_of_order;
    x->next_expected = seq + 1;
    if (x->next_expected == count) lockstep::app_stop(0);
  };
  std::thread sender;
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(127),
      [&] {
        s.target = lockstep::next_core(lockstep::first_core());
        sender = std::thread([&s, receive] {
          for (uint64_t seq = 0; seq < count;) {
            lockstep::event* ev = lockstep::event_allocate(
                s.target, receive, &s, reinterpret_cast<void*>(static_cast<uintptr_t>(seq)));
            if (ev == nullptr) {
              ++s.nulls;
              std::this_thread::yield();
              continue;
            }
            lockstep::event_call(ev);
            ++seq;
          }
        });
      },
      &stats);
  sender.join();
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(s.next_expected, count);
  EXPECT_EQ(s.out_of_order, 0u);
  EXPECT_EQ(s.wrong_core, 0u);
  EXPECT_EQ(stats.alloc_failures, s.nulls);
  EXPECT_EQ(stats.events_executed, count + 1);
}

}  // namespace
