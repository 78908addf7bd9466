#include "../../core/limits.hpp"
#include "../../core/runtime.hpp"
#include "../../trace/format.hpp"
#include "world.hpp"

#include <lockstep/sim.hpp>

#include <cstdio>

namespace lockstep::sim {

static_assert(event_pool_size_max == core::event_pool_size_max);

std::string options_error(const options& opts) {
  if (opts.cores == 0 || opts.cores > cores_max)
    return "options.cores must be 1.." + std::to_string(cores_max) + " (got " +
           std::to_string(opts.cores) + ")";
  if (opts.event_pool_size == 0 || opts.event_pool_size > event_pool_size_max)
    return "options.event_pool_size must be 1.." + std::to_string(event_pool_size_max) +
           " (got " + std::to_string(opts.event_pool_size) + ")";
  if (opts.alloc_fail_ppm > 1'000'000)
    return "options.alloc_fail_ppm must be at most 1000000 (got " +
           std::to_string(opts.alloc_fail_ppm) + ")";
  if (opts.shutdown_ppm > 1'000'000)
    return "options.shutdown_ppm must be at most 1000000 (got " +
           std::to_string(opts.shutdown_ppm) + ")";
  if (opts.stall_ppm > 1'000'000)
    return "options.stall_ppm must be at most 1000000 (got " + std::to_string(opts.stall_ppm) +
           ")";
  if (opts.stall_ppm != 0 && opts.stall_steps_max == 0)
    return "options.stall_steps_max must be at least 1 when stall_ppm is set";
  if (opts.step_cost_span_ns > 1'000'000'000'000)
    return "options.step_cost_span_ns must be at most 1000 s of virtual time (got " +
           std::to_string(opts.step_cost_span_ns) + ")";
  if (opts.timer_jitter_ns > 1'000'000'000'000)
    return "options.timer_jitter_ns must be at most 1000 s of virtual time (got " +
           std::to_string(opts.timer_jitter_ns) + ")";
  if (opts.strategy != strategy::random && opts.strategy != strategy::pct)
    return "options.strategy is not a strategy";
  if (opts.strategy == strategy::pct && opts.pct_depth == 0)
    return "options.pct_depth must be at least 1 for strategy pct";
  if (opts.pct_depth > pct_depth_max)
    return "options.pct_depth must be at most " + std::to_string(pct_depth_max) + " (got " +
           std::to_string(opts.pct_depth) + ")";
  if (opts.decisions && opts.decisions->size() > decisions_max)
    return "options.decisions may hold at most " + std::to_string(decisions_max) +
           " decisions (got " + std::to_string(opts.decisions->size()) + ")";
  // A run of no steps cannot run its start event: it would only ever report step_limit.
  if (opts.max_steps == 0) return "options.max_steps must be at least 1 (got 0)";
  return {};
}

namespace {

// The first thing wrong with `opts` or `start`, or empty.
std::string invalid_options(const options& opts, const std::function<void()>& start) {
  if (std::string why = options_error(opts); !why.empty()) return why;
  if (!start) return "sim::run: start is empty (there is nothing to run)";
  return {};
}

}  // namespace

static_assert(cores_max <= transport_cores_max);

const char* to_string(strategy s) noexcept {
  switch (s) {
    case strategy::random: return "random";
    case strategy::pct: return "pct";
  }
  return "?";
}

const char* to_string(outcome o) noexcept {
  switch (o) {
    case outcome::stopped: return "stopped";
    case outcome::hang: return "hang";
    case outcome::step_limit: return "step_limit";
    case outcome::failed: return "failed";
  }
  return "?";
}

std::string to_string(const fault_settings& f) {
  return "alloc_fail_ppm=" + std::to_string(f.alloc_fail_ppm) +
         " shutdown_ppm=" + std::to_string(f.shutdown_ppm) +
         " stall_ppm=" + std::to_string(f.stall_ppm) +
         " timer_jitter_ns=" + std::to_string(f.timer_jitter_ns);
}

result run(const options& opts, std::function<void()> start) {
  if (std::string why = invalid_options(opts, start); !why.empty()) {
    result r;
    r.outcome = outcome::failed;
    r.failure = std::move(why);
    r.replay = format_replay(opts);
    return r;
  }
  world w(opts, std::move(start));
  return w.execute();
}

bool write_trace(const result& r, const std::string& path) {
  if (!r.trace) {
    std::fprintf(stderr, "lockstep: write_trace: the result has no trace (run with "
                         "options.trace = true)\n");
    return false;
  }
  std::string error;
  if (!trace::write_file(*r.trace, path, &error)) {
    std::fprintf(stderr, "lockstep: write_trace: %s\n", error.c_str());
    return false;
  }
  return true;
}

}  // namespace lockstep::sim
