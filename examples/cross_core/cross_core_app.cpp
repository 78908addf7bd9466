#include "cross_core_app.hpp"

#include <cerrno>
#include <deque>

namespace cross_core {

// Per-core state. Each field is written by one core only (noted), or before the run starts.
struct core_state {
  app* owner = nullptr;
  uint32_t core = lockstep::no_core;
  bool init_sent = false;         // origin core
  bool shutdown_sent = false;     // origin core
  bool shutdown_requested = false;  // this core
  bool done_sent = false;         // this core
  uint32_t processed = 0;         // this core
  std::deque<task*> unsent;       // this core: results whose response allocation failed
  lockstep::poller* poller = nullptr;  // this core
};

namespace {
// The app a shutdown request acts on (shutdown_cb takes no argument); per thread, because the
// simulator runs one app per thread and the real backend calls it on the main lcore, where
// start() ran.
thread_local app* current_app = nullptr;
}  // namespace

struct handlers {
  // Every handler notes that it ran: none may run after the final callback.
  static void entered(app* a) {
    if (a->final_callbacks_ != 0) ++a->handlers_after_final_;
  }

  static void init_core(void* arg1, void*) {
    auto* cs = static_cast<core_state*>(arg1);
    entered(cs->owner);
    LOCKSTEP_CHECK(lockstep::current_core() == cs->core, "init_core ran on the wrong core");
    cs->poller = lockstep::poller_register(core_poller, cs, cs->owner->cfg_.retry_period_us);
    LOCKSTEP_CHECK(cs->poller != nullptr, "poller_register failed on a reactor core");
  }

  // Runs on the task's target core.
  static void process_task(void* arg1, void* arg2) {
    auto* a = static_cast<app*>(arg1);
    auto* t = static_cast<task*>(arg2);
    entered(a);
    LOCKSTEP_CHECK(lockstep::current_core() == t->target, "task processed on the wrong core");
    core_state* cs = a->cores_[t->target].get();
    ++cs->processed;
    t->result = app::compute(t->input);
    if (!send_result(a, t)) cs->unsent.push_back(t);  // the core's poller retries
  }

  static bool send_result(app* a, task* t) {
    lockstep::event* ev = LOCKSTEP_EVENT_ALLOCATE(t->origin, complete_task, a, t);
    if (ev == nullptr) return false;
    lockstep::event_call(ev);
    return true;
  }

  // Runs on the task's origin core.
  static void complete_task(void* arg1, void* arg2) {
    auto* a = static_cast<app*>(arg1);
    auto* t = static_cast<task*>(arg2);
    entered(a);
    LOCKSTEP_CHECK(lockstep::current_core() == t->origin, "completion ran off the origin core");
    ++t->completions;
    t->completed_on = lockstep::current_core();
    LOCKSTEP_CHECK(t->completions == 1, "a task completed twice");
    LOCKSTEP_CHECK(t->result == app::compute(t->input), "a task came back with a wrong result");
    ++a->completed_;
    --a->in_flight_;
    pump(a);
  }

  // Every retry_period_us on every core: resend what allocation refused, finish the component.
  static int core_poller(void* arg) {
    auto* cs = static_cast<core_state*>(arg);
    entered(cs->owner);
    int work = 0;
    while (!cs->unsent.empty() && send_result(cs->owner, cs->unsent.front())) {
      cs->unsent.pop_front();
      ++work;
    }
    if (cs->shutdown_requested) work += finish_component(cs);
    return work;
  }

  static void shutdown_component(void* arg1, void*) {
    auto* cs = static_cast<core_state*>(arg1);
    entered(cs->owner);
    LOCKSTEP_CHECK(cs->unsent.empty(), "shutdown reached a core with undelivered results");
    cs->shutdown_requested = true;
    finish_component(cs);
  }

  // Tells the origin this core's component is done; retried by the poller until it is sent.
  static int finish_component(core_state* cs) {
    if (cs->done_sent) return 0;
    lockstep::event* ev =
        LOCKSTEP_EVENT_ALLOCATE(cs->owner->origin_, component_done, cs->owner, cs);
    if (ev == nullptr) return 0;
    lockstep::event_call(ev);
    cs->done_sent = true;
    lockstep::poller_unregister(&cs->poller);
    return 1;
  }

  static void component_done(void* arg1, void*) {
    auto* a = static_cast<app*>(arg1);
    entered(a);
    LOCKSTEP_CHECK(a->components_running_ > 0, "more components finished than were running");
    if (--a->components_running_ == 0) {
      ++a->final_callbacks_;
      lockstep::poller_unregister(&a->driver_);
      lockstep::app_stop(0);
    }
  }

  static int driver(void* arg) {
    entered(static_cast<app*>(arg));
    return pump(static_cast<app*>(arg));
  }

  // Completes a task on its origin without sending it anywhere (-ENOMEM, -ECANCELED).
  static void complete_locally(app* a, task& t, int status) {
    t.status = status;
    t.completed_on = lockstep::current_core();
    ++t.completions;
    ++a->completed_;
  }

  static void shutdown_request() {
    app* a = current_app;
    if (a == nullptr || a->final_callbacks_ != 0) return;
    entered(a);
    LOCKSTEP_CHECK(lockstep::current_core() == a->origin_,
                   "a shutdown request ran off the origin core");
    while (a->next_submit_ < a->tasks_.size())
      complete_locally(a, a->tasks_[a->next_submit_++], -ECANCELED);
    pump(a);
  }

  // On the origin core: send what is due (core set-up, tasks, shutdown) as far as allocation
  // allows; whatever it refuses is retried on the driver's next period.
  static int pump(app* a) {
    int work = 0;
    bool all_initialized = true;
    for (auto& cs : a->cores_) {
      if (!cs || cs->init_sent) continue;
      lockstep::event* ev = LOCKSTEP_EVENT_ALLOCATE(cs->core, init_core, cs.get(), nullptr);
      if (ev == nullptr) {
        all_initialized = false;
        continue;
      }
      lockstep::event_call(ev);
      cs->init_sent = true;
      ++work;
    }
    // Tasks only go to initialized cores (init events precede them in per-pair FIFO order), so
    // that every core can retry its responses.
    while (all_initialized && a->next_submit_ < a->tasks_.size() &&
           a->in_flight_ < a->cfg_.window) {
      task& t = a->tasks_[a->next_submit_];
      lockstep::event* ev = LOCKSTEP_EVENT_ALLOCATE(a->next_core_, process_task, a, &t);
      if (ev == nullptr) {
        if (!a->cfg_.enomem_completes) break;
        complete_locally(a, t, -ENOMEM);
        ++a->next_submit_;
        ++work;
        continue;
      }
      t.target = a->next_core_;
      lockstep::event_call(ev);
      ++a->next_submit_;
      ++a->in_flight_;
      a->next_core_ = lockstep::next_core(a->next_core_);
      if (a->next_core_ == lockstep::no_core) a->next_core_ = lockstep::first_core();
      ++work;
    }
    // The shutdown waits for every core's init event to be sent: sent after it (per-pair FIFO),
    // a shutdown request reaches an initialized core, and no init event is left queued when the
    // last component finishes (found by a property with 0 tasks and failing allocations).
    if (all_initialized && a->completed_ == a->tasks_.size() && !a->shutdown_started_) {
      a->shutdown_started_ = true;
      a->components_running_ = lockstep::core_count();
    }
    if (a->shutdown_started_) {
      for (auto& cs : a->cores_) {
        if (!cs || cs->shutdown_sent) continue;
        lockstep::event* ev =
            LOCKSTEP_EVENT_ALLOCATE(cs->core, shutdown_component, cs.get(), nullptr);
        if (ev == nullptr) continue;
        lockstep::event_call(ev);
        cs->shutdown_sent = true;
        ++work;
      }
    }
    return work;
  }
};

app::app(config cfg) : cfg_(cfg), tasks_(cfg.tasks) {
  for (uint32_t i = 0; i < cfg_.tasks; ++i) {
    tasks_[i].id = i;
    tasks_[i].input = uint64_t{i} * 2654435761u + 17;
  }
}

app::~app() = default;

uint64_t app::compute(uint64_t input) {
  uint64_t x = input;
  for (int i = 0; i < 8; ++i) x = x * 6364136223846793005u + 1442695040888963407u;
  return x;
}

void app::shutdown_request() { handlers::shutdown_request(); }

void app::start() {
  current_app = this;
  origin_ = lockstep::current_core();
  LOCKSTEP_CHECK(origin_ != lockstep::no_core, "start must run on a reactor core");
  uint32_t last = 0;
  for (uint32_t c = lockstep::first_core(); c != lockstep::no_core; c = lockstep::next_core(c))
    last = c;
  cores_.resize(last + 1);
  for (uint32_t c = lockstep::first_core(); c != lockstep::no_core; c = lockstep::next_core(c)) {
    cores_[c] = std::make_unique<core_state>();
    cores_[c]->owner = this;
    cores_[c]->core = c;
  }
  for (task& t : tasks_) t.origin = origin_;
  next_core_ = lockstep::first_core();
  // The origin core needs no init event: it sets itself up here.
  core_state* self = cores_[origin_].get();
  self->init_sent = true;
  handlers::init_core(self, nullptr);
  driver_ = lockstep::poller_register(handlers::driver, this, cfg_.retry_period_us);
  handlers::pump(this);
}

std::vector<uint32_t> app::processed_per_core() const {
  std::vector<uint32_t> out;
  for (const auto& cs : cores_)
    if (cs) out.push_back(cs->processed);
  return out;
}

bool app::complete_and_correct() const {
  if (completed_ != tasks_.size() || final_callbacks_ != 1 || handlers_after_final_ != 0)
    return false;
  for (const task& t : tasks_) {
    if (t.completions != 1 || t.completed_on != origin_) return false;
    const bool allowed_error = (t.status == -ENOMEM && cfg_.enomem_completes) ||
                               t.status == -ECANCELED;
    if (t.status == 0 ? t.result != compute(t.input) : !allowed_error) return false;
  }
  return true;
}

}  // namespace cross_core
