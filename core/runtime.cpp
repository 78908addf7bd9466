#include "runtime.hpp"

#include "hot_path.hpp"

#include <cstdio>
#include <cstdlib>

namespace lockstep::core {
namespace detail {

// The runtime the API reaches. Written only by a backend's run() before its reactors start and
// after they have stopped (both ordered by the backend's thread launch and join).
std::atomic<runtime*> g_active_runtime{nullptr};
// The runtime of a simulation running on this thread; it shadows g_active_runtime.
thread_local constinit runtime* t_active_runtime LOCKSTEP_HOT_TLS = nullptr;
thread_local constinit current_ids t_current LOCKSTEP_HOT_TLS = {no_core, no_core};
// How many runtimes are active with scope::thread (simulations running), for the message an API
// call from another thread gets.
std::atomic<uint32_t> g_thread_scoped{0};
// The gate of an external thread that its backend schedules (see external_gate).
thread_local constinit external_gate* t_external_gate = nullptr;

}  // namespace detail

void set_external_gate(external_gate* gate) noexcept { detail::t_external_gate = gate; }
external_gate* external_gate_of_thread() noexcept { return detail::t_external_gate; }

namespace {

using detail::g_active_runtime;
using detail::t_active_runtime;

const char* state_misuse(event_state s) noexcept {
  switch (s) {
    case event_state::idle:
      return "event_call: the event is not allocated (called again after it ran, or not from "
             "event_allocate)";
    case event_state::queued:
    case event_state::running:
    case event_state::done:
      return "event_call: the event was already called (an event runs once; allocate another)";
    case event_state::allocated:
      break;
  }
  return "event_call: the event is in an unknown state (not from event_allocate?)";
}

}  // namespace

runtime::runtime(const std::vector<uint32_t>& core_ids, const parts& p)
    : parts_(p), hot_(hot_path_for<generic_backend>()), core_ids_(core_ids) {
  for (uint32_t& slot : index_of_core_) slot = no_core;
  for (uint32_t i = 0; i < core_ids.size(); ++i) index_of_core_[core_ids[i]] = i;
  reactors_.make(*this, static_cast<uint32_t>(core_ids.size()));
}

constexpr std::align_val_t reactor_block_alignment{128};

void reactor_block::make(runtime& rt, uint32_t count) {
  if (bytes_ != nullptr) rt.fail("reactor_block::make called twice");
  bytes_ = static_cast<std::byte*>(::operator new(stride * count, reactor_block_alignment));
  at_.reserve(count);
  for (uint32_t i = 0; i < count; ++i)
    at_.push_back(new (bytes_ + size_t{i} * stride) reactor(rt, i));
}

reactor_block::~reactor_block() {
  while (!at_.empty()) {
    at_.back()->~reactor();
    at_.pop_back();
  }
  if (bytes_ != nullptr) ::operator delete(bytes_, reactor_block_alignment);
}

runtime::~runtime() {
  deactivate();
  delete attachment_.load(std::memory_order_acquire);
}

runtime::attachment* runtime::attached(attachment* (*make)(runtime& rt)) noexcept {
  attachment* a = attachment_.load(std::memory_order_acquire);
  if (a != nullptr) return a;
  std::lock_guard<std::mutex> lock(attachment_mutex_);
  a = attachment_.load(std::memory_order_relaxed);
  if (a == nullptr) {
    a = make(*this);
    attachment_.store(a, std::memory_order_release);
  }
  return a;
}

bool runtime::activate(scope s) noexcept {
  if (active() != nullptr) return false;
  if (s == scope::thread) {
    t_active_runtime = this;
    thread_scoped_ = true;
    detail::g_thread_scoped.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  runtime* expected = nullptr;
  return g_active_runtime.compare_exchange_strong(expected, this, std::memory_order_acq_rel);
}

void runtime::deactivate() noexcept {
  if (t_active_runtime == this) t_active_runtime = nullptr;
  if (thread_scoped_) {
    thread_scoped_ = false;
    detail::g_thread_scoped.fetch_sub(1, std::memory_order_relaxed);
  }
  runtime* expected = this;
  g_active_runtime.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
}

bool runtime::thread_scoped_running() noexcept {
  return detail::g_thread_scoped.load(std::memory_order_relaxed) != 0;
}

uint32_t runtime::next_core(uint32_t core) const noexcept {
  for (uint32_t c = core + 1; c < core_id_count && core != no_core; ++c)
    if (index_of_core_[c] != no_core) return c;
  return no_core;
}

event* runtime::allocate_failed(uint32_t self, uint32_t core, event_fn fn, const char* name,
                                bool invalid_core) noexcept {
  if (self == no_core) {
    external_alloc_failures_.fetch_add(1, std::memory_order_relaxed);
  } else {
    ++reactors_[self]->counters().alloc_failures;
  }
  if (parts_.obs != nullptr) {
    const event* by = self == no_core ? nullptr : reactors_[self]->running_event();
    parts_.obs->on_allocate_failed(self, by, core, fn, name, invalid_core);
  }
  return nullptr;
}

void runtime::call_misuse(const event* ev) noexcept {
  if (ev == nullptr)
    fail("event_call(nullptr): event_allocate returned nullptr (pool exhausted or fault "
         "injected) and the caller did not check it");
  fail(state_misuse(ev->state));
}

poller* runtime::poller_register(poller_fn fn, void* arg, uint64_t period_us) noexcept {
  if (fn == nullptr) [[unlikely]]
    fail("poller_register: fn is nullptr (a poller needs a function to run)");
  const uint32_t self = current_reactor();
  if (self == no_core) {
    std::fprintf(stderr, "lockstep: poller_register called outside a reactor core; "
                         "returning nullptr\n");
    return nullptr;
  }
  constexpr uint64_t period_us_max = UINT64_MAX / 1000;
  if (period_us > period_us_max) [[unlikely]]
    fail("poller_register: period_us is too large (the period in ns overflows 64 bits)");
  return reactors_[self]->add_poller(fn, arg, period_us * 1000);
}

void runtime::poller_unregister(poller** p) noexcept {
  if (p == nullptr) [[unlikely]]
    fail("poller_unregister(nullptr): pass the address of the poller pointer");
  poller* victim = *p;
  if (victim == nullptr) return;
  const uint32_t self = current_reactor();
  if (self != victim->reactor) [[unlikely]]
    fail("poller_unregister: the poller belongs to another core (unregister it on the core "
         "that registered it)");
  if (victim->state == poller_state::dead) [[unlikely]]
    fail("poller_unregister: the poller was already unregistered");
  reactors_[self]->remove_poller(victim);
  *p = nullptr;
}

uint64_t runtime::now_ns() const noexcept {
  return parts_.clk->now_ns(current_reactor());
}

void runtime::stop(int rc) noexcept {
  bool expected = false;
  if (!stopped_.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) return;
  rc_.store(rc, std::memory_order_relaxed);
  const uint32_t self = current_reactor();
  if (parts_.obs != nullptr) parts_.obs->on_stop(self, rc);
  parts_.sched->on_stop(rc);
}

uint64_t runtime::drop_queued() noexcept {
  parts_.queues->settle();
  uint64_t dropped = 0;
  for (uint32_t i = 0; i < reactors_.size(); ++i) dropped += reactors_[i]->drop_queued();
  return dropped;
}

}  // namespace lockstep::core
