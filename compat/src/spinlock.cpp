// spdk/thread.h's spinlock: an atomic lock word with its holder, and SPDK's rules checked.
#include "spdk/env.h"
#include "thread_world.hpp"

using namespace lockstep::spdk_compat::detail;

namespace {

spdk_thread* holder(const spdk_spinlock* s) noexcept {
  return __atomic_load_n(&s->thread, __ATOMIC_ACQUIRE);
}

bool try_take(spdk_spinlock* s) noexcept {
  int expected = 0;
  return __atomic_compare_exchange_n(&s->locked, &expected, 1, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}

// The calling SPDK thread, which must be one.
spdk_thread* caller(world*& w, const char* call) {
  w = current_world();
  spdk_thread* t = w != nullptr ? thread_of_caller(*w) : nullptr;
  if (t == nullptr) misuse("%s: not called from an SPDK thread (a reactor core's code)", call);
  return t;
}

}  // namespace

namespace lockstep::spdk_compat::detail {

void check_no_lock_held(world& w, uint32_t reactor, const char* when, const void* fn) noexcept {
  const uint32_t held = w.cores[reactor].locks_held;
  if (held != 0)
    misuse("a message %s (%s) while %u spdk_spinlock(s) taken on this core are still held: a "
           "lock is released before the message, poller or event that took it returns",
           when, name_of(fn), held);
}

}  // namespace lockstep::spdk_compat::detail

extern "C" {

void spdk_spin_init(struct spdk_spinlock* sspin) {
  sspin->locked = 0;
  sspin->thread = nullptr;
}

void spdk_spin_destroy(struct spdk_spinlock* sspin) {
  if (spdk_thread* h = holder(sspin))
    misuse("spdk_spin_destroy: the lock is held (by thread %s)", h->name.c_str());
}

void spdk_spin_lock(struct spdk_spinlock* sspin) {
  world* w = nullptr;
  spdk_thread* t = caller(w, "spdk_spin_lock");
  if (holder(sspin) == t)
    misuse("spdk_spin_lock: thread %s already holds this lock (a deadlock)", t->name.c_str());
  if (!try_take(sspin)) {
    spdk_thread* h = holder(sspin);
    // A holder on the caller's core is not running (one thing at a time per core); in the
    // simulator no holder is: either way its message, poller or event returned holding it.
    if (h != nullptr &&
        (h->reactor == t->reactor || w->one_unit_at_a_time.load(std::memory_order_relaxed)))
      misuse("spdk_spin_lock: the lock is held by thread %s, whose message, poller or event "
             "returned without releasing it", h->name.c_str());
    while (!try_take(sspin)) spdk_pause();
  }
  __atomic_store_n(&sspin->thread, t, __ATOMIC_RELEASE);
  ++w->cores[t->reactor].locks_held;
}

void spdk_spin_unlock(struct spdk_spinlock* sspin) {
  world* w = nullptr;
  spdk_thread* t = caller(w, "spdk_spin_unlock");
  spdk_thread* h = holder(sspin);
  if (h != t)
    misuse("spdk_spin_unlock: thread %s does not hold this lock (%s%s)", t->name.c_str(),
           h != nullptr ? "held by thread " : "not held", h != nullptr ? h->name.c_str() : "");
  --w->cores[t->reactor].locks_held;
  __atomic_store_n(&sspin->thread, nullptr, __ATOMIC_RELEASE);
  __atomic_store_n(&sspin->locked, 0, __ATOMIC_RELEASE);
}

bool spdk_spin_held(struct spdk_spinlock* sspin) {
  world* w = nullptr;
  spdk_thread* t = caller(w, "spdk_spin_held");
  return holder(sspin) == t;
}

}  // extern "C"
