// Claim: events a core sends to another core from inside its bursts — several per event, up to
// 41 (more than a burst holds), interleaved with events it sends to itself and with events its
// poller sends — run on the target in call order, none lost and none run twice.
#include "real_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace {

using real_test::two_cores;

constexpr uint64_t to_send = 30'000;  // events from core 0 to core 1
constexpr uint32_t drivers_max = 8;   // driver events in flight on core 0
constexpr uint32_t pool_size = 4095;

struct alignas(64) receiver_state {  // written by core 1 only
  uint64_t expected = 0;
  uint64_t out_of_order = 0;
  uint64_t wrong_core = 0;
  uint64_t received = 0;
  uint64_t sent_at_end = UINT64_MAX;
};

struct alignas(64) sender_state {  // written by core 0 only
  uint64_t next_seq = 0;
  uint64_t next_local_seq = 0;
  uint64_t expected_local = 0;
  uint64_t local_out_of_order = 0;
  uint32_t drivers_live = 0;
  uint32_t driver_round = 0;
  bool end_sent = false;
  lockstep::poller* poller = nullptr;
};

struct staged_test {
  two_cores cores;
  sender_state s;
  receiver_state r;

  static void receive(void* self, void* seq_ptr) {
    auto* t = static_cast<staged_test*>(self);
    if (lockstep::current_core() != t->cores.id[1]) {
      ++t->r.wrong_core;  // only core 1 runs this when the framework is right
      return;
    }
    const auto seq = reinterpret_cast<uintptr_t>(seq_ptr);
    if (seq != t->r.expected) ++t->r.out_of_order;
    t->r.expected = seq + 1;
    ++t->r.received;
  }

  // Sent by core 0 after every other event for core 1: per-pair FIFO puts it last.
  static void end(void* self, void* sent_ptr) {
    auto* t = static_cast<staged_test*>(self);
    t->r.sent_at_end = reinterpret_cast<uintptr_t>(sent_ptr);
    lockstep::app_stop(0);
  }

  static void local_check(void* self, void* seq_ptr) {
    auto* t = static_cast<staged_test*>(self);
    const auto seq = reinterpret_cast<uintptr_t>(seq_ptr);
    if (seq != t->s.expected_local) ++t->s.local_out_of_order;
    t->s.expected_local = seq + 1;
  }

  // Sends up to n numbered events to core 1; stops at the first allocation failure (the
  // numbers continue from there next time, so order is unaffected).
  void send_to_other(uint32_t n) {
    for (uint32_t k = 0; k < n && s.next_seq < to_send; ++k) {
      lockstep::event* ev = lockstep::event_allocate(cores.id[1], receive, this,
                                                     reinterpret_cast<void*>(s.next_seq));
      if (ev == nullptr) return;
      lockstep::event_call(ev);
      ++s.next_seq;
    }
  }

  void send_to_self() {
    lockstep::event* ev = lockstep::event_allocate(cores.id[0], local_check, this,
                                                   reinterpret_cast<void*>(s.next_local_seq));
    if (ev == nullptr) return;
    lockstep::event_call(ev);
    ++s.next_local_seq;
  }

  // A driver event on core 0: a varying number of events to core 1 (1 to 41: from one to more
  // than a burst's 8), with an event to itself in the middle.
  static void driver(void* self, void*) {
    auto* t = static_cast<staged_test*>(self);
    --t->s.drivers_live;
    const uint32_t n = (t->s.driver_round++ * 7) % 41 + 1;
    t->send_to_other(n / 2);
    t->send_to_self();
    t->send_to_other(n - n / 2);
  }

  // Core 0's poller: keeps the drivers going, sends a few events itself, and ends the stream.
  static int feed(void* self) {
    auto* t = static_cast<staged_test*>(self);
    if (t->s.next_seq < to_send) {
      t->send_to_other(3);
      while (t->s.drivers_live < drivers_max) {
        lockstep::event* ev = lockstep::event_allocate(t->cores.id[0], driver, t, nullptr);
        if (ev == nullptr) break;
        lockstep::event_call(ev);
        ++t->s.drivers_live;
      }
      return 1;
    }
    if (!t->s.end_sent) {
      lockstep::event* ev = lockstep::event_allocate(t->cores.id[1], end, t,
                                                     reinterpret_cast<void*>(t->s.next_seq));
      if (ev == nullptr) return 0;  // retried next iteration
      lockstep::event_call(ev);
      t->s.end_sent = true;
    }
    return 0;
  }

  void start() {
    // Core 0 of the test is the core running start (its poller sends), core 1 the other one.
    const two_cores run = two_cores::of_run();
    cores.id[0] = lockstep::current_core();
    cores.id[1] = run.id[0] == cores.id[0] ? run.id[1] : run.id[0];
    if (lockstep::core_count() != 2) {
      ADD_FAILURE() << "the test needs exactly two lcores, the run has " << lockstep::core_count();
      lockstep::app_stop(99);
      return;
    }
    s.poller = lockstep::poller_register(feed, this, 0);
  }
};

TEST(RealStagedFifo, BurstsSendingManyEventsToAnotherCoreKeepCallOrder) {
  staged_test t;
  lockstep::real::run_stats stats;
  ASSERT_EQ(lockstep::real::run(real_test::options(pool_size), [&] { t.start(); }, &stats), 0);
  EXPECT_EQ(t.r.wrong_core, 0u);
  EXPECT_EQ(t.r.out_of_order, 0u);
  EXPECT_EQ(t.r.sent_at_end, to_send);
  EXPECT_EQ(t.r.received, to_send);  // each ran once: every number, in order, none twice
  EXPECT_EQ(t.s.local_out_of_order, 0u);
  EXPECT_GT(t.s.next_local_seq, 0u);
  EXPECT_EQ(stats.leaked_events, 0u);
}

}  // namespace

namespace {

// Claim: events an event sends to another core just before it calls app_stop are not lost in
// its sender's hands: each one either ran on the other core before that core stopped or is
// counted as dropped, and every one is back in the pool.
TEST(RealStagedFifo, EventsStagedWhenTheAppStopsAreRunOrDropped) {
  struct sends {
    uint32_t other = lockstep::no_core;
    uint64_t ran = 0;  // written by the other core only
    static void count(void* self, void*) { ++static_cast<sends*>(self)->ran; }
  } s;
  constexpr uint32_t sent = 5;
  lockstep::real::run_stats stats;
  const int rc = lockstep::real::run(
      real_test::options(255),
      [&] {
        const two_cores run = two_cores::of_run();
        s.other = run.id[0] == lockstep::current_core() ? run.id[1] : run.id[0];
        for (uint32_t i = 0; i < sent; ++i) {
          lockstep::event* ev = lockstep::event_allocate(s.other, sends::count, &s, nullptr);
          ASSERT_NE(ev, nullptr);
          lockstep::event_call(ev);
        }
        lockstep::app_stop(3);
      },
      &stats);
  EXPECT_EQ(rc, 3);
  EXPECT_EQ(s.ran + stats.dropped_events, sent);
  EXPECT_EQ(stats.events_executed, 1 + s.ran);
  EXPECT_EQ(stats.leaked_events, 0u);
}

}  // namespace
