#include "world.hpp"

#include "bits.hpp"
#include "../../core/uncaught_exception.hpp"

#include <algorithm>
#include <bit>
#include <exception>
#include <numeric>

namespace lockstep::sim {
namespace {

std::vector<uint32_t> dense_core_ids(uint32_t cores) {
  std::vector<uint32_t> ids(cores);
  std::iota(ids.begin(), ids.end(), 0u);
  return ids;
}

// The fault settings of a run: the options' own, or in swarm mode each one off or on at its
// ceiling, 1/2, 1/4 or 1/8 of it, drawn first thing from the decision stream (choice 0 = off,
// so a shrunk decision vector drops the faults it does not need).
fault_settings draw_faults(const options& opts, decision_source& decisions) {
  fault_settings f{opts.alloc_fail_ppm, opts.shutdown_ppm, opts.stall_ppm, opts.timer_jitter_ns};
  if (!opts.swarm) return f;
  auto scale = [&decisions](uint64_t ceiling) -> uint64_t {
    if (ceiling == 0) return 0;
    const uint64_t k = decisions.choose(5);
    return k == 0 ? 0 : std::max<uint64_t>(1, ceiling >> (k - 1));
  };
  f.alloc_fail_ppm = static_cast<uint32_t>(scale(f.alloc_fail_ppm));
  f.shutdown_ppm = static_cast<uint32_t>(scale(f.shutdown_ppm));
  f.stall_ppm = static_cast<uint32_t>(scale(f.stall_ppm));
  f.timer_jitter_ns = scale(f.timer_jitter_ns);
  return f;
}

// The hot path's types for a run without allocation faults: event_allocate takes events from
// the pool without the fault draw (sim_pool::get_unchecked), so that its path has no call.
struct fault_free_types : world_types {
  struct pool_ref {
    sim_pool& pool;
    event* get(uint32_t /*reactor*/) noexcept { return pool.get_unchecked(); }
    void put_bulk(uint32_t reactor, event* const* evs, uint32_t n) noexcept {
      pool.put_bulk(reactor, evs, n);
    }
    void put_one(uint32_t reactor, event* ev) noexcept { pool.put_one(reactor, ev); }
  };
  static pool_ref pool(const core::parts& p) noexcept { return {*static_cast<sim_pool*>(p.pool)}; }
};

// The types of the loop's reactor steps: the world reads the last event itself, right after
// the step (world::step_core), so the reactor need not copy its trace info.
struct step_types : world_types {
  static constexpr bool keeps_event_info = false;
};

// How a core's thread comes back to its exit point (core_threads::exit_point).
constexpr int exit_failed = 1;   // a failed check or misuse on this thread
constexpr int exit_stopped = 2;  // the run is over (core_threads::stop_all)

}  // namespace

static core::parts world_parts(sim_pool& pool, sim_transport& queues, sim_instruments& inst,
                               core::scheduling& sched) {
  core::parts p;
  p.pool = &pool;
  p.queues = &queues;
  p.clk = &inst;
  p.sched = &sched;
  p.obs = &inst;
  return p;
}

world::world(const options& opts, std::function<void()> start)
    : opts_(opts),
      session_(std::move(start), opts.shutdown_cb),
      decisions_(opts_.seed, opts_.decisions ? &*opts_.decisions : nullptr,
                 opts_.record_decisions ? &decision_log_ : nullptr, opts_.steering.get()),
      faults_(draw_faults(opts_, decisions_)),
      inst_(opts.cores, steps_),
      stalled_until_(opts.cores, 0),
      jitter_due_ns_(opts.cores, UINT64_MAX),
      jitter_ns_(opts.cores, 0),
      pool_(opts.event_pool_size, {faults_.alloc_fail_ppm, opts.alloc_fail_nth}, decisions_),
      transport_(opts.cores, decisions_, inst_.clock),
      picker_(opts, decisions_),
      rt_(dense_core_ids(opts.cores), world_parts(pool_, transport_, inst_, *this)),
      all_cores_(opts.cores >= 64 ? ~uint64_t{0} : (uint64_t{1} << opts.cores) - 1),
      cores_(opts.cores),
      event_span_ns_(opts.step_cost_span_ns != 0 ? opts.step_cost_span_ns : event_cost_span_ns),
      poller_span_ns_(opts.step_cost_span_ns != 0 ? opts.step_cost_span_ns : poller_cost_span_ns),
      step_limit_(opts.max_steps),
      window_start_(opts.max_steps > diagnosis_window_steps
                        ? opts.max_steps - diagnosis_window_steps
                        : 0) {
  // sim::run's default; the replay line (result.replay) says which was used.
  opts_.thread_per_core = opts_.thread_per_core.value_or(false);
  thread_per_core_ = *opts_.thread_per_core;
  inst_.recorder.attach(rt_);
  rt_.use_hot_path(pool_.faulty() ? core::hot_path_for<world_types>()
                                  : core::hot_path_for<fault_free_types>());
  if (opts_.trace) inst_.recorder.start_trace(opts_.cores, format_replay(opts_));
  session_.bind(&start_event_, &shutdown_event_, 0);
}

world::~world() = default;

result world::execute() {
  result r;
  if (!rt_.activate(core::runtime::scope::thread)) {
    r.outcome = outcome::failed;
    r.failure = "sim::run: another run is executing in this process (runs do not nest)";
    r.replay = format_replay(opts_);
    return r;
  }
  core::session::send_from_outside(rt_, &start_event_);
  // A failed check leaves the running event through longjmp back here (or to the exit point
  // of the core's thread); everything the loop touches lives in this world, so nothing on the
  // abandoned frames owns memory.
  if (*opts_.thread_per_core) {
    execute_on_core_threads();
  } else if (setjmp(on_failure_) == 0) {
    loop();
  } else {
    outcome_ = outcome::failed;
    ++steps_;  // the step that failed
  }
  core::set_current_reactor(no_core, no_core);  // a failed step left through longjmp with it set
  if (threads_ != nullptr) {  // external threads without thread_per_core: they leave now
    threads_->stop_all();
    threads_.reset();
  }
  // Before the queues are emptied: the diagnosis lists what they held.
  if (outcome_ == outcome::hang || outcome_ == outcome::step_limit) r.diagnosis = diagnose();
  const core::session::totals totals = core::session::finish(rt_, pool_);
  rt_.deactivate();

  r.outcome = outcome_;
  r.rc = outcome_ == outcome::stopped ? rt_.stop_rc() : 0;
  r.steps = steps_;
  r.virtual_ns = inst_.clock.latest_ns();
  r.events_executed = totals.events_executed;
  r.pollers_run = totals.pollers_run;
  r.alloc_failures = totals.alloc_failures;
  r.dropped_events = totals.dropped_events;
  r.leaked_events = totals.leaked_events;
  r.failure = failure_;
  mix(static_cast<uint64_t>(outcome_));
  mix(r.dropped_events);
  r.trace_hash = inst_.recorder.hash();
  r.decisions = decisions_.draws();
  r.decision_log = std::move(decision_log_);
  r.faults = faults_;
  r.stalls = stalls_;
  r.core_thread_switches = core_thread_switches_;
  r.replay = format_replay(opts_);
  if (opts_.trace) {  // (a trace of the diagnosis window alone is not the run's trace)
    trace_log* log = inst_.recorder.trace().get();
    log->outcome = to_string(r.outcome);
    log->rc = r.rc;
    log->steps = r.steps;
    log->virtual_ns = r.virtual_ns;
    log->trace_hash = r.trace_hash;
    log->failure = r.failure;
    r.trace = inst_.recorder.trace();
  }
  return r;
}

void world::execute_on_core_threads() {
  try {
    threads_ = std::make_unique<core_threads>(cores_, [this](uint32_t c) { core_thread_main(c); });
  } catch (const std::exception& e) {
    outcome_ = outcome::failed;  // nothing ran: the run cannot start as asked
    failure_ = std::string("sim::run: options.thread_per_core: cannot start a thread per core (") +
               e.what() + ")";
    return;
  }
  // The loop starts on core 0's thread (the start event's) and moves from thread to thread;
  // the thread that ends it gives the baton back here.
  threads_->pass(0);
  threads_->stop_all();
  core_thread_switches_ = threads_->switches();
  threads_.reset();
}

void world::core_thread_main(uint32_t core) {
  rt_.enter_thread();
  // Every local below is set before setjmp and not changed after it.
  const int how = setjmp(threads_->exit_point(core));
  if (how == 0) {
    if (opts_.core_thread_setup) opts_.core_thread_setup();
    const bool resume = loop_started_;
    loop_started_ = true;
    loop(resume ? core : no_core);
  } else if (how == exit_failed) {
    outcome_ = outcome::failed;
    ++steps_;  // the step that failed
  }
  core::set_current_reactor(no_core, no_core);
  rt_.leave_thread();
  if (how != exit_stopped) threads_->give(core_threads::run_thread);
}

uint32_t world::pass_baton(uint32_t core) noexcept {
  const uint32_t me = threads_->pass(core);
  // Woken either because a step picked this thread's core, or because the run is over.
  if (threads_->stopping()) std::longjmp(threads_->exit_point(me), exit_stopped);
  return me;
}

void world::loop(uint32_t resume) {
  // Up to the diagnosis window, then (unless the run ended before it) through the window with
  // its steps recorded, as a trace records them: recording changes no decision and no hash
  // (a trace never does), and the loop's one test of the step limit marks the window's start,
  // so that the steps before it pay nothing for it.
  // thread_per_core: a core thread that receives the baton for the first time steps its core
  // first (the thread that passed it had picked that core) and goes on with the loop from
  // there, in the phase the run is in; a thread woken inside an older loop frame goes on in
  // that frame, whose steps test the same limit (never Plain: threads_ is set).
  if (resume == no_core) {
    step_limit_ = window_start_;
  } else {
    step_core<false>(resume);
  }
  if (!window_started_) {
    const bool loop_faults = faults_.shutdown_ppm != 0 || faults_.stall_ppm != 0;
    // (The plain loop's steps cost the default spans: options::step_cost_span_ns is not plain.)
    if (!threads_ && !loop_faults && picker_.random_only() && !inst_.recorder.tracing() &&
        opts_.step_cost_span_ns == 0) {
      plain_running_ = true;
      loop_as<true>();
      plain_running_ = false;
      if (replan_) {  // an external thread started: the loop goes on as one that knows them
        replan_ = false;
        loop_as<false>();
      }
    } else {
      loop_as<false>();
    }
    // Ended before the window, or another core thread's frame has already started it.
    if (!window_reached_ || window_started_) return;
    window_started_ = true;
    inst_.recorder.start_trace(opts_.cores, "");
    step_limit_ = opts_.max_steps;
  }
  loop_as<false>();
}

void world::at_step_limit() noexcept {
  if (outcome_ == outcome::failed) return;  // an external thread failed
  if (replan_) {
    step_limit_ = replan_limit_;
    return;
  }
  if (rt_.stop_requested()) {
    outcome_ = outcome::stopped;
    if (external_alive_ != 0) [[unlikely]] drain_external();
  } else if (steps_ < opts_.max_steps) {
    window_reached_ = true;  // the diagnosis window starts (loop() goes on through it)
  } else {
    outcome_ = outcome::step_limit;
  }
}

template <bool Plain>
void world::loop_as() {
  const bool shutdown_faults = faults_.shutdown_ppm != 0, stall_faults = faults_.stall_ppm != 0;
  const bool loop_faults = shutdown_faults || stall_faults;  // (stalls need stall faults)
  for (;;) {
    // One test for both ends: on_stop lowers the limit to 0.
    if (steps_ >= step_limit_) [[unlikely]] {
      at_step_limit();
      return;
    }
    uint64_t stalled = 0;
    if (!Plain && loop_faults) [[unlikely]] {
      // A fault with chance 0 draws nothing: the calls are skipped without changing the stream.
      if (shutdown_faults && !shutdown_requested_) maybe_request_shutdown();
      if (stall_faults) maybe_stall();
      stalled = stalled_mask();  // nothing between here and the pick changes it
      // A core that stalls leaves the running cores without a step, maybe with the floor.
      if (stalled != 0) inst_.clock.invalidate_floor();
    }
    // Busy: reactor::has_work() of every core, from the two masks (the floor checked in debug).
    const uint64_t busy = local_work_ | transport_.pending_mask();
    const uint64_t running = busy & ~stalled;
    inst_.clock.check_floor(running);
    uint32_t count = cores_;
    uint64_t runnable = busy;
    if (Plain && running == all_cores_) [[likely]] {  // no clock moves, no timer is looked at
      // Every core runs, none stalled: the k-th runnable core is core k (pick_random's draw).
      step_core<Plain>(static_cast<uint32_t>(decisions_.choose(cores_)));
      continue;
    }
    if (Plain && busy < 256 && busy != 0 && (timer_cores_ & ~busy) == 0) [[likely]] {
      step_busy_small(busy);  // (up to 8 cores, some idle, none with timers)
      continue;
    }
    if (running != all_cores_) {
      // With no idle core holding timers, the runnable cores are the busy ones, and nothing
      // else is to do but bring the floor up to date when the core that held it has stepped
      // (in line: that is one step in six at 4 cores, and runnable_cores is a call).
      if (running != 0 && (timer_cores_ & ~busy) == 0) {
        if (!inst_.clock.floor_valid()) inst_.clock.refresh_floor(running);
        count = bits_set(busy);
      } else {
        runnable = runnable_cores(busy, running, &count);
      }
    }
    if (!Plain && external_alive_ != 0) [[unlikely]] {
      step_among_external(runnable, stalled);
      continue;
    }
    if (runnable == 0) {
      if (!jump_to_next_timer()) {
        outcome_ = outcome::hang;
        return;
      }
      continue;
    }
    // A stall holds a core back only while another can run (never a hang or a time jump).
    uint64_t candidates = runnable;
    if (const uint64_t eligible = runnable & ~stalled; stalled != 0 && eligible != 0 &&
                                                        eligible != runnable) [[unlikely]] {
      candidates = eligible;
      count = bits_set(eligible);
    }
    if constexpr (Plain) {
      step_core<Plain>(picker_.pick_random(candidates, count));
    } else {
      step_core<Plain>(picker_.pick(candidates, count, steps_));
    }
  }
}

void world::step_busy_small(uint64_t busy) {
  // Up to 8 cores, some idle, none of them with timers: the runnable cores are the busy ones
  // (none stalled: the plain loop), and their count and the k-th of them are one entry of the
  // byte table (what bits_set and pick_random read, without their tests for wider masks).
  if (!inst_.clock.floor_valid()) inst_.clock.refresh_floor(busy);
  const detail::byte_bits& b = detail::byte_bits_table[busy];
  step_core<true>(b.position[decisions_.choose(b.count)]);
}

void world::maybe_stall() noexcept {
  if (!decisions_.fault(faults_.stall_ppm)) return;
  const auto core = static_cast<uint32_t>(decisions_.choose(opts_.cores));
  const uint64_t len = 1 + decisions_.choose(std::max<uint32_t>(opts_.stall_steps_max, 1));
  stalled_until_[core] = std::max(stalled_until_[core], steps_ + len);
  ++stalls_;
  mix(0x5354414C4C000000ull ^ (uint64_t{core} << 32) ^ len);  // "STALL"
}

uint64_t world::stalled_mask() const noexcept {
  if (stalls_ == 0) return 0;
  uint64_t mask = 0;
  for (uint32_t c = 0; c < opts_.cores; ++c)
    if (stalled_until_[c] > steps_) mask |= uint64_t{1} << c;
  return mask;
}

// When an idle core wakes for a timer due at due_ns: then, or up to timer_jitter_ns later
// (drawn once per core and due time, so asking twice gives one answer).
uint64_t world::wake_ns(uint32_t core, uint64_t due_ns) noexcept {
  if (faults_.timer_jitter_ns == 0) return due_ns;
  if (jitter_due_ns_[core] != due_ns) {
    jitter_due_ns_[core] = due_ns;
    jitter_ns_[core] = decisions_.choose(faults_.timer_jitter_ns + 1);
    mix(0x4A49545445520000ull ^ jitter_ns_[core]);  // "JITTER"
  }
  return due_ns + jitter_ns_[core];
}

uint64_t world::runnable_cores(uint64_t busy, uint64_t running, uint32_t* count) noexcept {
  // A stalled core waits like an idle one: its clock follows the cores that do run. The floor
  // is recomputed only after the core that held it has stepped (or stalled).
  if (running == 0) {
    // No core runs: no clock to follow, the floor stays where it was.
    inst_.clock.invalidate_floor();
  } else if (!inst_.clock.floor_valid()) {
    inst_.clock.refresh_floor(running);
  }
  uint64_t runnable = busy;
  // The idle cores with timers, in increasing order (wake_ns may draw a decision).
  for (uint64_t rest = timer_cores_ & ~busy; rest != 0; rest &= rest - 1) {
    const auto c = static_cast<uint32_t>(std::countr_zero(rest));
    const uint64_t t = inst_.clock.raise_to_floor(c);
    uint64_t due_ns = 0;
    if (rt_.at(c).next_timer_ns(&due_ns) && wake_ns(c, due_ns) <= t)
      runnable |= uint64_t{1} << c;
  }
  *count = bits_set(runnable);
  return runnable;
}

bool world::jump_to_next_timer() noexcept {
  uint64_t next_ns = UINT64_MAX;
  for (uint32_t c = 0; c < opts_.cores; ++c) {
    uint64_t due_ns = 0;
    if (rt_.at(c).next_timer_ns(&due_ns)) next_ns = std::min(next_ns, wake_ns(c, due_ns));
  }
  if (next_ns == UINT64_MAX) return false;
  inst_.clock.jump_to(next_ns);
  return true;
}

template <bool Plain>
void world::step_core(uint32_t core) {
  // thread_per_core: the core's units run on its thread; this thread sleeps until a step picks
  // its own core again (and then steps that one).
  if (!Plain && thread_per_core_ && core != threads_->holder()) [[unlikely]]
    core = pass_baton(core);
  core::set_current_reactor(core, core);  // core ids are the reactor indexes (dense_core_ids)
  core::reactor& r = rt_.at(core);
  sim_clock::step clock = inst_.clock.begin_step(core);
  const bool worked = r.step_as<step_types>();
  // The current reactor stays set until the next step sets its own: world code between steps
  // that acts as no core (a shutdown request, a failure of the loop itself) resets it first.
  const uint64_t bit = uint64_t{1} << core;
  // (Written out rather than as one expression each, which the compiler turned into vector
  // code twice as long; timers are registered seldom, so their bit is rewritten only when it
  // changes.)
  uint64_t work = local_work_ & ~bit;
  if (r.has_local_work()) work |= bit;
  local_work_ = work;
  if (r.take_timers_touched()) [[unlikely]] timer_cores_ = (timer_cores_ & ~bit) | (r.has_timers() ? bit : 0);
  if (!worked) [[unlikely]] {
    core::set_current_reactor(no_core, no_core);
    fail("framework invariant: a runnable core found nothing to do");
  }
  const auto kind = r.last_step_kind();
  const uint64_t start_ns = clock.start_ns();
  // An event's step in line, a poller's apart (as ?: the event's was the jump out and back).
  uint64_t cost_ns = 0;
  uint64_t id = 0;
  if (kind == core::reactor::step_kind::event) [[likely]] {
    cost_ns = event_cost_min_ns + decisions_.choose(Plain ? event_cost_span_ns : event_span_ns_,
                                                    choice::cost, start_ns);
    id = r.last_event()->id;
  } else {
    cost_ns = poller_cost_min_ns + decisions_.choose(Plain ? poller_cost_span_ns : poller_span_ns_,
                                                     choice::cost, start_ns);
    id = r.last_poller_seq();
  }
  clock.end(start_ns + cost_ns);
  mix((static_cast<uint64_t>(kind) << 56) | (uint64_t{core} << 48) | id);
  mix(start_ns);
  mix(cost_ns);
  if (!Plain && inst_.recorder.tracing()) [[unlikely]]
    inst_.recorder.record_step(r, kind, core, id, start_ns, cost_ns);
  ++steps_;
}

void world::start_external_thread(std::function<void()> body) {
  // The sender bits (and holder indexes) between the cores' and external_sender_bit.
  const uint64_t slots = ((uint64_t{1} << external_sender_bit) - 1) & ~all_cores_;
  const uint64_t free = slots & ~external_alive_;
  if (free == 0) {
    // fail leaves this frame without unwinding it: what owns memory is the world's.
    external_refused_ = std::move(body);
    refusal_ = "external_thread_start: too many external threads (a simulation of " +
               std::to_string(cores_) + " cores runs at most " +
               std::to_string(std::popcount(slots)) +
               " at once: cores and live external threads share 63 sender slots)";
    fail(refusal_.c_str());
  }
  const auto id = static_cast<uint32_t>(std::countr_zero(free));
  if (threads_ == nullptr) threads_ = std::make_unique<core_threads>(0, nullptr);
  threads_->add(id, [this, id] { external_thread_main(id); });  // may throw std::system_error
  external_body_[id] = std::move(body);
  picker_.add_participant(id, all_cores_ | external_alive_);
  external_alive_ |= uint64_t{1} << id;
  ++external_started_;
  mix(0x4558545354415254ull ^ (uint64_t{id} << 32) ^ external_started_);  // "EXTSTART"
  if (plain_running_) {  // the plain loop ends at once (see loop())
    replan_ = true;
    replan_limit_ = step_limit_;
    step_limit_ = 0;
  }
}

void world::step_among_external(uint64_t runnable, uint64_t stalled) {
  // With no core runnable, time moves to the next timer first: an external thread waiting for
  // a core's timer lets it come (the timer's core and the threads are then picked among).
  if (runnable == 0 && jump_to_next_timer()) return;
  const uint64_t eligible = runnable & ~stalled;
  const uint64_t cores = eligible != 0 ? eligible : runnable;
  const uint64_t candidates = cores | external_alive_;
  const uint32_t picked = picker_.pick(candidates, bits_set(candidates), steps_);
  if (picked >= cores_) {
    step_external(picked);
  } else {
    step_core<false>(picked);
  }
}

void world::step_external(uint32_t id) {
  mix(0x4558540000000000ull ^ (uint64_t{id} << 40) ^ steps_);  // "EXT"
  ++steps_;
  external_back_ = threads_->holder();
  inst_.clock.set_external_running(true);
  transport_.set_external_bit(id);
  // The thread runs until its next lockstep call, its return or its failure; each gives the
  // baton back here.
  threads_->pass(id);
  transport_.set_external_bit(external_sender_bit);
  inst_.clock.set_external_running(false);
}

core::runtime* world::enter() noexcept {
  const uint32_t me = threads_->holder();
  threads_->pass(external_back_);
  // Picked again (step_external), or the run is over: then the body is left here.
  if (threads_->stopping()) std::longjmp(threads_->exit_point(me), exit_stopped);
  return &rt_;
}

void world::external_thread_main(uint32_t id) {
  // Every local below is set before setjmp and not changed after it.
  core::set_external_gate(this);
  const int how = setjmp(threads_->exit_point(id));
  if (how == 0) {
    run_external_body(id);
  } else if (how == exit_failed) {
    outcome_ = outcome::failed;  // failure_ is set; the loop ends at its next test
    step_limit_ = replan_limit_ = 0;
  }
  core::set_external_gate(nullptr);
  if (how == exit_stopped) return;
  // The body returned or failed: its bit is free again, and the baton goes back for good.
  external_body_[id] = nullptr;
  external_alive_ &= ~(uint64_t{1} << id);
  mix(0x4558544E44000000ull ^ (uint64_t{id} << 32) ^ steps_);  // "EXTEND"
  threads_->give(external_back_);
}

void world::run_external_body(uint32_t id) {
  try {
    external_body_[id]();
    return;
  } catch (...) {
    core::note_uncaught_exception();
  }
  fail(core::uncaught_exception_text_in("an external thread's body"));
}

void world::drain_external() noexcept {
  while (external_alive_ != 0 && outcome_ == outcome::stopped) {
    if (steps_ >= opts_.max_steps) {
      outcome_ = outcome::step_limit;  // a body that does not return after app_stop
      return;
    }
    step_external(nth_set_bit(external_alive_, static_cast<uint32_t>(decisions_.choose(
                                                   bits_set(external_alive_)))));
  }
}

void world::maybe_request_shutdown() noexcept {
  if (shutdown_requested_ || !decisions_.fault(faults_.shutdown_ppm, choice::shutdown)) return;
  shutdown_requested_ = true;
  core::set_current_reactor(no_core, no_core);  // the request comes from outside the reactors
  mix(0x5348555444574E00ull ^ steps_);  // "SHUTDWN"
  core::session::send_from_outside(rt_, &shutdown_event_);
  if (inst_.recorder.tracing()) inst_.recorder.record_shutdown_request(&shutdown_event_);
}

void world::fail(const char* message) noexcept {
  failure_ = message;
  const uint32_t core = core::current_reactor();  // the stepping core, or no_core
  const uint64_t t = core == no_core ? 0 : inst_.clock.core_ns(core);
  mix(0x4641494C00000000ull ^ steps_);  // "FAIL"
  if (inst_.recorder.tracing()) inst_.recorder.record_failure(core, t);
  if (threads_ != nullptr && threads_->holder() != core_threads::run_thread)
    std::longjmp(threads_->exit_point(threads_->holder()), exit_failed);
  std::longjmp(on_failure_, 1);
}

void world::on_stop(int /*rc*/) noexcept { step_limit_ = replan_limit_ = 0; }

}  // namespace lockstep::sim
