// spdk/thread.h: pollers bound to the calling spdk_thread.
//
// A poller is a lockstep poller on its thread's core, registered with the application's own
// function and argument (so traces name it by that function); while it runs, spdk_get_thread
// finds its thread through the core's poller_owner map. A paused poller is unregistered from
// the core and registered again on resume.
#include "thread_world.hpp"

using namespace lockstep::spdk_compat::detail;

namespace {

// The caller's thread, which must be p's.
void check_owner(world& w, const spdk_poller* p, const char* call) {
  spdk_thread* self = thread_of_caller(w);
  if (self != p->thread)
    misuse("%s: the poller belongs to thread %s (id %llu), called from thread %s", call,
           p->thread->name.c_str(), static_cast<unsigned long long>(p->thread->id),
           self != nullptr ? self->name.c_str() : "(none: not a reactor core)");
}

// Takes p off its core. The owner entry stays while p runs (spdk_get_thread inside it must still
// find its thread); a later registration at the same address replaces it.
void take_off_core(world& w, spdk_poller* p) {
  core_state& cs = w.cores[p->thread->reactor];
  if (w.rt.at(p->thread->reactor).running_poller() != p->registered)
    cs.poller_owner.erase(p->registered);
  lockstep::poller_unregister(&p->registered);
}

}  // namespace

extern "C" {

struct spdk_poller* spdk_poller_register(spdk_poller_fn fn, void* arg,
                                         uint64_t period_microseconds) {
  world* w = current_world();
  spdk_thread* t = w != nullptr ? thread_of_caller(*w) : nullptr;
  if (t == nullptr) {
    // Outside a run or a reactor core: lockstep's own refusal (a message, NULL).
    return reinterpret_cast<spdk_poller*>(lockstep::poller_register(fn, arg, period_microseconds));
  }
  if (t->reactor != current_reactor_index())
    misuse("spdk_poller_register: the current thread %s is placed on core %u, the caller runs "
           "on another core", t->name.c_str(), t->core);
  thread_state s = t->state.load(std::memory_order_acquire);
  if (s == thread_state::exited || s == thread_state::destroyed) {
    SPDK_ERRLOG("thread %s is marked as exited\n", t->name.c_str());
    return nullptr;
  }
  lockstep::poller* lp = lockstep::poller_register(fn, arg, period_microseconds);
  if (lp == nullptr) return nullptr;
  auto* p = new spdk_poller{t, fn, arg, period_microseconds, lp};
  w->cores[t->reactor].poller_owner[lp] = t;
  t->pollers.insert(p);
  ++t->pollers_active;
  return p;
}

struct spdk_poller* spdk_poller_register_named(spdk_poller_fn fn, void* arg,
                                               uint64_t period_microseconds, const char*) {
  return spdk_poller_register(fn, arg, period_microseconds);
}

void spdk_poller_unregister(struct spdk_poller** ppoller) {
  if (ppoller == nullptr) {
    lockstep::poller_unregister(nullptr);  // misuse: lockstep's check names it
    return;
  }
  spdk_poller* p = *ppoller;
  if (p == nullptr) return;
  world* w = world_for("spdk_poller_unregister");
  if (w == nullptr) return;
  check_owner(*w, p, "spdk_poller_unregister");
  spdk_thread* t = p->thread;
  if (p->registered != nullptr) {
    take_off_core(*w, p);
    --t->pollers_active;
  }
  t->pollers.erase(p);
  delete p;
  *ppoller = nullptr;
  recheck_exit_later(*w, t);
}

void spdk_poller_pause(struct spdk_poller* poller) {
  world* w = world_for("spdk_poller_pause");
  if (w == nullptr || poller == nullptr) return;
  check_owner(*w, poller, "spdk_poller_pause");
  if (poller->registered == nullptr) return;  // already paused
  take_off_core(*w, poller);
  --poller->thread->pollers_active;
}

void spdk_poller_resume(struct spdk_poller* poller) {
  world* w = world_for("spdk_poller_resume");
  if (w == nullptr || poller == nullptr) return;
  check_owner(*w, poller, "spdk_poller_resume");
  if (poller->registered != nullptr) return;  // not paused
  poller->registered = lockstep::poller_register(poller->fn, poller->arg, poller->period_us);
  if (poller->registered == nullptr) misuse("spdk_poller_resume: not on a reactor core");
  w->cores[poller->thread->reactor].poller_owner[poller->registered] = poller->thread;
  ++poller->thread->pollers_active;
}

}  // extern "C"
