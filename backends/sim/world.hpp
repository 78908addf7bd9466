// One simulation: the loop that steps the virtual cores, composing the parts that each own one
// thing — the clock (sim_clock.hpp: virtual time, its one writer), the recorder
// (sim_recorder.hpp: the trace hash and the trace), the pool, the per-pair transport, the
// decision stream, the core picker and the session (core/session.hpp: start, shutdown,
// totals) — and handling a run's failures (the scheduling interface) and external threads.
// The clock and the recorder face core/ as one object, sim_instruments (below). A world owns
// everything a run touches, so that runs never share state; sim::run builds one per call.
#pragma once

#include "../../core/hot_path.hpp"
#include "../../core/runtime.hpp"
#include "../../core/session.hpp"
#include "core_picker.hpp"
#include "core_threads.hpp"
#include "decision_source.hpp"
#include "sim_clock.hpp"
#include "sim_pool.hpp"
#include "sim_recorder.hpp"
#include "sim_transport.hpp"

#include <lockstep/sim.hpp>

#include <algorithm>
#include <bit>
#include <csetjmp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lockstep::sim {

// Virtual cost of one step, in nanoseconds: [min, min + span).
inline constexpr uint64_t event_cost_min_ns = 40;
inline constexpr uint64_t event_cost_span_ns = 160;
inline constexpr uint64_t poller_cost_min_ns = 20;
inline constexpr uint64_t poller_cost_span_ns = 80;
// A run that ends at its step limit says what ran in its last steps (result.diagnosis): the
// loop records them, as a trace does, from this many steps before the limit on. A window, not
// a record of every step, so that the steps before it cost nothing.
inline constexpr uint64_t diagnosis_window_steps = 1000;
static_assert(event_cost_min_ns > 0 && poller_cost_min_ns > 0, "a step never takes zero time");

// The two parts core's hot path reaches on every event — the clock and the recorder — behind
// one pointer: core::clock and core::observer implemented by forwarding (in line) to sim_clock,
// the one owner of virtual time, and sim_recorder, the hash and the trace. One object, so that
// event_call loads one pointer for its send stamp and its hash note (world_types below).
class sim_instruments final : public core::clock, public core::observer {
 public:
  // steps: the loop's step counter, which every trace record carries.
  sim_instruments(uint32_t cores, const uint64_t& steps) : clock(cores), recorder(clock, steps) {}
  sim_clock clock;
  sim_recorder recorder;

  // core::clock
  uint64_t now_ns(uint32_t reactor) const noexcept override { return clock.now_ns(reactor); }
  uint64_t send_stamp_ns(uint32_t reactor) const noexcept override {
    return clock.send_stamp_ns(reactor);
  }
  // core::observer, and its split halves (has_split_observer in hot_path.hpp)
  void on_allocate(uint32_t reactor, const event* by, event* ev) noexcept override {
    recorder.on_allocate(reactor, by, ev);
  }
  void on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core, event_fn fn,
                          const char* name, bool invalid_core) noexcept override {
    recorder.on_allocate_failed(reactor, by, target_core, fn, name, invalid_core);
  }
  void on_call(uint32_t reactor, const event* ev) noexcept override {
    recorder.on_call(reactor, ev);
  }
  void on_stop(uint32_t reactor, int rc) noexcept override { recorder.on_stop(reactor, rc); }
  bool note_allocate(uint32_t /*reactor*/, event* ev) noexcept { return recorder.note_allocate(ev); }
  bool note_call(const event* ev) noexcept { return recorder.note_call(ev); }
  void record_allocate(uint32_t reactor, const event* by, const event* ev) {
    recorder.record_allocate(reactor, by, ev);
  }
  void record_call(uint32_t reactor, const event* ev) { recorder.record_call(reactor, ev); }
};

class world final : public core::scheduling, public core::external_gate {
 public:
  world(const options& opts, std::function<void()> start);
  ~world() override;
  result execute();

  // core::scheduling (the running reactor is core::current_reactor, set by step_core)
  [[noreturn]] void fail(const char* message) noexcept override;
  void on_stop(int rc) noexcept override;
  void start_external_thread(std::function<void()> body) override;
  // core::external_gate (on an external thread): a point of the schedule.
  core::runtime* enter() noexcept override;
  core::runtime* owner() noexcept override { return &rt_; }

 private:
  // resume: with thread_per_core, the core whose thread has just received the baton, which
  // steps first (the loop goes on where the thread that passed the baton left it); no_core to
  // start the loop from its top.
  void loop(uint32_t resume = no_core);
  // The loop reached step_limit_: the application stopped, the diagnosis window starts, or the
  // run is at max_steps.
  void at_step_limit() noexcept;
  // result.diagnosis of a run that ended in a hang or at its step limit (diagnosis.cpp): what
  // was pending at the end and, at a step limit, what ran in the last steps. Called before the
  // queued events are dropped.
  std::string diagnose();
  // diagnose's parts: per core what it holds ("" when nothing); what ran in the window; events
  // never called and failed allocations.
  std::string holdings(uint32_t core);
  void describe_window(std::vector<std::string>* lines);
  void describe_losses(std::vector<std::string>* lines);
  // The loop, as loop() runs it. Plain: a run without loop faults (shutdown requests, stalls),
  // under the random strategy, without a trace and without thread_per_core, with the default
  // step costs, whose steps skip the tests of all four and pick in line when every core runs.
  template <bool Plain>
  [[gnu::flatten]] void loop_as();
  // thread_per_core: the body of core `core`'s thread (core_threads' entry), and the end of
  // the run on the run's thread.
  void core_thread_main(uint32_t core);
  void execute_on_core_threads();
  // The stepping thread hands the baton to `core`'s thread and sleeps; returns the core of the
  // calling thread once a step picks it (or leaves the thread when the run is over).
  uint32_t pass_baton(uint32_t core) noexcept;
  // The busy cores plus the idle ones whose timer is due, when not every core is running;
  // *count gets the number of bits set. Keeps the clock's floor (sim_clock.hpp).
  uint64_t runnable_cores(uint64_t busy, uint64_t running, uint32_t* count) noexcept;
  uint64_t wake_ns(uint32_t core, uint64_t due_ns) noexcept;
  bool jump_to_next_timer() noexcept;
  // External threads (lockstep::external_thread_start): each has a holder index of core_threads
  // and a sender bit of the transport, equal, between the cores' and external_sender_bit; its
  // bit is set in external_alive_ from its start until its body returns. A step of one hands it
  // the baton until its next lockstep call (enter), its return or its failure.
  // loop_as's steps when an external thread is alive: picks among the runnable cores (less the
  // stalled ones, as loop_as) and the external threads, and steps the one picked.
  void step_among_external(uint64_t runnable, uint64_t stalled);
  void step_external(uint32_t id);
  void external_thread_main(uint32_t id);
  void run_external_body(uint32_t id);
  // After app_stop: the external threads alone run on until they return (each allocation of
  // theirs fails), as the real backend's run waits for them; max_steps bounds it.
  void drain_external() noexcept;
  template <bool Plain>
  [[gnu::always_inline]] inline void step_core(uint32_t core);
  // The plain loop's step when up to 8 cores are busy, not all, and no idle one has timers.
  [[gnu::always_inline]] inline void step_busy_small(uint64_t busy);
  void maybe_request_shutdown() noexcept;
  void maybe_stall() noexcept;
  uint64_t stalled_mask() const noexcept;
  void mix(uint64_t v) noexcept { inst_.recorder.mix(v); }

  options opts_;
  core::session session_;  // the start and shutdown events, the totals at the end
  std::vector<uint64_t> decision_log_;  // when opts_.record_decisions
  decision_source decisions_;
  fault_settings faults_;               // drawn first in swarm mode, so declared after decisions_
  sim_instruments inst_;  // the clock and the recorder
  std::vector<uint64_t> stalled_until_;  // per core: the step at which its stall ends
  uint64_t stalls_ = 0;
  std::vector<uint64_t> jitter_due_ns_;  // per core: the timer due time the jitter was drawn for
  std::vector<uint64_t> jitter_ns_;      // per core: how late the core wakes for that timer
  sim_pool pool_;
  sim_transport transport_;
  core_picker picker_;
  core::runtime rt_;  // a member, not a pointer: rt_.at(c) on every step is one load less
  event start_event_{};
  event shutdown_event_{};

  // Bit c: reactor c has local work (reactor::has_local_work) after its last step. Only a
  // reactor's own step changes that, so the loop reads every core's has_work() from this mask
  // and the transport's pending mask instead of asking each core.
  uint64_t local_work_ = 0;
  // Bit c: reactor c has timed pollers (reactor::has_timers) after its last step; idle cores
  // without one need no timer check.
  uint64_t timer_cores_ = 0;
  uint64_t all_cores_ = 0;
  uint32_t cores_ = 0;
  // The spans of step costs (options::step_cost_span_ns, else the defaults above).
  uint64_t event_span_ns_ = event_cost_span_ns;
  uint64_t poller_span_ns_ = poller_cost_span_ns;
  uint64_t steps_ = 0;
  // The step at which the loop stops next: the start of the diagnosis window, then
  // opts_.max_steps; 0 once the application has stopped.
  uint64_t step_limit_;
  uint64_t window_start_ = 0;     // the first step of the diagnosis window
  bool window_reached_ = false;   // the loop stopped at window_start_ (not at an outcome)
  bool window_started_ = false;   // loop() went on into the window (its step limit raised)
  bool shutdown_requested_ = false;
  outcome outcome_ = outcome::hang;
  std::string failure_;
  std::jmp_buf on_failure_;
  // thread_per_core: the cores' threads and their baton (null without the option); also the
  // external threads' (then made by the first external_thread_start, without core threads when
  // !thread_per_core_).
  std::unique_ptr<core_threads> threads_;
  bool thread_per_core_ = false;
  uint64_t external_alive_ = 0;   // bits of the external threads that have not returned
  uint64_t external_started_ = 0;
  uint32_t external_back_ = 0;    // the holder that handed the running external thread the baton
  std::function<void()> external_body_[core_threads::holders_max];
  std::function<void()> external_refused_;  // the body of a start refused as misuse
  std::string refusal_;                     // its message
  // The plain loop (loop_as<true>) knows nothing of external threads: the first start ends it
  // (step_limit_ lowered to 0, kept in replan_limit_), and loop() goes on with loop_as<false>.
  bool plain_running_ = false;
  bool replan_ = false;
  uint64_t replan_limit_ = 0;
  bool loop_started_ = false;  // the first core thread to hold the baton starts the loop
  uint64_t core_thread_switches_ = 0;
};

// The hot path's view of the simulator's parts (hot_path.hpp). The recorder observes every run
// (the trace hash): no test for an observer. The clock and the observer are one object
// (sim_instruments), reached through the clock's pointer, its first base: that cast is the
// pointer itself, while the cast from observer* (a later base) would test for nullptr to adjust
// it; and the pointer, loaded once, serves both.
struct world_types : core::backend_types<sim_pool, sim_transport, sim_instruments, sim_instruments> {
  static constexpr bool observer_always = true;
  static sim_instruments& clk(const core::parts& p) noexcept {
    return *static_cast<sim_instruments*>(p.clk);
  }
  static sim_instruments* obs(const core::parts& p) noexcept {
    return static_cast<sim_instruments*>(p.clk);
  }
};
// The split observer's halves must match core's concept, or the hot path would take the
// virtual calls without a word.
static_assert(core::has_split_observer<world_types>);

}  // namespace lockstep::sim
