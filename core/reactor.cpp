#include "reactor.hpp"

#include "hot_path.hpp"
#include "runtime.hpp"
#include "uncaught_exception.hpp"

#include <algorithm>

namespace lockstep::core {
namespace {

// Heap order for timed pollers: the earliest due first, ties by registration order, so that
// the order never depends on addresses.
bool later(const poller* a, const poller* b) noexcept {
  if (a->next_due_ns != b->next_due_ns) return a->next_due_ns > b->next_due_ns;
  return a->seq > b->seq;
}

}  // namespace

reactor::reactor(runtime& rt, uint32_t index) : rt_(rt), index_(index) {}

reactor::~reactor() {
  // A timed poller is off the heap while it runs (run_due_timer puts it back when it returns):
  // one whose run a failure ended (a check, an exception) is freed here. (Tested first: an
  // active poller that was running is freed with active_.)
  if (running_poller_ != nullptr && running_poller_->period_ns != 0) delete running_poller_;
  for (poller* p : active_) delete p;
  for (poller* p : timed_) delete p;
}

bool reactor::has_work() const noexcept {
  return has_local_work() || rt_.backend().queues->pending(index_);
}

bool reactor::next_timer_ns(uint64_t* due_ns) noexcept {
  prune_dead_timers();
  if (timed_.empty()) return false;
  *due_ns = timed_.front()->next_due_ns;
  return true;
}

void reactor::running_unit_threw() noexcept {
  const char* text =
      running_ != nullptr
          ? uncaught_exception_text("event", running_->name,
                                    reinterpret_cast<const void*>(running_->fn))
          : uncaught_exception_text("poller", nullptr,
                                    reinterpret_cast<const void*>(running_poller_->fn));
  rt_.unit_threw(text);
}

void reactor::not_queued() noexcept {
  rt_.fail("framework invariant: a dequeued event was not in state queued");
}

bool reactor::run_poller(poller* p, step_kind kind) noexcept {
  running_poller_ = p;
  last_kind_ = kind;
  last_poller_seq_ = p->seq;
  last_poller_fn_ = p->fn;
  try {  // as in run_event (hot_path.hpp)
    p->fn(p->arg);
  } catch (...) {
    note_uncaught_exception();
    goto threw;
  }
  running_poller_ = nullptr;
  ++stats_.pollers_run;
  return true;
threw:
  running_unit_threw();
}

bool reactor::run_due_timer() noexcept {
  prune_dead_timers();
  if (timed_.empty()) return false;
  const uint64_t now = rt_.backend().clk->now_ns(index_);
  poller* p = timed_.front();
  // Once per round: a timed poller that takes as long as its period (or several that together
  // do) would otherwise be due again at once, and the phase would never end — no event or
  // poller of this reactor would run again. The next round comes after the events and pollers.
  if (p->next_due_ns > now || p->timer_round == timer_round_) return false;
  p->timer_round = timer_round_;
  std::pop_heap(timed_.begin(), timed_.end(), later);
  timed_.pop_back();
  run_poller(p, step_kind::timer);
  if (p->state == poller_state::dead) {  // unregistered itself while running
    delete p;
    return true;
  }
  p->next_due_ns = now + p->period_ns;
  timed_.push_back(p);
  std::push_heap(timed_.begin(), timed_.end(), later);
  return true;
}

poller* reactor::add_poller(poller_fn fn, void* arg, uint64_t period_ns) noexcept {
  auto* p = new poller{fn, arg, period_ns, 0, poller_seq_++, index_, poller_state::active};
  if (period_ns == 0) {
    active_.push_back(p);
    ++active_live_;
  } else {
    p->next_due_ns = rt_.backend().clk->now_ns(index_) + period_ns;
    timed_.push_back(p);
    std::push_heap(timed_.begin(), timed_.end(), later);
    ++timed_live_;
  }
  return p;
}

void reactor::remove_poller(poller* p) noexcept {
  p->state = poller_state::dead;
  if (p->period_ns == 0) {
    --active_live_;
    active_has_dead_ = true;
    // Freed by compact_active() once the poller phase is over; the phase may still hold it.
    if (phase_ != phase::pollers) compact_active();
  } else {
    --timed_live_;
    // A running timed poller is off the heap: run_due_timer frees it when it returns.
    // Others are freed when they reach the top of the heap.
  }
}

void reactor::compact_active() noexcept {
  std::erase_if(active_, [this](poller* p) {
    if (p->state != poller_state::dead || p == running_poller_) return false;
    delete p;
    return true;
  });
  active_has_dead_ = false;
  for (poller* p : active_) active_has_dead_ |= p->state == poller_state::dead;
}

void reactor::prune_dead_timers() noexcept {
  while (!timed_.empty() && timed_.front()->state == poller_state::dead) {
    std::pop_heap(timed_.begin(), timed_.end(), later);
    delete timed_.back();
    timed_.pop_back();
  }
}

uint64_t reactor::drop_queued() noexcept {
  uint64_t dropped = 0;
  for (uint32_t i = 0; i < batch_len_; ++i) {
    // Events before batch_pos_ ran (or were running when a check failed); the rest never did.
    if (i >= batch_pos_) ++dropped;
    batch_[i]->state = event_state::idle;
  }
  if (batch_len_ > 0) rt_.backend().pool->put_bulk(index_, batch_, batch_len_);
  batch_pos_ = batch_len_ = 0;
  running_ = nullptr;
  event* burst[event_batch_max];
  for (;;) {
    const uint32_t n = rt_.backend().queues->dequeue_burst(index_, burst, event_batch_max);
    if (n == 0) break;
    for (uint32_t i = 0; i < n; ++i) burst[i]->state = event_state::idle;
    rt_.backend().pool->put_bulk(index_, burst, n);
    dropped += n;
  }
  return dropped;
}

}  // namespace lockstep::core
