// Events in the simulator: per-pair FIFO, never inline, target core, pool exhaustion.
#include <lockstep/sim.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace {

using lockstep::sim::outcome;

lockstep::sim::options opts_for(uint64_t seed, uint32_t cores = 4) {
  lockstep::sim::options o;
  o.seed = seed;
  o.cores = cores;
  return o;
}

// Two senders each send a numbered stream to core 2; core 2 records (sender, number).
struct fifo_world {
  static constexpr uint32_t per_sender = 40;
  std::vector<std::pair<uint32_t, uint32_t>> received;
  uint32_t sent[2] = {0, 0};
};

void on_receive(void* a1, void* a2) {
  auto* w = static_cast<fifo_world*>(a1);
  const auto packed = reinterpret_cast<uintptr_t>(a2);
  w->received.emplace_back(static_cast<uint32_t>(packed >> 32), static_cast<uint32_t>(packed));
}

void send_stream(void* a1, void*) {
  auto* w = static_cast<fifo_world*>(a1);
  const uint32_t self = lockstep::current_core();
  for (uint32_t i = 0; i < fifo_world::per_sender; ++i) {
    const uintptr_t packed = (uintptr_t{self} << 32) | i;
    lockstep::event* ev = lockstep::event_allocate(2, on_receive, w, reinterpret_cast<void*>(packed));
    ASSERT_NE(ev, nullptr);
    lockstep::event_call(ev);
  }
}

void stop_when_done(void* a1, void*) {
  auto* w = static_cast<fifo_world*>(a1);
  if (w->received.size() == 2 * fifo_world::per_sender) {
    lockstep::app_stop(0);
    return;
  }
  lockstep::event_call(lockstep::event_allocate(lockstep::current_core(), stop_when_done, w, nullptr));
}

TEST(SimEvents, PerPairFifoHoldsWhileSendersInterleave) {
  uint32_t seeds_with_interleaving = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    fifo_world w;
    auto r = lockstep::sim::run(opts_for(seed), [&w] {
      for (uint32_t sender : {0u, 1u})
        lockstep::event_call(lockstep::event_allocate(sender, send_stream, &w, nullptr));
      lockstep::event_call(lockstep::event_allocate(2, stop_when_done, &w, nullptr));
    });
    ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
    ASSERT_EQ(w.received.size(), 2 * fifo_world::per_sender);
    uint32_t next[2] = {0, 0};
    bool switched = false;
    for (size_t i = 0; i < w.received.size(); ++i) {
      const auto [sender, number] = w.received[i];
      ASSERT_LT(sender, 2u);
      ASSERT_EQ(number, next[sender]) << "seed " << seed << ": sender " << sender << " out of order";
      ++next[sender];
      if (i > 0 && w.received[i - 1].first != sender) switched = true;
    }
    seeds_with_interleaving += switched;
  }
  // FIFO per pair, but no order across senders: the streams must interleave in some runs.
  EXPECT_GT(seeds_with_interleaving, 100u);
}

bool g_ran = false;
void set_ran(void*, void*) { g_ran = true; }

TEST(SimEvents, NeverRunsInlineAndRunsOnTheTargetCore) {
  std::vector<uint32_t> ran_on;
  bool ran_inline = false;
  auto r = lockstep::sim::run(opts_for(3), [&] {
    g_ran = false;
    lockstep::event_call(lockstep::event_allocate(0, set_ran, nullptr, nullptr));
    ran_inline = g_ran;  // the event targets this very core: still not run yet
    for (uint32_t c = 0; c < 4; ++c) {
      lockstep::event_call(lockstep::event_allocate(
          c,
          [](void* a1, void*) {
            static_cast<std::vector<uint32_t>*>(a1)->push_back(lockstep::current_core());
          },
          &ran_on, nullptr));
    }
    lockstep::event_call(lockstep::event_allocate(
        3, [](void*, void*) { (void)lockstep::poller_register([](void*) {
          lockstep::app_stop(0);
          return 0;
        }, nullptr, 50); }, nullptr, nullptr));
  });
  EXPECT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_FALSE(ran_inline);
  EXPECT_TRUE(g_ran);
  std::sort(ran_on.begin(), ran_on.end());
  EXPECT_EQ(ran_on, (std::vector<uint32_t>{0, 1, 2, 3}));
}

void noop(void*, void*) {}

TEST(SimEvents, ExhaustedPoolReturnsNullptrAndRefillsAfterEventsRun) {
  auto o = opts_for(5, 2);
  o.event_pool_size = 8;
  uint32_t first_round = 0, second_round = 0, after_failure = 0;
  auto r = lockstep::sim::run(o, [&] {
    // Take the whole pool, then one more.
    std::vector<lockstep::event*> held;
    while (lockstep::event* ev = lockstep::event_allocate(1, noop, nullptr, nullptr)) held.push_back(ev);
    first_round = static_cast<uint32_t>(held.size());
    after_failure = lockstep::event_allocate(1, noop, nullptr, nullptr) == nullptr ? 1 : 0;
    for (lockstep::event* ev : held) lockstep::event_call(ev);
    // Once core 1 has run them, the pool is whole again.
    (void)lockstep::poller_register(
        [](void* arg) {
          auto* n = static_cast<uint32_t*>(arg);
          std::vector<lockstep::event*> again;
          while (lockstep::event* ev = lockstep::event_allocate(1, noop, nullptr, nullptr))
            again.push_back(ev);
          *n = static_cast<uint32_t>(again.size());
          for (lockstep::event* ev : again) lockstep::event_call(ev);
          lockstep::app_stop(0);
          return 1;
        },
        &second_round, 100);
  });
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_EQ(first_round, 8u);  // the simulator's start event takes no slot of the pool
  EXPECT_EQ(after_failure, 1u);
  EXPECT_EQ(second_round, 8u);
  EXPECT_EQ(r.alloc_failures, 3u);  // the two loops' terminating nullptrs and the extra one
  EXPECT_EQ(r.dropped_events, 8u);  // the second round was queued when the app stopped
  EXPECT_EQ(r.leaked_events, 0u);
}

TEST(SimEvents, InvalidCoreGivesNullptrAndCountsAFailure) {
  lockstep::event* bad1 = reinterpret_cast<lockstep::event*>(1);
  lockstep::event* bad2 = reinterpret_cast<lockstep::event*>(1);
  auto r = lockstep::sim::run(opts_for(1, 2), [&] {
    bad1 = lockstep::event_allocate(2, noop, nullptr, nullptr);
    bad2 = lockstep::event_allocate(lockstep::no_core, noop, nullptr, nullptr);
    lockstep::app_stop(0);
  });
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(bad1, nullptr);
  EXPECT_EQ(bad2, nullptr);
  EXPECT_EQ(r.alloc_failures, 2u);
}

TEST(SimEvents, CoreEnumerationCoversEveryCoreOnce) {
  std::vector<uint32_t> cores;
  uint32_t count = 0;
  auto r = lockstep::sim::run(opts_for(1, 5), [&] {
    count = lockstep::core_count();
    for (uint32_t c = lockstep::first_core(); c != lockstep::no_core; c = lockstep::next_core(c))
      cores.push_back(c);
    lockstep::app_stop(0);
  });
  EXPECT_EQ(r.outcome, outcome::stopped);
  EXPECT_EQ(count, 5u);
  EXPECT_EQ(cores, (std::vector<uint32_t>{0, 1, 2, 3, 4}));
}

struct chain {
  uint32_t left = 1000;
  uint64_t last_ns = 0;
  uint64_t min_gap_ns = UINT64_MAX;
  uint64_t max_gap_ns = 0;
};

void chain_link(void* a1, void*) {
  auto* ch = static_cast<chain*>(a1);
  const uint64_t now = lockstep::now_ns();
  if (ch->left < 1000) {
    ch->min_gap_ns = std::min(ch->min_gap_ns, now - ch->last_ns);
    ch->max_gap_ns = std::max(ch->max_gap_ns, now - ch->last_ns);
  }
  ch->last_ns = now;
  if (--ch->left == 0) {
    lockstep::app_stop(0);
    return;
  }
  lockstep::event_call(lockstep::event_allocate(0, chain_link, ch, nullptr));
}

TEST(SimEvents, EveryEventCostsRealisticVirtualTime) {
  // One chain of 1000 events on one core: each starts 40..199 ns after the previous one.
  chain c;
  auto r = lockstep::sim::run(opts_for(9, 1), [&c] {
    lockstep::event_call(lockstep::event_allocate(0, chain_link, &c, nullptr));
  });
  ASSERT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_GE(c.min_gap_ns, 40u);
  EXPECT_LT(c.max_gap_ns, 200u);
  EXPECT_GT(c.max_gap_ns, c.min_gap_ns);  // jitter is drawn, not constant
  EXPECT_GE(r.virtual_ns, 1000u * 40);
}

}  // namespace
