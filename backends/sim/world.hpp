// One simulation: the virtual cores, their clocks and queues, the decision stream, and the
// loop that steps them. A world owns everything a run touches, so that runs never share
// state; sim::run builds one per call.
//
// Virtual time: every core has its own clock. A step advances the stepping core's clock by the
// step's cost; a delivered event moves its target's clock up to its send time; an idle core's
// clock follows the least advanced busy core (it waits while others work), so its timers fire
// in step with the rest of the machine; when no core has work, every clock jumps to the next
// timer.
//
// The raising of idle clocks is lazy: the loop keeps the clock floor (the least advanced
// running core's clock) as a high-water mark, and a core's clock is max(time_ns_[core],
// floor): time_ns_ is brought up to the floor only where a clock is read (a step, a timer
// check). That equals raising every idle clock at every step, because the floor never goes
// down, without a pass over the idle cores per step; and the floor is recomputed only after
// the core that held it has stepped, since no other step can lower it.
#pragma once

#include "../../core/hot_path.hpp"
#include "../../core/runtime.hpp"
#include "core_picker.hpp"
#include "core_threads.hpp"
#include "decision_source.hpp"
#include "sim_pool.hpp"
#include "sim_transport.hpp"
#include "../../trace/format.hpp"

#include <lockstep/sim.hpp>

#include <algorithm>
#include <bit>
#include <csetjmp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace lockstep::sim {

using trace::alloc_reason;
using trace::failed_in;
using record_kind = trace::kind;
using trace_record = trace::record;
using trace::trace_log;

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

class world final : public core::clock,
                    public core::scheduling,
                    public core::observer,
                    public core::external_gate {
 public:
  world(const options& opts, std::function<void()> start);
  ~world() override;
  result execute();

  // The backend interfaces, public so that core's hot path (hot_path.hpp) calls them on the
  // world directly; nothing else calls them.
  // core::clock
  // An external thread reads the clock floor (the least advanced running core's clock).
  uint64_t now_ns(uint32_t reactor) const noexcept override {
    if (reactor < time_ns_.size()) return std::max(time_ns_[reactor], floor_ns_);
    return external_running_ ? floor_ns_ : 0;
  }
  // The same as now_ns for the stepping core (whose clock the loop has brought up to the
  // floor before the step), which is the only one that calls events.
  // (An if with [[likely]] rather than ?:, so that the compiler lays out the common case in
  // line instead of as a jump out and back.)
  uint64_t send_stamp_ns(uint32_t reactor) const noexcept override {
    if (reactor < cores_) [[likely]] return time_ns_[reactor];
    return 0;
  }
  // core::scheduling (the running reactor is core::current_reactor, set by step_core)
  [[noreturn]] void fail(const char* message) noexcept override;
  void on_stop(int rc) noexcept override;
  void start_external_thread(std::function<void()> body) override;
  // core::external_gate (on an external thread): a point of the schedule.
  core::runtime* enter() noexcept override;
  core::runtime* owner() noexcept override { return rt_.get(); }
  // core::observer
  // The trace id and the hash inline (on every event); the trace record out of line.
  void on_allocate(uint32_t reactor, const event* by, event* ev) noexcept override {
    if (note_allocate(ev)) record_allocate(reactor, by, ev);
  }
  void on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core, event_fn fn,
                          const char* name, bool invalid_core) noexcept override;
  void on_call(uint32_t reactor, const event* ev) noexcept override {
    if (note_call(ev)) record_call(reactor, ev);
  }
  void on_stop(uint32_t reactor, int rc) noexcept override;
  // on_allocate and on_call in two halves, for core's hot path (has_split_observer in
  // hot_path.hpp): the trace id and the hash, which return whether a trace is kept, and the
  // trace records, which the hot path reaches out of line.
  bool note_allocate(event* ev) noexcept {
    ev->id = ++next_event_id_;
    mix((uint64_t{ev->target} << 48) ^ ev->id);
    return trace_ != nullptr;
  }
  bool note_call(const event* ev) noexcept {
    mix(0xCA11000000000000ull ^ ev->id);
    return trace_ != nullptr;
  }
  void record_allocate(uint32_t reactor, const event* by, const event* ev);
  void record_call(uint32_t reactor, const event* ev);

 private:
  // A record of something that happened at one instant on `reactor`, caused by `by`.
  trace_record point_record(record_kind kind, uint32_t reactor, uint32_t target,
                            const event* by) const noexcept;
  void record_step(const core::reactor& r, core::reactor::step_kind kind, uint32_t core,
                   uint64_t id, uint64_t start_ns, uint64_t cost_ns);

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
  // *count gets the number of bits set. Keeps the floor (see the top of this file).
  uint64_t runnable_cores(uint64_t busy, uint64_t running, uint32_t* count) noexcept;
  uint64_t wake_ns(uint32_t core, uint64_t due_ns) noexcept;
  // The floor recomputed from the running cores (non-zero mask), and valid again.
  void refresh_floor(uint64_t running) noexcept {
    // A running core's clock is max(time_ns_, floor_ns_) (it may not have stepped since it ran
    // again), and the least of those is max(least time_ns_, floor_ns_): the floor never goes
    // down.
    uint64_t least_ns = UINT64_MAX;
    for (uint64_t rest = running; rest != 0; rest &= rest - 1)
      least_ns = std::min(least_ns, time_ns_[static_cast<uint32_t>(std::countr_zero(rest))]);
    floor_ns_ = std::max(floor_ns_, least_ns);
    floor_valid_ = true;
  }
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
  void maybe_request_shutdown() noexcept;
  void maybe_stall() noexcept;
  uint64_t stalled_mask() const noexcept;
  // Folds v into the trace hash; several times per step, so inline.
  void mix(uint64_t v) noexcept { hash_ = std::rotl(hash_ ^ v, 27) * 0x9E3779B97F4A7C15ull; }
  void record(const trace_record& r);
  // The names-table index of a function: `name` when the caller gave one, else the symbol of
  // `fn` (looked up once per function).
  uint32_t intern_name(const char* name, const void* fn);
  static void run_start(void* world_ptr, void*);
  static void run_shutdown_request(void* world_ptr, void*);

  options opts_;
  std::function<void()> start_;
  std::vector<uint64_t> decision_log_;  // when opts_.record_decisions
  decision_source decisions_;
  fault_settings faults_;               // drawn first in swarm mode, so declared after decisions_
  std::vector<uint64_t> time_ns_;
  std::vector<uint64_t> stalled_until_;  // per core: the step at which its stall ends
  uint64_t stalls_ = 0;
  std::vector<uint64_t> jitter_due_ns_;  // per core: the timer due time the jitter was drawn for
  std::vector<uint64_t> jitter_ns_;      // per core: how late the core wakes for that timer
  sim_pool pool_;
  sim_transport transport_;
  core_picker picker_;
  std::unique_ptr<core::runtime> rt_;
  std::vector<core::reactor*> reactors_;  // rt_'s, without the indirection of rt_->at()
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
  // The clock floor: every core's clock is at least floor_ns_ (time_ns_ may lag behind it, see
  // the top of this file). floor_valid_: floor_ns_ is also the least clock of the running
  // cores, as of now; a step of a core whose clock is at the floor clears it.
  uint64_t floor_ns_ = 0;
  bool floor_valid_ = false;
  uint64_t steps_ = 0;
  // The step at which the loop stops next: the start of the diagnosis window, then
  // opts_.max_steps; 0 once the application has stopped.
  uint64_t step_limit_;
  uint64_t window_start_ = 0;     // the first step of the diagnosis window
  bool window_reached_ = false;   // the loop stopped at window_start_ (not at an outcome)
  bool window_started_ = false;   // loop() went on into the window (its step limit raised)
  uint64_t next_event_id_ = 0;
  uint64_t hash_ = 0x6C6F636B73746570ull;  // "lockstep"
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
  bool external_running_ = false;  // an external thread holds the baton
  std::function<void()> external_body_[core_threads::max_holders];
  std::function<void()> external_refused_;  // the body of a start refused as misuse
  std::string refusal_;                     // its message
  // The plain loop (loop_as<true>) knows nothing of external threads: the first start ends it
  // (step_limit_ lowered to 0, kept in replan_limit_), and loop() goes on with loop_as<false>.
  bool plain_running_ = false;
  bool replan_ = false;
  uint64_t replan_limit_ = 0;
  bool loop_started_ = false;  // the first core thread to hold the baton starts the loop
  uint64_t core_thread_switches_ = 0;

  std::shared_ptr<trace_log> trace_;  // when opts_.trace
  // Lookups only, never iterated: the names table is in first-use order.
  std::unordered_map<const void*, uint32_t> name_of_key_;      // a name pointer or a function
  std::unordered_map<std::string, uint32_t> index_of_name_;    // equal texts share one entry
};

// The hot path's view of the simulator's parts (hot_path.hpp). The world observes every run
// (the trace hash): no test for an observer. The world is the clock and the observer of its
// runtime, and reached as the clock, its first base: that cast is the pointer itself, while the
// cast from observer* (a later base) would test for nullptr to adjust it; and the clock's
// pointer, loaded once, serves both.
struct world_types : core::backend_types<sim_pool, sim_transport, world, world> {
  static constexpr bool observer_always = true;
  static world& clk(const core::parts& p) noexcept { return *static_cast<world*>(p.clk); }
  static world* obs(const core::parts& p) noexcept { return static_cast<world*>(p.clk); }
};

}  // namespace lockstep::sim
