// lockstep::sim — the deterministic simulator backend.
//
// One thread steps every virtual core (or, with options.thread_per_core, one thread per core
// with a baton, only one running at a time, for application code that keeps per-core state in
// thread-local variables). Threads started with lockstep::external_thread_start take part in the
// baton too: each of their lockstep calls is a choice of the decision stream. Every nondeterministic choice (which core runs next,
// which sender's queue a core reads next, how long an event takes, whether an allocation fails,
// when a shutdown request arrives) is drawn from one decision stream seeded by options.seed, so
// the same program + options + seed gives the same run, the same trace and the same trace_hash,
// in one process and across processes. The simulator never reads the wall clock.
#pragma once

#include <lockstep/lockstep.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::trace {
struct trace_log;
}  // namespace lockstep::trace

namespace lockstep::sim {

// Answers a run's choices in place of its decision stream (backends/sim/decision_source.hpp):
// the replay of a recording made on the real backend (lockstep/recording.hpp) uses one.
class decision_steering;

enum class strategy { random, pct };
enum class outcome { stopped, hang, step_limit, failed };

const char* to_string(strategy s) noexcept;
const char* to_string(outcome o) noexcept;

struct options {
  uint32_t cores = 4;
  uint64_t seed = 1;
  sim::strategy strategy = sim::strategy::random;
  uint32_t pct_depth = 3;             // PCT: priorities belong to cores; d-1 change points
  uint32_t event_pool_size = 4096;
  uint32_t alloc_fail_ppm = 0;        // injected allocation failures, per million allocations
  uint64_t max_steps = 10'000'000;
  bool trace = false;                 // record the trace in memory
  void (*shutdown_cb)() = nullptr;    // what a shutdown request calls, on core 0
  uint32_t shutdown_ppm = 0;          // chance per step that the (one) shutdown request arrives
  // Additions beyond the contract:
  // PCT: change points are drawn among the first N steps (set it near the length of a typical
  // run: change points past a run's end are lost, so too large a horizon lowers the chance to
  // find deep bugs); after N steps the schedule is a random walk, so that an always-runnable
  // core cannot starve the others forever.
  uint64_t pct_horizon_steps = 1000;
  uint32_t alloc_fail_nth = 0;        // when > 0: exactly the Nth allocation (1-based) fails

  // Decision vector: when set, every choice of the run is taken from this vector instead of the
  // seeded generator (the seed is then unused). A value v answers a choice among n with v % n;
  // past the end of the vector every choice is the canonical 0. This is what a property test
  // generates and shrinks; result.decision_log of any run, given back here, replays that run.
  std::optional<std::vector<uint64_t>> decisions;
  bool record_decisions = false;      // fill result.decision_log (does not change the run)

  // Stalled cores: at each step, with this chance per million, one core (drawn) is not
  // scheduled for the next 1..stall_steps_max steps (drawn) while other cores have work; its
  // virtual clock waits meanwhile. Models a preempted or interrupted reactor thread.
  uint32_t stall_ppm = 0;
  uint32_t stall_steps_max = 100;
  // Timer jitter: an idle core wakes for its next due timer 0..timer_jitter_ns late (drawn per
  // due time), so that timers due at the same time on different cores fire in every order.
  uint64_t timer_jitter_ns = 0;
  // Swarm mode: each fault setting above (alloc_fail_ppm, shutdown_ppm, stall_ppm,
  // timer_jitter_ns) becomes a ceiling, and every run draws from its decision stream whether
  // that fault is off or on at the ceiling, 1/2, 1/4 or 1/8 of it (result.faults tells what was
  // drawn). Different runs then test different mixes of faults (swarm testing, Groce et al.).
  bool swarm = false;

  // Thread-local state per core: when true, each core's units (its events, pollers, timers,
  // the start function on core 0 and the shutdown callback) run on an OS thread of that core's
  // own, created for the run, so that `thread_local` / `__thread` variables in application code
  // have one copy per core, as on DPDK lcores, and start fresh in every run. The schedule does
  // not change: one decision stream picks the steps as with the option off, and the cores
  // hand one baton to each other (only one thread runs at a time; a hand-off happens only when
  // the stepping core changes), so the trace and trace_hash are the same either way. It costs
  // an OS thread switch per change of stepping core (see docs/exploration.md for figures).
  // Unset: the runner's default, off for sim::run, on for spdk_compat::run_sim. Carried by the
  // replay line when on (code that keeps per-core state in thread-locals runs another schedule
  // without it).
  std::optional<bool> thread_per_core;
  // With thread_per_core: called on each core's thread before that core runs anything, to set
  // up per-thread state the program's runner keeps (a log level, ...). Not carried by the
  // replay line: it belongs to the program, like shutdown_cb.
  std::function<void()> core_thread_setup;
  // When set, answers every choice of the run instead of the seed or the decision vector (with
  // record_decisions, result.decision_log then replays the run without it). Set by the replay of
  // a recording (lockstep/recording.hpp); not carried by the replay line.
  std::shared_ptr<decision_steering> steering;
  // When non-zero, a step's cost is drawn in [min, min + step_cost_span_ns) instead of the
  // default spans (events 40 + 0..159 ns, pollers 20 + 0..79 ns): the replay of a recording sets
  // it so that virtual time follows the recorded time between steps, as timed pollers need.
  // At most 1000 s. Carried by the replay line when non-zero (step_cost_span_ns=N).
  uint64_t step_cost_span_ns = 0;
};

// The fault settings a run actually used (equal to the options unless options.swarm).
struct fault_settings {
  uint32_t alloc_fail_ppm = 0;
  uint32_t shutdown_ppm = 0;
  uint32_t stall_ppm = 0;
  uint64_t timer_jitter_ns = 0;
};
std::string to_string(const fault_settings& f);

// The recorded trace (trace/format.hpp in the sources; written by write_trace).
using trace_log = trace::trace_log;

struct result {
  sim::outcome outcome = sim::outcome::hang;
  int rc = 0;                     // app_stop's rc when outcome == stopped
  uint64_t steps = 0;
  uint64_t virtual_ns = 0;        // the latest virtual time any core reached
  uint64_t events_executed = 0;
  uint64_t alloc_failures = 0;    // every nullptr from event_allocate: exhausted pool or injected
  uint64_t dropped_events = 0;    // queued when the app stopped
  std::string failure;            // LOCKSTEP_CHECK message (or framework invariant), else empty
  uint64_t trace_hash = 0;        // equal for equal (program, options)
  std::string replay;             // one line that reruns exactly this run (see parse_replay)
  // Additions beyond the contract:
  uint64_t leaked_events = 0;     // allocated but never called: not back in the pool at teardown
  uint64_t pollers_run = 0;
  uint64_t decisions = 0;         // draws taken from the decision stream
  std::vector<uint64_t> decision_log;  // every draw, when options.record_decisions
  sim::fault_settings faults;     // the fault settings in force (drawn, in swarm mode)
  uint64_t stalls = 0;            // stalls injected
  uint64_t core_thread_switches = 0;  // thread_per_core: hand-offs of the baton between threads
  std::shared_ptr<const trace_log> trace;  // set when options.trace
  // For a hang or a step_limit outcome (else empty): what was pending when the run ended, one
  // fact per line — per core the queued events, the registered pollers and the timers (due, or
  // the next one) with function names; events allocated and never called; allocation
  // failures; and at a step limit, what each core ran in the last diagnosis window (1000
  // steps) and the function that ran most there (the spinner). Deterministic: equal for equal
  // (program, options), no addresses. Not part of `failure`, which stays the check's message.
  std::string diagnosis;
};

// Runs `start` as the first event on core 0, then steps the reactors until an outcome.
// A step is one event executed or one poller invoked; max_steps counts steps. Every
// executed event costs virtual time drawn from a realistic range (40–199 ns, never zero), so
// that timers race with long queues as they do on hardware; when every core is idle, virtual
// time jumps to the next timer.
// Callable many times in one process; each run starts from a clean state.
// Bad options (those options_error names, an empty start, a run started while another run is
// executing) give outcome::failed with a message naming them.
result run(const options& opts, std::function<void()> start);

// The first thing wrong with `opts` that makes run() refuse them (the message run() gives:
// cores == 0 or > cores_max, event_pool_size 0 or > event_pool_size_max, a ppm above 1'000'000,
// max_steps 0, pct_depth > pct_depth_max, more than decisions_max decisions, ...), or an empty string when run() accepts them. A program checks its options
// with it before it runs anything, so that a bad option is reported as bad usage rather than
// as a failed run. parse_replay rejects a line whose options it refuses.
std::string options_error(const options& opts);

// Writes the run's trace (requires opts.trace) in the trace format that tools/trace_viz reads.
// Returns false (and says why on stderr) when the result has no trace or the file cannot be
// written.
bool write_trace(const result& r, const std::string& path);

// The replay line encodes every option that shapes a run, with a format version:
//   lockstep-replay/3 cores=4 seed=7 strategy=random pct_depth=3 ... decisions=-
// Every key is required, except thread_per_core: written (as thread_per_core=1) only when on, and
// read as off when absent, as every line written before the option existed means; and
// step_cost_span_ns, written only when non-zero and read as 0 when absent.
// parse_replay fills `opts` from such a line (shutdown_cb, core_thread_setup and
// record_decisions are not carried: they belong to the program, not to the schedule). A line of
// another version, a missing or unknown key or a bad value (also a value that run() would refuse:
// see options_error) is rejected: returns false and sets *error. The decision vector is written inline, run-length encoded: `decisions=-` for a seeded
// run, `decisions=[]` for an empty vector, `decisions=[0*12,3,0*4,1]` (value*count).
std::string format_replay(const options& opts);
bool parse_replay(const std::string& line, options* opts, std::string* error);

// The run-length encoding of a decision vector used in replay lines ("[0*12,3,1]"), and back.
// parse_decisions refuses a vector of more than decisions_max values before it expands it.
std::string format_decisions(const std::vector<uint64_t>& decisions);
bool parse_decisions(const std::string& text, std::vector<uint64_t>* out, std::string* error);

// The maximum number of simulated cores (the simulator keeps one bit per sender in a 64-bit
// mask, and one sender is the outside world: shutdown requests, the start event). Live external
// threads (lockstep::external_thread_start) take the bits the cores leave: cores plus live
// external threads are at most 63.
inline constexpr uint32_t cores_max = 63;

// The largest event pool a run accepts (options.event_pool_size).
inline constexpr uint32_t event_pool_size_max = 1u << 24;

// The largest options.pct_depth a run accepts (the --pct-depth flag and replay lines alike).
// PCT finds a bug of depth d with probability >= 1/(n * k^(d-1)) per run of k steps: past a
// handful of change points that bound is no better than a random walk's, and 64 keeps every
// run's change-point setup small.
inline constexpr uint32_t pct_depth_max = 64;

// The longest decision vector a run accepts (options.decisions, a replay line's decisions=):
// 2^26 choices, 512 MiB. More than the decision log of a run of the default max_steps holds
// (a step draws its core and its cost, and a few faults: the cross_core example draws 2.1 per
// step, 3.2 with 1% allocation faults), and few enough that a run-length encoded line like [1*1000000000] is refused as
// bad input rather than expanded until the memory runs out.
inline constexpr uint64_t decisions_max = uint64_t{1} << 26;

// The limits' earlier names (the unit-last form above is the one used everywhere now).
[[deprecated("use sim::cores_max")]] inline constexpr uint32_t max_cores = cores_max;
[[deprecated("use sim::event_pool_size_max")]] inline constexpr uint32_t max_event_pool_size =
    event_pool_size_max;
[[deprecated("use sim::pct_depth_max")]] inline constexpr uint32_t max_pct_depth = pct_depth_max;
[[deprecated("use sim::decisions_max")]] inline constexpr uint64_t max_decisions = decisions_max;

}  // namespace lockstep::sim
