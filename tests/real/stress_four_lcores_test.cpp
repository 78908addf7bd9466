// Claim: four reactors sending to each other and to themselves — from pollers and from inside
// events, in bursts of 1 to 300 events to one target (more than a pair queue's 128 slots, so
// senders overflow), from a pool small enough to run dry — run every event exactly once, on its
// target, and each (sender, target) pair's events in call order (checked on every event).
//
// Four lcores on two CPUs (`--lcores 0@0,1@1,2@0,3@1`): over-subscribed, so reactors are
// descheduled for whole time slices while their peers keep sending to them — the case where
// queues fill up. LOCKSTEP_STRESS_EAL_ARGS (space-separated) replaces the EAL arguments.
#include <lockstep/real.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr uint32_t cores_n = 4;
constexpr uint64_t quota_per_core = 12'000;  // events each core's poller sends (ends excluded)
constexpr uint32_t pool_size = 2047;
constexpr uint32_t burst_sizes[] = {1, 7, 40, 300, 3, 150};

std::vector<std::string> eal_args() {
  if (const char* env = std::getenv("LOCKSTEP_STRESS_EAL_ARGS"); env != nullptr && *env != '\0') {
    std::vector<std::string> args;
    std::istringstream in(env);
    for (std::string a; in >> a;) args.push_back(a);
    return args;
  }
  return {"--lcores", "0@0,1@1,2@0,3@1", "--no-huge", "--no-pci", "-m", "256", "--no-shconf"};
}

struct alignas(64) core_state {  // written by its own core only
  uint64_t next_seq[cores_n] = {};   // as a sender: the next number for each target
  uint64_t expected[cores_n] = {};   // as a target: the next number from each sender
  uint64_t received[cores_n] = {};   // as a target: events from each sender
  uint64_t out_of_order = 0;
  uint64_t wrong_core = 0;
  uint64_t sent_by_poller = 0;
  uint64_t nulls = 0;
  uint32_t ends_received = 0;
  uint32_t next_target = 0;
  uint32_t next_burst = 0;
  bool ends_sent[cores_n] = {};
  bool all_ends_sent = false;
  lockstep::poller* poller = nullptr;
};

struct stress {
  uint32_t core_id[cores_n] = {};
  core_state st[cores_n];
  std::atomic<uint32_t> finished{0};

  uint32_t index_of(uint32_t core) const {
    for (uint32_t i = 0; i < cores_n; ++i)
      if (core_id[i] == core) return i;
    return cores_n;
  }

  // arg2: sender index in the top byte, target index in the next, the pair's number below.
  static void* pack(uint32_t sender, uint32_t target, uint64_t seq) {
    return reinterpret_cast<void*>((uint64_t{sender} << 56) | (uint64_t{target} << 48) | seq);
  }
  static void unpack(void* p, uint32_t* sender, uint32_t* target, uint64_t* seq) {
    const auto v = reinterpret_cast<uint64_t>(p);
    *sender = static_cast<uint32_t>(v >> 56);
    *target = static_cast<uint32_t>(v >> 48) & 0xff;
    *seq = v & ((uint64_t{1} << 48) - 1);
  }

  // Sends the next numbered event of the pair (me -> target); false when the pool is dry.
  bool send(uint32_t me, uint32_t target, lockstep::event_fn fn) {
    core_state& s = st[me];
    lockstep::event* ev =
        lockstep::event_allocate(core_id[target], fn, this, pack(me, target, s.next_seq[target]));
    if (ev == nullptr) {
      ++s.nulls;
      return false;
    }
    ++s.next_seq[target];
    lockstep::event_call(ev);
    return true;
  }

  // Checks the pair's order; returns the receiving index (cores_n when on no test core).
  uint32_t receive(void* arg2) {
    const uint32_t me = index_of(lockstep::current_core());
    uint32_t sender = 0, target = 0;
    uint64_t seq = 0;
    unpack(arg2, &sender, &target, &seq);
    if (me >= cores_n || sender >= cores_n) return cores_n;
    core_state& s = st[me];
    if (target != me) ++s.wrong_core;
    if (seq != s.expected[sender]) ++s.out_of_order;
    s.expected[sender] = seq + 1;
    ++s.received[sender];
    return me;
  }

  static void data(void* self, void* arg2) {
    auto* t = static_cast<stress*>(self);
    const uint32_t me = t->receive(arg2);
    if (me == cores_n) return;
    core_state& s = t->st[me];
    // Every 8th event sends one on, from inside the burst, to the next core — while this core
    // has not sent its ends (an end is the last event of its pair).
    uint32_t sender = 0, target = 0;
    uint64_t seq = 0;
    unpack(arg2, &sender, &target, &seq);
    if (seq % 8 == 0) {
      const uint32_t to = (me + 1 + static_cast<uint32_t>(seq / 8) % 3) % cores_n;
      if (!s.ends_sent[to]) t->send(me, to, data);
    }
  }

  static void end(void* self, void* arg2) {
    auto* t = static_cast<stress*>(self);
    const uint32_t me = t->receive(arg2);
    if (me == cores_n) return;
    // Per-pair FIFO: every event of every pair to this core ran before the last end.
    if (++t->st[me].ends_received == cores_n &&
        t->finished.fetch_add(1, std::memory_order_acq_rel) + 1 == cores_n)
      lockstep::app_stop(0);
  }

  static int feed(void* self) {
    auto* t = static_cast<stress*>(self);
    const uint32_t me = t->index_of(lockstep::current_core());
    core_state& s = t->st[me];
    if (s.sent_by_poller < quota_per_core) {
      const uint32_t target = s.next_target;
      s.next_target = (s.next_target + 1) % cores_n;
      const uint32_t burst = burst_sizes[s.next_burst++ % std::size(burst_sizes)];
      for (uint32_t k = 0; k < burst && s.sent_by_poller < quota_per_core; ++k) {
        if (!t->send(me, target, data)) break;
        ++s.sent_by_poller;
      }
      return 1;
    }
    if (!s.all_ends_sent) {
      bool all = true;
      for (uint32_t to = 0; to < cores_n; ++to) {
        if (s.ends_sent[to]) continue;
        if (t->send(me, to, end)) {
          s.ends_sent[to] = true;
        } else {
          all = false;  // retried next iteration
        }
      }
      s.all_ends_sent = all;
      return 1;
    }
    return 0;
  }

  static void start_poller(void* self, void*) {
    auto* t = static_cast<stress*>(self);
    core_state& s = t->st[t->index_of(lockstep::current_core())];
    s.poller = lockstep::poller_register(feed, t, 0);
  }

  void start() {
    if (lockstep::core_count() != cores_n) {
      ADD_FAILURE() << "the test needs " << cores_n << " lcores, the run has "
                    << lockstep::core_count();
      lockstep::app_stop(99);
      return;
    }
    uint32_t c = lockstep::first_core();
    for (uint32_t i = 0; i < cores_n; ++i, c = lockstep::next_core(c)) core_id[i] = c;
    for (uint32_t i = 0; i < cores_n; ++i) {
      lockstep::event* ev = lockstep::event_allocate(core_id[i], start_poller, this, nullptr);
      ASSERT_NE(ev, nullptr);
      lockstep::event_call(ev);
    }
  }
};

TEST(RealStress, FourReactorsSendingToEachOtherKeepPairOrderAndRunEveryEventOnce) {
  auto t = std::make_unique<stress>();
  lockstep::real::options o;
  o.eal_args = eal_args();
  o.event_pool_size = pool_size;
  lockstep::real::run_stats stats;
  ASSERT_EQ(lockstep::real::run(o, [&] { t->start(); }, &stats), 0) << stats.failure;
  uint64_t sent_total = 0;
  uint64_t nulls = 0;
  for (uint32_t r = 0; r < cores_n; ++r) {
    EXPECT_EQ(t->st[r].out_of_order, 0u) << "target " << r;
    EXPECT_EQ(t->st[r].wrong_core, 0u) << "target " << r;
    nulls += t->st[r].nulls;
    for (uint32_t s = 0; s < cores_n; ++s) {
      // Every number of the pair ran once, in order: as many received as sent, the last one
      // the end (the sequence check above saw no gap and no repeat).
      EXPECT_EQ(t->st[r].received[s], t->st[s].next_seq[r]) << s << " -> " << r;
      EXPECT_EQ(t->st[r].expected[s], t->st[s].next_seq[r]) << s << " -> " << r;
      sent_total += t->st[s].next_seq[r];
    }
  }
  EXPECT_EQ(stats.dropped_events, 0u);
  EXPECT_EQ(stats.leaked_events, 0u);
  // The start event, the four poller starts, and every numbered event.
  EXPECT_EQ(stats.events_executed, 1 + cores_n + sent_total);
  EXPECT_EQ(stats.alloc_failures, nulls);
  std::printf("stress: %llu events, %llu allocation failures (the pool ran dry)\n",
              static_cast<unsigned long long>(sent_total), static_cast<unsigned long long>(nulls));
}

}  // namespace
