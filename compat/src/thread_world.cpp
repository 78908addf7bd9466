// The run's spdk_thread world: making it, finding the caller's thread, names, misuse, and the
// two ways of sending a message (see thread_world.hpp).
#include "thread_world.hpp"

#include "../../trace/function_names.hpp"

#include <cstdarg>
#include <cstdio>
#include <set>

namespace lockstep::spdk_compat::detail {
namespace {

core::runtime::attachment* make_world(core::runtime& rt) { return new world(rt); }

// Runs one message on its thread: the event function of every message.
void run_message(void* arg1, void*) {
  auto* m = static_cast<message*>(arg1);
  world* w = current_world();
  spdk_thread* t = m->target;
  const uint32_t self = current_reactor_index();
  if (w == nullptr || self != t->reactor)
    misuse("framework invariant: a message for thread %s ran on another core", t->name.c_str());
  spdk_msg_fn fn = m->fn;
  void* ctx = m->ctx;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    m->next_free = w->free_messages;
    w->free_messages = m;
  }
  if (t->state.load(std::memory_order_acquire) == thread_state::destroyed)
    misuse("framework invariant: a message arrived for destroyed thread %s", t->name.c_str());
  core_state& cs = w->cores[self];
  check_no_lock_held(*w, self, "starts", reinterpret_cast<const void*>(fn));
  spdk_thread* previous = cs.current;
  cs.current = t;
  if (spdk_msg_fn critical = t->critical.exchange(nullptr)) critical(nullptr);
  fn(ctx);
  check_no_lock_held(*w, self, "returned", reinterpret_cast<const void*>(fn));
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    --t->msgs_in_flight;
  }
  try_finish_exit(*w, t);
  cs.current = previous;
}

// Every iteration of a core with framework messages waiting: sends them in order, as far as
// events can be had, and unregisters itself once none waits.
int retry_framework_messages(void*) {
  world* w = current_world();
  core_state& cs = w->cores[current_reactor_index()];
  size_t sent = 0;
  for (; sent < cs.retry.size(); ++sent) {
    message* m = cs.retry[sent];
    lockstep::event* ev = lockstep::event_allocate_named(m->target->core, run_message, m,
                                                         nullptr, m->name);
    if (ev == nullptr) break;
    lockstep::event_call(ev);
  }
  cs.retry.erase(cs.retry.begin(), cs.retry.begin() + static_cast<std::ptrdiff_t>(sent));
  if (cs.retry.empty()) lockstep::poller_unregister(&cs.retry_poller);
  return sent > 0 ? SPDK_POLLER_BUSY : SPDK_POLLER_IDLE;
}

void exit_check(void*) {}  // its message's end evaluates the exit (run_message)

// Takes a record and counts the message in flight, unless the target has exited.
message* take_record(world& w, spdk_thread* target, spdk_msg_fn fn, void* ctx,
                     const char* name) noexcept {
  std::lock_guard<std::mutex> lock(w.mutex);
  thread_state s = target->state.load(std::memory_order_acquire);
  if (s == thread_state::exited || s == thread_state::destroyed) return nullptr;
  message* m = w.free_messages;
  if (m != nullptr) {
    w.free_messages = m->next_free;
  } else {
    w.message_store.push_back(std::make_unique<message>());
    m = w.message_store.back().get();
  }
  *m = message{target, fn, ctx, name, nullptr};
  ++target->msgs_in_flight;
  return m;
}

void give_back(world& w, message* m) noexcept {
  std::lock_guard<std::mutex> lock(w.mutex);
  --m->target->msgs_in_flight;
  m->next_free = w.free_messages;
  w.free_messages = m;
}

}  // namespace

world::world(core::runtime& r) : rt(r), cores(r.core_count()) {
  // Every reactor core's own thread, ids 1..n in core order: what SPDK code running on a core
  // outside any created thread (events, the start function, their pollers) runs on.
  for (uint32_t i = 0; i < cores.size(); ++i) {
    auto t = std::make_unique<spdk_thread>();
    t->id = i + 1;
    const uint32_t core = rt.core_of(i);
    t->name = i == 0 ? "app_thread" : "reactor_" + std::to_string(core);
    t->reactor = i;
    t->core = core;
    t->reactor_own = true;
    spdk_cpuset_zero(&t->cpumask);
    spdk_cpuset_set_cpu(&t->cpumask, core, true);
    cores[i].own = t.get();
    threads.push_back(std::move(t));
  }
}

world::~world() {
  // The run is over: no callback runs; what the application left is freed.
  forget_run_pools(&rt);
  for (auto& t : threads) {
    for (spdk_poller* p : t->pollers) delete p;
    for (auto& [dev, ch] : t->channels) ::operator delete(static_cast<void*>(ch));
  }
}

world* current_world() noexcept {
  core::runtime* rt = core::runtime::active();
  if (rt == nullptr) return nullptr;
  return static_cast<world*>(rt->attached(&make_world));
}

world* world_for(const char* call) noexcept {
  world* w = current_world();
  if (w == nullptr)
    std::fprintf(stderr, "lockstep: %s called outside a run (no backend's run() is executing)\n",
                 call);
  return w;
}

uint32_t current_reactor_index() noexcept { return core::current_reactor(); }

spdk_thread* thread_of_caller(world& w) noexcept {
  const uint32_t self = current_reactor_index();
  if (self >= w.cores.size()) return nullptr;
  core_state& cs = w.cores[self];
  if (cs.current != nullptr) return cs.current;
  if (const lockstep::poller* p = w.rt.at(self).running_poller()) {
    auto it = cs.poller_owner.find(p);
    if (it != cs.poller_owner.end()) return it->second;
  }
  return cs.own;
}

const char* intern(const std::string& text) noexcept {
  static std::mutex m;
  static std::set<std::string> names;
  std::lock_guard<std::mutex> lock(m);
  return names.insert(text).first->c_str();
}

const char* name_of(const void* fn) noexcept {
  // A small per-thread cache in front of the symbol lookup, which takes a lock.
  struct entry {
    const void* fn;
    const char* name;
  };
  thread_local entry cache[64] = {};
  entry& e = cache[(reinterpret_cast<uintptr_t>(fn) >> 4) % 64];
  if (e.fn == fn && e.name != nullptr) return e.name;
  const char* name = intern(trace::function_name(fn));
  e = {fn, name};
  return name;
}

void misuse(const char* fmt, ...) noexcept {
  // The failure leaves this frame without unwinding it: the text lives in a per-thread buffer.
  thread_local char text[640];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  lockstep::detail::check_failed("spdk_thread rules", text, __FILE__, __LINE__);
}

int send_user_message(world& w, spdk_thread* target, spdk_msg_fn fn, void* ctx,
                      const char* name) noexcept {
  message* m = take_record(w, target, fn, ctx, name);
  if (m == nullptr) {
    SPDK_ERRLOG("Thread %s is marked as exited.\n", target->name.c_str());
    return -EIO;
  }
  lockstep::event* ev = lockstep::event_allocate_named(target->core, run_message, m, nullptr, name);
  if (ev == nullptr) {
    give_back(w, m);
    SPDK_ERRLOG("msg could not be allocated\n");
    return -ENOMEM;
  }
  lockstep::event_call(ev);
  return 0;
}

void send_framework_message(world& w, spdk_thread* target, spdk_msg_fn fn, void* ctx,
                            const char* name, const char* what) noexcept {
  message* m = take_record(w, target, fn, ctx, name);
  if (m == nullptr)
    misuse("%s: thread %s (id %llu) exited before the framework's message %s could reach it",
           what, target->name.c_str(), static_cast<unsigned long long>(target->id), name);
  const uint32_t self = current_reactor_index();
  // Behind messages already waiting on this core, to keep their order.
  if (self >= w.cores.size() || w.cores[self].retry.empty()) {
    lockstep::event* ev =
        lockstep::event_allocate_named(target->core, run_message, m, nullptr, name);
    if (ev != nullptr) {
      lockstep::event_call(ev);
      return;
    }
  }
  if (self >= w.cores.size())
    misuse("%s: no event for the framework's message %s, and the caller is not on a reactor "
           "core that could retry it", what, name);
  core_state& cs = w.cores[self];
  cs.retry.push_back(m);
  if (cs.retry_poller == nullptr)
    cs.retry_poller = lockstep::poller_register(retry_framework_messages, nullptr, 0);
}

void try_finish_exit(world& w, spdk_thread* t) noexcept {
  if (t->state.load(std::memory_order_acquire) != thread_state::exiting) return;
  if (!t->pollers.empty()) return;
  std::lock_guard<std::mutex> lock(w.mutex);
  if (t->msgs_in_flight > 0 || !t->channels.empty() || t->pending_unregisters > 0) return;
  t->state.store(thread_state::exited, std::memory_order_release);
}

void recheck_exit_later(world& w, spdk_thread* t) noexcept {
  if (t->state.load(std::memory_order_acquire) != thread_state::exiting) return;
  send_framework_message(w, t, exit_check, nullptr, "spdk_thread_exit", "spdk_thread_exit");
}

}  // namespace lockstep::spdk_compat::detail
