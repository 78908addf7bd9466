// spdk/env.h's memory pools and rings, and spdk/thread.h's spinlock: SPDK's semantics, the
// misuse checks, and pools' names belonging to their run.
#include "spdk/env.h"
#include "spdk/event.h"
#include "spdk/thread.h"

#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace {

using lockstep::sim::outcome;

TEST(SpdkMempool, HandsOutEveryElementOnceLowestFirstThenNull) {
  spdk_mempool* mp = spdk_mempool_create("env_pool_a", 4, 100, SPDK_MEMPOOL_DEFAULT_CACHE_SIZE,
                                         SPDK_ENV_SOCKET_ID_ANY);
  ASSERT_NE(mp, nullptr);
  EXPECT_STREQ(spdk_mempool_get_name(mp), "env_pool_a");
  EXPECT_EQ(spdk_mempool_count(mp), 4u);
  std::vector<char*> got;
  for (int i = 0; i < 4; ++i) got.push_back(static_cast<char*>(spdk_mempool_get(mp)));
  EXPECT_EQ(spdk_mempool_get(mp), nullptr) << "an exhausted pool returns NULL";
  EXPECT_EQ(spdk_mempool_count(mp), 0u);
  for (int i = 0; i < 4; ++i) {
    ASSERT_NE(got[i], nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(got[i]) % 64, 0u);
    if (i > 0) {
      EXPECT_GE(got[i] - got[i - 1], 100) << "elements do not overlap, in order";
    }
  }
  // Last in, first out.
  spdk_mempool_put(mp, got[2]);
  spdk_mempool_put(mp, got[0]);
  EXPECT_EQ(spdk_mempool_count(mp), 2u);
  EXPECT_EQ(spdk_mempool_get(mp), got[0]);
  EXPECT_EQ(spdk_mempool_get(mp), got[2]);
  spdk_mempool_put_bulk(mp, reinterpret_cast<void**>(got.data()), 4);
  EXPECT_EQ(spdk_mempool_count(mp), 4u);
  spdk_mempool_free(mp);
}

TEST(SpdkMempool, BulkGetIsAllOrNothing) {
  spdk_mempool* mp = spdk_mempool_create("env_pool_bulk", 3, 8, 0, SPDK_ENV_SOCKET_ID_ANY);
  ASSERT_NE(mp, nullptr);
  void* four[4] = {nullptr, nullptr, nullptr, nullptr};
  EXPECT_EQ(spdk_mempool_get_bulk(mp, four, 4), -ENOMEM);
  EXPECT_EQ(four[0], nullptr) << "nothing taken when not all can be";
  EXPECT_EQ(spdk_mempool_count(mp), 3u);
  EXPECT_EQ(spdk_mempool_get_bulk(mp, four, 3), 0);
  EXPECT_EQ(std::set<void*>(four, four + 3).size(), 3u);
  EXPECT_EQ(spdk_mempool_count(mp), 0u);
  spdk_mempool_free(mp);
}

void count_ctor(spdk_mempool*, void* opaque, void* obj, unsigned idx) {
  auto* seen = static_cast<std::vector<std::pair<void*, unsigned>>*>(opaque);
  seen->emplace_back(obj, idx);
}

TEST(SpdkMempool, TheConstructorAndTheIteratorsSeeEveryElementOnceInOrder) {
  std::vector<std::pair<void*, unsigned>> made, iterated;
  spdk_mempool* mp = spdk_mempool_create_ctor("env_pool_ctor", 5, 24, 0, SPDK_ENV_SOCKET_ID_ANY,
                                              count_ctor, &made);
  ASSERT_NE(mp, nullptr);
  ASSERT_EQ(made.size(), 5u);
  for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(made[i].second, i);
  EXPECT_EQ(spdk_mempool_obj_iter(mp, count_ctor, &iterated), 5u);
  EXPECT_EQ(iterated, made);
  EXPECT_EQ(spdk_mempool_get(mp), made[0].first) << "the first element goes first";
  size_t chunks = 0;
  EXPECT_EQ(spdk_mempool_mem_iter(
                mp,
                [](spdk_mempool*, void* n, void*, uint64_t, size_t len, unsigned) {
                  *static_cast<size_t*>(n) += len >= 5 * 24 ? 1 : 100;
                },
                &chunks),
            1u);
  EXPECT_EQ(chunks, 1u);
  spdk_mempool_free(mp);
}

TEST(SpdkMempool, NamesAreCheckedAndFoundNeverTruncated) {
  spdk_mempool* a = spdk_mempool_create("env_pool_named", 1, 8, 0, SPDK_ENV_SOCKET_ID_ANY);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(spdk_mempool_lookup("env_pool_named"), a);
  EXPECT_EQ(spdk_mempool_lookup("env_pool_other"), nullptr);
  errno = 0;
  EXPECT_EQ(spdk_mempool_create("env_pool_named", 1, 8, 0, SPDK_ENV_SOCKET_ID_ANY), nullptr);
  EXPECT_EQ(errno, EEXIST);
  const std::string longest(SPDK_MEMPOOL_NAME_MAX, 'n');
  spdk_mempool* b = spdk_mempool_create(longest.c_str(), 1, 8, 0, SPDK_ENV_SOCKET_ID_ANY);
  EXPECT_NE(b, nullptr);
  errno = 0;
  EXPECT_EQ(spdk_mempool_create((longest + "n").c_str(), 1, 8, 0, SPDK_ENV_SOCKET_ID_ANY),
            nullptr);
  EXPECT_EQ(errno, ENAMETOOLONG);
  errno = 0;
  EXPECT_EQ(spdk_mempool_create("env_pool_zero", 0, 8, 0, SPDK_ENV_SOCKET_ID_ANY), nullptr);
  EXPECT_EQ(errno, EINVAL);
  spdk_mempool_free(a);
  spdk_mempool_free(b);
  EXPECT_EQ(spdk_mempool_lookup("env_pool_named"), nullptr);
  // The name is free again.
  a = spdk_mempool_create("env_pool_named", 1, 8, 0, SPDK_ENV_SOCKET_ID_ANY);
  EXPECT_NE(a, nullptr);
  spdk_mempool_free(a);
}

// A run that makes a pool named "run_pool" and ends without freeing it; `found_outer` says
// whether the pool made outside the run was found from inside it.
struct run_pool_state {
  spdk_mempool* made = nullptr;
  spdk_mempool* found_outer = nullptr;
};
run_pool_state g_run_pool;

void make_run_pool(void*) {
  g_run_pool.made = spdk_mempool_create("run_pool", 2, 16, 0, SPDK_ENV_SOCKET_ID_ANY);
  g_run_pool.found_outer = spdk_mempool_lookup("outer_pool");
  spdk_app_stop(0);
}

TEST(SpdkMempool, EachRunHasItsOwnNamesAndSeesThoseMadeOutsideRuns) {
  spdk_mempool* outer = spdk_mempool_create("outer_pool", 1, 8, 0, SPDK_ENV_SOCKET_ID_ANY);
  ASSERT_NE(outer, nullptr);
  std::vector<spdk_mempool*> made;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    g_run_pool = {};
    lockstep::sim::options o;
    o.seed = seed;
    const auto r = lockstep::spdk_compat::run_sim(o, make_run_pool, nullptr);
    EXPECT_EQ(r.outcome, outcome::stopped) << r.failure;
    EXPECT_NE(g_run_pool.made, nullptr) << "run " << seed << ": the name was still taken";
    EXPECT_EQ(g_run_pool.found_outer, outer);
    made.push_back(g_run_pool.made);
  }
  EXPECT_EQ(spdk_mempool_lookup("run_pool"), nullptr) << "a run's names are not the process's";
  for (spdk_mempool* mp : made) spdk_mempool_free(mp);
  spdk_mempool_free(outer);
}

// Misuse inside a run ends it as a failed check naming it.
spdk_mempool* g_misuse_pool = nullptr;
bool g_put_twice = false;

void misuse_pool(void*) {
  void* e = spdk_mempool_get(g_misuse_pool);
  if (g_put_twice) {
    spdk_mempool_put(g_misuse_pool, e);
    spdk_mempool_put(g_misuse_pool, e);
  } else {
    spdk_mempool_put(g_misuse_pool, static_cast<char*>(e) + 1);
  }
  spdk_app_stop(0);
}

TEST(SpdkMempool, APutTwiceOrOfAForeignPointerFailsTheRun) {
  g_misuse_pool = spdk_mempool_create("misuse_pool", 2, 8, 0, SPDK_ENV_SOCKET_ID_ANY);
  ASSERT_NE(g_misuse_pool, nullptr);
  for (const bool twice : {true, false}) {
    g_put_twice = twice;
    const auto r = lockstep::spdk_compat::run_sim({}, misuse_pool, nullptr);
    EXPECT_EQ(r.outcome, outcome::failed);
    EXPECT_NE(r.failure.find(twice ? "put twice" : "not an element of this pool"),
              std::string::npos)
        << r.failure;
    EXPECT_NE(r.failure.find("misuse_pool"), std::string::npos) << r.failure;
  }
  spdk_mempool_free(g_misuse_pool);
}

TEST(SpdkRing, HoldsExactlyCountAndQueuesAllOrNothingInOrder) {
  EXPECT_EQ(spdk_ring_create(static_cast<spdk_ring_type>(3), 4, SPDK_ENV_SOCKET_ID_ANY), nullptr);
  EXPECT_EQ(spdk_ring_create(SPDK_RING_TYPE_MP_SC, 0, SPDK_ENV_SOCKET_ID_ANY), nullptr);
  spdk_ring* ring = spdk_ring_create(SPDK_RING_TYPE_SP_SC, 3, SPDK_ENV_SOCKET_ID_ANY);
  ASSERT_NE(ring, nullptr);
  int v[6] = {0, 1, 2, 3, 4, 5};
  void* in[6] = {&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]};
  size_t free_space = 99;
  EXPECT_EQ(spdk_ring_enqueue(ring, in, 2, &free_space), 2u);
  EXPECT_EQ(free_space, 1u);
  EXPECT_EQ(spdk_ring_enqueue(ring, in + 2, 2, &free_space), 0u) << "all or nothing";
  EXPECT_EQ(free_space, 1u);
  EXPECT_EQ(spdk_ring_count(ring), 2u);
  void* out[6] = {};
  EXPECT_EQ(spdk_ring_dequeue(ring, out, 1), 1u);
  EXPECT_EQ(out[0], in[0]);
  // Around the end of the slots: still oldest first.
  EXPECT_EQ(spdk_ring_enqueue(ring, in + 2, 2, nullptr), 2u);
  EXPECT_EQ(spdk_ring_dequeue(ring, out, 6), 3u);
  EXPECT_EQ(out[0], in[1]);
  EXPECT_EQ(out[1], in[2]);
  EXPECT_EQ(out[2], in[3]);
  EXPECT_EQ(spdk_ring_count(ring), 0u);
  spdk_ring_free(ring);
}

// Spinlocks: what each test does inside its run.
enum class lock_case { clean, held_at_return, twice, unlock_unheld, destroy_held, across_cores };
lock_case g_case = lock_case::clean;
spdk_spinlock g_lock;
bool g_held_inside = false, g_held_after = true;

void take_and_return(void*) { spdk_spin_lock(&g_lock); }  // returns holding it
void take_it(void*) {
  spdk_spin_lock(&g_lock);
  spdk_spin_unlock(&g_lock);
  spdk_app_stop(0);
}

void lock_start(void*) {
  spdk_spin_init(&g_lock);
  switch (g_case) {
    case lock_case::clean:
      spdk_spin_lock(&g_lock);
      g_held_inside = spdk_spin_held(&g_lock);
      spdk_spin_unlock(&g_lock);
      g_held_after = spdk_spin_held(&g_lock);
      spdk_spin_destroy(&g_lock);
      spdk_app_stop(0);
      return;
    case lock_case::held_at_return: {
      spdk_thread* t = spdk_get_thread();
      spdk_thread_send_msg(t, take_and_return, nullptr);
      spdk_thread_send_msg(t, take_it, nullptr);
      return;
    }
    case lock_case::twice:
      spdk_spin_lock(&g_lock);
      spdk_spin_lock(&g_lock);
      return;
    case lock_case::unlock_unheld:
      spdk_spin_unlock(&g_lock);
      return;
    case lock_case::destroy_held:
      spdk_spin_lock(&g_lock);
      spdk_spin_destroy(&g_lock);
      return;
    case lock_case::across_cores: {
      // The lock is taken on this core and kept past the start function's end; a thread on
      // another core then asks for it.
      spdk_spin_lock(&g_lock);
      spdk_cpuset other;
      spdk_cpuset_zero(&other);
      spdk_cpuset_set_cpu(&other, 1, true);
      spdk_thread* t = spdk_thread_create("other", &other);
      spdk_thread_send_msg(t, take_it, nullptr);
      return;
    }
  }
}

lockstep::sim::result run_lock_case(lock_case c) {
  g_case = c;
  lockstep::sim::options o;
  o.cores = 2;
  return lockstep::spdk_compat::run_sim(o, lock_start, nullptr);
}

TEST(SpdkSpinlock, HeldBetweenLockAndUnlockByItsThreadOnly) {
  const auto r = run_lock_case(lock_case::clean);
  EXPECT_EQ(r.outcome, outcome::stopped) << r.failure;
  EXPECT_TRUE(g_held_inside);
  EXPECT_FALSE(g_held_after);
}

TEST(SpdkSpinlock, EachMisuseEndsTheRunNamingIt) {
  const std::vector<std::pair<lock_case, const char*>> cases = {
      {lock_case::held_at_return, "still held"},
      {lock_case::twice, "already holds this lock (a deadlock)"},
      {lock_case::unlock_unheld, "does not hold this lock (not held)"},
      {lock_case::destroy_held, "spdk_spin_destroy: the lock is held"},
      {lock_case::across_cores, "returned without releasing it"},
  };
  for (const auto& [c, text] : cases) {
    const auto r = run_lock_case(c);
    EXPECT_EQ(r.outcome, outcome::failed) << text;
    EXPECT_NE(r.failure.find(text), std::string::npos) << r.failure;
  }
}

}  // namespace
