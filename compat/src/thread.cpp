// spdk/thread.h: the thread library, threads, messages and spdk_for_each_thread.
#include "thread_world.hpp"

#include <cstdio>

using namespace lockstep::spdk_compat::detail;

namespace {

// spdk_thread_lib_init's context size: process-wide, as in SPDK (set before the reactors start).
std::atomic<size_t> g_ctx_sz{0};

// spdk_for_each_thread's walk: fn on every running thread in creation order, then cpl on the
// origin.
struct thread_walk {
  spdk_msg_fn fn;
  spdk_msg_fn cpl;
  void* ctx;
  spdk_thread* origin;
  uint64_t index;  // position in world::threads of the thread being visited
  const char* fn_name;
  const char* cpl_name;
};

// The first running thread at or after `from` in creation order; sets *index. Under w.mutex.
spdk_thread* next_running(world& w, uint64_t from, uint64_t* index) {
  for (uint64_t i = from; i < w.threads.size(); ++i) {
    if (w.threads[i]->state.load(std::memory_order_acquire) == thread_state::running) {
      *index = i;
      return w.threads[i].get();
    }
  }
  return nullptr;
}

void walk_completion(void* arg) {
  auto* walk = static_cast<thread_walk*>(arg);
  spdk_msg_fn cpl = walk->cpl;
  void* ctx = walk->ctx;
  delete walk;
  cpl(ctx);
}

void walk_visit(void* arg) {
  auto* walk = static_cast<thread_walk*>(arg);
  walk->fn(walk->ctx);
  world& w = *current_world();
  spdk_thread* next;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    next = next_running(w, walk->index + 1, &walk->index);
  }
  if (next == nullptr) {
    send_framework_message(w, walk->origin, walk_completion, walk, walk->cpl_name,
                           "spdk_for_each_thread's completion");
  } else {
    send_framework_message(w, next, walk_visit, walk, walk->fn_name, "spdk_for_each_thread");
  }
}

spdk_thread* checked(const spdk_thread* thread, const char* call) {
  if (thread == nullptr) misuse("%s(NULL): no thread given", call);
  auto* t = const_cast<spdk_thread*>(thread);
  if (t->state.load(std::memory_order_acquire) == thread_state::destroyed)
    misuse("%s: thread %s (id %llu) was destroyed", call, t->name.c_str(),
           static_cast<unsigned long long>(t->id));
  return t;
}

}  // namespace

extern "C" {

int spdk_thread_lib_init(spdk_new_thread_fn new_thread_fn, size_t ctx_sz) {
  if (new_thread_fn != nullptr) {
    SPDK_ERRLOG("lockstep's reactors run spdk_threads: a new_thread_fn is not supported\n");
    return -ENOTSUP;
  }
  g_ctx_sz.store(ctx_sz);
  return 0;
}

int spdk_thread_lib_init_ext(spdk_thread_op_fn thread_op_fn, spdk_thread_op_supported_fn,
                             size_t ctx_sz, size_t) {
  if (thread_op_fn != nullptr) {
    SPDK_ERRLOG("lockstep's reactors run spdk_threads: a thread_op_fn is not supported\n");
    return -ENOTSUP;
  }
  g_ctx_sz.store(ctx_sz);
  return 0;
}

void spdk_thread_lib_fini(void) { g_ctx_sz.store(0); }

struct spdk_thread* spdk_thread_create(const char* name, const struct spdk_cpuset* cpumask) {
  world* w = world_for("spdk_thread_create");
  if (w == nullptr) return nullptr;
  auto t = std::make_unique<spdk_thread>();
  if (cpumask != nullptr) {
    spdk_cpuset_copy(&t->cpumask, cpumask);
  } else {
    spdk_cpuset_zero(&t->cpumask);
    spdk_cpuset_negate(&t->cpumask);
  }
  const size_t ctx_sz = g_ctx_sz.load();
  if (ctx_sz > 0) {
    const size_t words = (ctx_sz + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
    t->ctx = std::make_unique<std::max_align_t[]>(words);  // value-initialized: zeroed
  }
  spdk_thread* made;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    // Round-robin over the reactor cores the mask allows, as SPDK's reactors place new threads.
    const uint32_t n = static_cast<uint32_t>(w->cores.size());
    uint32_t chosen = UINT32_MAX;
    for (uint32_t k = 0; k < n; ++k) {
      const uint32_t idx = (w->next_reactor + k) % n;
      if (spdk_cpuset_get_cpu(&t->cpumask, w->rt.core_of(idx))) {
        chosen = idx;
        break;
      }
    }
    if (chosen != UINT32_MAX) {
      w->next_reactor = (chosen + 1) % n;
      t->id = w->threads.size() + 1;
      t->reactor = chosen;
      t->core = w->rt.core_of(chosen);
      t->name = name != nullptr ? name : "thread_" + std::to_string(t->id);
      if (t->ctx) w->thread_of_ctx[t->ctx.get()] = t.get();
      made = t.get();
      w->threads.push_back(std::move(t));
    } else {
      made = nullptr;
    }
  }
  if (made == nullptr)
    SPDK_ERRLOG("spdk_thread_create(%s): the cpumask holds no reactor core of this run\n",
                name != nullptr ? name : "NULL");
  return made;
}

struct spdk_thread* spdk_thread_get_app_thread(void) {
  world* w = current_world();
  return w == nullptr ? nullptr : w->cores[0].own;
}

void spdk_set_thread(struct spdk_thread* thread) {
  world* w = world_for("spdk_set_thread");
  if (w == nullptr) return;
  const uint32_t self = current_reactor_index();
  if (self >= w->cores.size()) {
    std::fprintf(stderr, "lockstep: spdk_set_thread called outside a reactor core; nothing "
                         "done\n");
    return;
  }
  if (thread != nullptr) {
    checked(thread, "spdk_set_thread");
    if (thread->reactor != self)
      misuse("spdk_set_thread(%s): the thread is placed on core %u, the caller runs on core %u",
             thread->name.c_str(), thread->core, w->rt.core_of(self));
  }
  w->cores[self].current = thread;
}

int spdk_thread_exit(struct spdk_thread* thread) {
  world* w = world_for("spdk_thread_exit");
  if (w == nullptr) return -EINVAL;
  checked(thread, "spdk_thread_exit");
  spdk_thread* self = thread_of_caller(*w);
  if (self != thread)
    misuse("spdk_thread_exit(%s) called from thread %s: a thread exits itself",
           thread->name.c_str(), self != nullptr ? self->name.c_str() : "(none)");
  if (thread->reactor_own)
    misuse("spdk_thread_exit(%s): a reactor core's own thread does not exit",
           thread->name.c_str());
  thread_state expected = thread_state::running;
  if (thread->state.compare_exchange_strong(expected, thread_state::exiting))
    recheck_exit_later(*w, thread);
  return 0;
}

bool spdk_thread_is_exited(struct spdk_thread* thread) {
  thread_state s = checked(thread, "spdk_thread_is_exited")->state.load();
  return s == thread_state::exited;
}

bool spdk_thread_is_running(struct spdk_thread* thread) {
  return checked(thread, "spdk_thread_is_running")->state.load() == thread_state::running;
}

void spdk_thread_destroy(struct spdk_thread* thread) {
  world* w = world_for("spdk_thread_destroy");
  if (w == nullptr) return;
  checked(thread, "spdk_thread_destroy");
  if (thread->reactor_own)
    misuse("spdk_thread_destroy(%s): a reactor core's own thread is not destroyed",
           thread->name.c_str());
  if (thread->state.load() != thread_state::exited)
    misuse("spdk_thread_destroy(%s): the thread has not exited (spdk_thread_exit, then wait "
           "for spdk_thread_is_exited)", thread->name.c_str());
  thread->state.store(thread_state::destroyed);
  // Its memory stays until the run ends, so that a late use is named, not a use after free.
  const uint32_t self = current_reactor_index();
  if (self < w->cores.size() && w->cores[self].current == thread) w->cores[self].current = nullptr;
}

void* spdk_thread_get_ctx(struct spdk_thread* thread) {
  return checked(thread, "spdk_thread_get_ctx")->ctx.get();
}

struct spdk_cpuset* spdk_thread_get_cpumask(struct spdk_thread* thread) {
  return &checked(thread, "spdk_thread_get_cpumask")->cpumask;
}

int spdk_thread_set_cpumask(struct spdk_cpuset*) {
  SPDK_ERRLOG("spdk_thread_set_cpumask: lockstep keeps a thread on the core it was placed on\n");
  return -ENOTSUP;
}

struct spdk_thread* spdk_thread_get_from_ctx(void* ctx) {
  world* w = world_for("spdk_thread_get_from_ctx");
  if (w == nullptr || ctx == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(w->mutex);
  auto it = w->thread_of_ctx.find(ctx);
  return it == w->thread_of_ctx.end() ? nullptr : it->second;
}

int spdk_thread_has_active_pollers(struct spdk_thread* thread) {
  return checked(thread, "spdk_thread_has_active_pollers")->pollers_active > 0 ? 1 : 0;
}

bool spdk_thread_has_pollers(struct spdk_thread* thread) {
  return !checked(thread, "spdk_thread_has_pollers")->pollers.empty();
}

bool spdk_thread_is_idle(struct spdk_thread* thread) {
  checked(thread, "spdk_thread_is_idle");
  world* w = current_world();
  if (w == nullptr) return true;
  std::lock_guard<std::mutex> lock(w->mutex);
  return thread->pollers.empty() && thread->msgs_in_flight == 0;
}

uint32_t spdk_thread_get_count(void) {
  world* w = current_world();
  if (w == nullptr) return 0;
  std::lock_guard<std::mutex> lock(w->mutex);
  uint32_t n = 0;
  for (auto& t : w->threads) n += t->state.load() != thread_state::destroyed ? 1 : 0;
  return n;
}

struct spdk_thread* spdk_get_thread(void) {
  world* w = current_world();
  return w == nullptr ? nullptr : thread_of_caller(*w);
}

const char* spdk_thread_get_name(const struct spdk_thread* thread) {
  return checked(thread, "spdk_thread_get_name")->name.c_str();
}

uint64_t spdk_thread_get_id(const struct spdk_thread* thread) {
  return checked(thread, "spdk_thread_get_id")->id;
}

struct spdk_thread* spdk_thread_get_by_id(uint64_t id) {
  world* w = world_for("spdk_thread_get_by_id");
  if (w == nullptr) return nullptr;
  spdk_thread* found = nullptr;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    if (id != 0 && id <= w->threads.size()) found = w->threads[id - 1].get();
    if (found != nullptr && found->state.load() == thread_state::destroyed) found = nullptr;
  }
  if (found == nullptr)
    SPDK_ERRLOG("invalid thread id: %llu.\n", static_cast<unsigned long long>(id));
  return found;
}

int spdk_thread_send_msg(const struct spdk_thread* thread, spdk_msg_fn fn, void* ctx) {
  world* w = world_for("spdk_thread_send_msg");
  if (w == nullptr) return -EINVAL;
  spdk_thread* t = checked(thread, "spdk_thread_send_msg");
  if (fn == nullptr) misuse("spdk_thread_send_msg(%s, NULL): no function", t->name.c_str());
  return send_user_message(*w, t, fn, ctx, name_of(reinterpret_cast<const void*>(fn)));
}

int spdk_thread_send_critical_msg(struct spdk_thread* thread, spdk_msg_fn fn) {
  world* w = world_for("spdk_thread_send_critical_msg");
  if (w == nullptr) return -EINVAL;
  spdk_thread* t = checked(thread, "spdk_thread_send_critical_msg");
  if (fn == nullptr) misuse("spdk_thread_send_critical_msg(%s, NULL): no function",
                            t->name.c_str());
  spdk_msg_fn expected = nullptr;
  if (!t->critical.compare_exchange_strong(expected, fn)) return -EIO;
  // A message of its own when an event can be had; otherwise the thread's next message runs it.
  (void)send_user_message(*w, t, [](void*) {}, nullptr,
                          name_of(reinterpret_cast<const void*>(fn)));
  return 0;
}

void spdk_for_each_thread(spdk_msg_fn fn, void* ctx, spdk_msg_fn cpl) {
  world* w = world_for("spdk_for_each_thread");
  if (w == nullptr) return;
  if (fn == nullptr || cpl == nullptr)
    misuse("spdk_for_each_thread: fn and cpl must both be given");
  spdk_thread* origin = thread_of_caller(*w);
  if (origin == nullptr) {
    SPDK_ERRLOG("No thread allocated\n");
    cpl(ctx);
    return;
  }
  auto* walk = new thread_walk{fn, cpl, ctx, origin, 0, name_of(reinterpret_cast<const void*>(fn)),
                               name_of(reinterpret_cast<const void*>(cpl))};
  spdk_thread* first;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    first = next_running(*w, 0, &walk->index);
  }
  if (first == nullptr) {  // cannot be: the reactor threads always run; kept for clarity
    send_framework_message(*w, origin, walk_completion, walk, walk->cpl_name,
                           "spdk_for_each_thread's completion");
    return;
  }
  send_framework_message(*w, first, walk_visit, walk, walk->fn_name, "spdk_for_each_thread");
}

}  // extern "C"
