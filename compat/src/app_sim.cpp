// spdk_app_start in the simulator: the program's own main, unchanged, runs its application as
// one simulation whose options come from the environment (LOCKSTEP_SPDK_SIM).
#include "app_frame.hpp"

#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::spdk_compat {
namespace {

// The simulator's defaults for a whole program: a program runs for seconds of virtual time
// (event_perf -t 1 on two cores takes about 17 million steps), so the step limit is far above
// sim::options' default, which is sized for exploring short runs by the thousand.
constexpr uint64_t app_steps_max = 2'000'000'000;

std::vector<std::pair<std::string, std::string>> split_words(const std::string& line,
                                                             std::string* tag) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (end == pos) break;
    const std::string word = line.substr(pos, end - pos);
    const size_t eq = word.find('=');
    if (eq == std::string::npos) {
      if (tag != nullptr && out.empty() && tag->empty()) {
        *tag = word;
      } else {
        out.emplace_back(word, std::string());  // reported as malformed by the caller
      }
    } else {
      out.emplace_back(word.substr(0, eq), word.substr(eq + 1));
    }
    pos = end;
  }
  return out;
}

}  // namespace

bool app_sim_options(const char* text, uint32_t cores, sim::options* opts, std::string* error) {
  const std::string given = text != nullptr ? text : "";
  sim::options base = *opts;
  base.cores = cores;
  if (given.rfind("lockstep-replay/", 0) == 0) {
    // A whole replay line: exactly that run (its cores must be the reactor mask's).
    sim::options parsed;
    if (!sim::parse_replay(given, &parsed, error)) return false;
    if (parsed.cores != cores) {
      *error = "the replay line has cores=" + std::to_string(parsed.cores) +
               " but the reactor mask selects " + std::to_string(cores) + " core(s)";
      return false;
    }
    parsed.shutdown_cb = base.shutdown_cb;
    *opts = parsed;
    return true;
  }
  // key=value words over the defaults: edit the defaults' replay line, then parse it, so that
  // every key and value is checked by the simulator's own parser.
  std::string tag;
  auto words = split_words(sim::format_replay(base), &tag);
  for (const auto& [key, value] : split_words(given, nullptr)) {
    if (value.empty()) {
      *error = "'" + key + "': expected key=value (keys as in a replay line)";
      return false;
    }
    if (key == "cores") {
      *error = "cores= is not an option here: the reactor mask (-m) gives the cores";
      return false;
    }
    bool found = false;
    for (auto& [k, v] : words) {
      if (k == key) {
        v = value;
        found = true;
      }
    }
    if (!found && key == "thread_per_core") {
      // The one optional key of a replay line: the defaults' line has it only when it is on.
      words.emplace_back(key, value);
      found = true;
    }
    if (!found) {
      *error = "unknown key '" + key + "' (keys as in a replay line: " +
               sim::format_replay(base) + ")";
      return false;
    }
  }
  std::string line = tag;
  for (const auto& [k, v] : words) line += " " + k + "=" + v;
  sim::options parsed;
  if (!sim::parse_replay(line, &parsed, error)) return false;
  parsed.shutdown_cb = base.shutdown_cb;
  // A line without thread_per_core reads as "off"; words that do not name it keep run_sim's
  // default (a thread per core: SPDK code keeps per-core state in __thread variables).
  const bool named = std::any_of(words.begin(), words.end(),
                                 [](const auto& w) { return w.first == "thread_per_core"; });
  if (!named) parsed.thread_per_core = base.thread_per_core;
  *opts = parsed;
  return true;
}

std::string run_verdict(const sim::result& r, int (*verify)(char* why, size_t why_size)) {
  if (r.outcome != sim::outcome::stopped)
    return std::string("outcome ") + sim::to_string(r.outcome) +
           (r.failure.empty() ? "" : ": " + r.failure);
  if (r.rc != 0) return "spdk_app_stop rc " + std::to_string(r.rc);
  char text[256] = {};
  if (verify != nullptr && verify(text, sizeof text) != 0)
    return text[0] != '\0' ? std::string(text) : std::string("the application's check failed");
  if (r.leaked_events != 0)
    return std::to_string(r.leaked_events) + " events allocated and never called";
  return {};
}

namespace detail {

int run_app_in_sim(const spdk_app_opts& opts, const std::vector<uint32_t>& lcores,
                   spdk_msg_fn start_fn, void* ctx) {
  const auto cores = static_cast<uint32_t>(lcores.size());
  sim::options o;
  o.max_steps = app_steps_max;
  if (opts.event_pool_size != 0) o.event_pool_size = opts.event_pool_size;
  o.shutdown_cb = opts.shutdown_cb;
  std::string error;
  if (!app_sim_options(std::getenv("LOCKSTEP_SPDK_SIM"), cores, &o, &error)) {
    SPDK_ERRLOG("%s: LOCKSTEP_SPDK_SIM: %s\n", app_name(opts), error.c_str());
    return -EINVAL;
  }
  const char* trace_path = std::getenv("LOCKSTEP_SPDK_SIM_TRACE");
  if (trace_path != nullptr && *trace_path != '\0') o.trace = true;

  // The simulator numbers its cores 0..n-1 and starts on core 0: the application sees those.
  app_frame& f = frame();
  f.cores.clear();
  for (uint32_t c = 0; c < cores; ++c) f.cores.push_back(c);
  f.main_core = 0;
  f.shm_id = opts.shm_id;
  f.shutdown_cb = opts.shutdown_cb;
  f.running = true;
  const sim::result r = run_sim(o, start_fn, ctx, sim_log{opts.print_level});
  f.running = false;

  std::fflush(stdout);  // the program's own lines first, where both streams go to one place
  std::fprintf(stderr,
               "%s: simulated on %u core(s): outcome %s rc %d steps %" PRIu64
               " virtual_ns %" PRIu64 " events %" PRIu64 " dropped %" PRIu64
               " trace_hash %016" PRIx64 "\n",
               app_name(opts), cores, sim::to_string(r.outcome), r.rc, r.steps, r.virtual_ns,
               r.events_executed, r.dropped_events, r.trace_hash);
  if (!r.failure.empty()) std::fprintf(stderr, "%s: failure: %s\n", app_name(opts), r.failure.c_str());
  std::fprintf(stderr, "%s: rerun: LOCKSTEP_SPDK_SIM='%s'\n", app_name(opts), r.replay.c_str());
  if (o.trace && sim::write_trace(r, trace_path))
    std::fprintf(stderr, "%s: trace written to %s\n", app_name(opts), trace_path);
  if (r.outcome == sim::outcome::stopped) return r.rc;
  std::fprintf(stderr, "%s: the simulated run did not stop (outcome %s): spdk_app_start returns -1\n",
               app_name(opts), sim::to_string(r.outcome));
  return -1;
}

}  // namespace detail
}  // namespace lockstep::spdk_compat
