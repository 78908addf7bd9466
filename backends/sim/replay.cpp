// The replay line: every option that shapes a run, behind a format version. A line is either
// read whole and exactly, or rejected with the reason: a replay that silently ran something
// else would be worse than none.
#include <lockstep/sim.hpp>

#include <charconv>
#include <cstring>
#include <sstream>

namespace lockstep::sim {
namespace {

// Version 2 added the decision vector, stalls, timer jitter and swarm mode.
constexpr const char* replay_tag = "lockstep-replay/3";

// The one optional key, written only when on: every line written before it existed means "off",
// and reads so. (It changes no schedule by itself, but code that keeps per-core state in
// thread-locals takes other branches without it, so a replay must run with it as the run did.)
constexpr const char* thread_per_core_key = "thread_per_core";
// Another optional key, written only when non-zero (the default cost spans).
constexpr const char* step_cost_span_key = "step_cost_span_ns";

// Every key, in the order format_replay writes them. parse_replay requires each exactly once,
// but for thread_per_core_key (at most once).
constexpr const char* replay_keys[] = {
    "cores", "seed", "strategy", "pct_depth", "pct_horizon_steps", "event_pool_size",
    "alloc_fail_ppm", "alloc_fail_nth", "max_steps", "shutdown_ppm", "stall_ppm",
    "stall_steps_max", "timer_jitter_ns", "swarm", "trace", thread_per_core_key, step_cost_span_key, "decisions"};
constexpr size_t replay_key_count = sizeof(replay_keys) / sizeof(replay_keys[0]);

bool parse_u64(const std::string& text, uint64_t max, uint64_t* out) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty() || v > max) return false;
  *out = v;
  return true;
}

// Sets option `key` (a known key) of `o` from `value`; false, with *error set, for a bad value.
bool set_field(const std::string& key, const std::string& value, options& o, std::string* error) {
  uint64_t v = 0;
  bool ok = true;
  if (key == "strategy") {
    if (value == "random") {
      o.strategy = strategy::random;
    } else if (value == "pct") {
      o.strategy = strategy::pct;
    } else {
      ok = false;
    }
  } else if (key == "cores") {
    ok = parse_u64(value, UINT32_MAX, &v) && (o.cores = static_cast<uint32_t>(v), true);
  } else if (key == "seed") {
    ok = parse_u64(value, UINT64_MAX, &o.seed);
  } else if (key == "pct_depth") {
    ok = parse_u64(value, UINT32_MAX, &v) && (o.pct_depth = static_cast<uint32_t>(v), true);
  } else if (key == "pct_horizon_steps") {
    ok = parse_u64(value, UINT64_MAX, &o.pct_horizon_steps);
  } else if (key == "event_pool_size") {
    ok = parse_u64(value, UINT32_MAX, &v) && (o.event_pool_size = static_cast<uint32_t>(v), true);
  } else if (key == "alloc_fail_ppm") {
    ok = parse_u64(value, UINT32_MAX, &v) && (o.alloc_fail_ppm = static_cast<uint32_t>(v), true);
  } else if (key == "alloc_fail_nth") {
    ok = parse_u64(value, UINT32_MAX, &v) && (o.alloc_fail_nth = static_cast<uint32_t>(v), true);
  } else if (key == "max_steps") {
    ok = parse_u64(value, UINT64_MAX, &o.max_steps);
  } else if (key == "shutdown_ppm") {
    ok = parse_u64(value, UINT32_MAX, &v) && (o.shutdown_ppm = static_cast<uint32_t>(v), true);
  } else if (key == "stall_ppm") {
    ok = parse_u64(value, UINT32_MAX, &v) && (o.stall_ppm = static_cast<uint32_t>(v), true);
  } else if (key == "stall_steps_max") {
    ok = parse_u64(value, UINT32_MAX, &v) && (o.stall_steps_max = static_cast<uint32_t>(v), true);
  } else if (key == "timer_jitter_ns") {
    ok = parse_u64(value, UINT64_MAX, &o.timer_jitter_ns);
  } else if (key == "swarm") {
    ok = parse_u64(value, 1, &v) && (o.swarm = v == 1, true);
  } else if (key == "decisions") {
    if (value == "-") {
      o.decisions.reset();
    } else {
      std::vector<uint64_t> d;
      std::string why;
      ok = parse_decisions(value, &d, &why);
      if (!ok) {
        *error = "replay option decisions: " + why;
        return false;
      }
      o.decisions = std::move(d);
    }
  } else if (key == "trace") {
    ok = parse_u64(value, 1, &v) && (o.trace = v == 1, true);
  } else if (key == step_cost_span_key) {
    ok = parse_u64(value, UINT64_MAX, &o.step_cost_span_ns);
  } else if (key == thread_per_core_key) {
    ok = parse_u64(value, 1, &v) && (o.thread_per_core = v == 1, true);
  }
  if (!ok) *error = "replay option " + key + " has a bad value '" + value + "'";
  return ok;
}

// Writes `key` (a literal) and v in decimal at p; returns the end. p has room for both.
template <size_t N>
char* put(char* p, const char (&key)[N], uint64_t v) noexcept {
  std::memcpy(p, key, N - 1);
  return std::to_chars(p + N - 1, p + N - 1 + 20, v).ptr;
}

}  // namespace

// Every run's result carries its line: written into a buffer with to_chars, not through a
// string stream, whose set-up (a locale among it) cost about a tenth of a whole run of 250
// events.
std::string format_replay(const options& o) {
  // The fixed part: 17 keys of at most 24 characters and 17 numbers of at most 20 digits, the
  // tag and the strategy's name.
  char buf[1024];
  char* p = buf;
  std::memcpy(p, replay_tag, std::strlen(replay_tag));
  p += std::strlen(replay_tag);
  p = put(p, " cores=", o.cores);
  p = put(p, " seed=", o.seed);
  const char* strategy = to_string(o.strategy);
  std::memcpy(p, " strategy=", 10);
  std::memcpy(p + 10, strategy, std::strlen(strategy));
  p += 10 + std::strlen(strategy);
  p = put(p, " pct_depth=", o.pct_depth);
  p = put(p, " pct_horizon_steps=", o.pct_horizon_steps);
  p = put(p, " event_pool_size=", o.event_pool_size);
  p = put(p, " alloc_fail_ppm=", o.alloc_fail_ppm);
  p = put(p, " alloc_fail_nth=", o.alloc_fail_nth);
  p = put(p, " max_steps=", o.max_steps);
  p = put(p, " shutdown_ppm=", o.shutdown_ppm);
  p = put(p, " stall_ppm=", o.stall_ppm);
  p = put(p, " stall_steps_max=", o.stall_steps_max);
  p = put(p, " timer_jitter_ns=", o.timer_jitter_ns);
  p = put(p, " swarm=", o.swarm ? 1 : 0);
  p = put(p, " trace=", o.trace ? 1 : 0);
  if (o.thread_per_core.value_or(false)) {
    std::memcpy(p, " thread_per_core=1", 18);
    p += 18;
  }
  if (o.step_cost_span_ns != 0) p = put(p, " step_cost_span_ns=", o.step_cost_span_ns);
  std::string s(buf, p);
  s += " decisions=";
  s += o.decisions ? format_decisions(*o.decisions) : std::string("-");
  return s;
}

std::string format_decisions(const std::vector<uint64_t>& d) {
  std::string out = "[";
  for (size_t i = 0; i < d.size();) {
    size_t j = i;
    while (j < d.size() && d[j] == d[i]) ++j;
    if (i != 0) out += ',';
    out += std::to_string(d[i]);
    if (j - i > 1) out += '*' + std::to_string(j - i);
    i = j;
  }
  return out + "]";
}

bool parse_decisions(const std::string& text, std::vector<uint64_t>* out, std::string* error) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
    *error = "a decision vector is written [v,v*count,...] (got '" + text + "')";
    return false;
  }
  // Read whole (runs of value*count) and counted before anything is expanded: a vector longer
  // than any run accepts is refused, not allocated.
  struct run_of {
    uint64_t value, count;
  };
  std::vector<run_of> runs;
  uint64_t total = 0;
  const std::string body = text.substr(1, text.size() - 2);
  size_t pos = 0;
  while (pos < body.size()) {
    size_t comma = body.find(',', pos);
    if (comma == std::string::npos) comma = body.size();
    const std::string item = body.substr(pos, comma - pos);
    const size_t star = item.find('*');
    uint64_t value = 0, count = 1;
    if (!parse_u64(item.substr(0, star), UINT64_MAX, &value) ||
        (star != std::string::npos &&
         (!parse_u64(item.substr(star + 1), UINT64_MAX, &count) || count == 0))) {
      *error = "bad decision vector item '" + item + "'";
      return false;
    }
    if (count > decisions_max - total) {
      *error = "the decision vector holds more than " + std::to_string(decisions_max) +
               " decisions (sim::decisions_max) at item '" + item + "'";
      return false;
    }
    total += count;
    runs.push_back({value, count});
    pos = comma + 1;
    if (comma + 1 == body.size()) {
      *error = "decision vector ends with a comma";
      return false;
    }
  }
  std::vector<uint64_t> d;
  d.reserve(total);
  for (const run_of& r : runs) d.insert(d.end(), r.count, r.value);
  *out = std::move(d);
  return true;
}

bool parse_replay(const std::string& line, options* opts, std::string* error) {
  std::istringstream in(line);
  std::string tag;
  in >> tag;
  if (tag != replay_tag) {
    *error = tag.rfind("lockstep-replay/", 0) == 0
                 ? "replay line has format " + tag + ", but this build reads " + replay_tag +
                       " only: rerun the failing program at the version that printed it"
                 : "not a replay line (it must start with " + std::string(replay_tag) + ")";
    return false;
  }
  options o = *opts;
  bool seen[replay_key_count] = {};
  o.thread_per_core = false;  // explicit when absent, so that run_sim's default does not apply
  o.step_cost_span_ns = 0;
  std::string field;
  while (in >> field) {
    const size_t eq = field.find('=');
    if (eq == std::string::npos) {
      *error = "replay field '" + field + "' is not key=value";
      return false;
    }
    const std::string key = field.substr(0, eq);
    const std::string value = field.substr(eq + 1);
    size_t k = 0;
    while (k < replay_key_count && key != replay_keys[k]) ++k;
    if (k == replay_key_count) {
      *error = "replay line has unknown option '" + key +
               "' (written by another options set: rerun at the version that printed it)";
      return false;
    }
    if (seen[k]) {
      *error = "replay line repeats option '" + key + "'";
      return false;
    }
    seen[k] = true;
    if (!set_field(key, value, o, error)) return false;
  }
  for (size_t k = 0; k < replay_key_count; ++k) {
    if (!seen[k] && replay_keys[k] != thread_per_core_key && replay_keys[k] != step_cost_span_key) {
      *error = "replay line lacks option '" + std::string(replay_keys[k]) +
               "' (written by another options set: rerun at the version that printed it)";
      return false;
    }
  }
  // Each value parsed, but together they may still be options no run accepts: such a line is
  // rejected here, with run()'s reason, rather than run into outcome failed.
  if (std::string why = options_error(o); !why.empty()) {
    *error = "replay line has options no run accepts: " + why;
    return false;
  }
  *opts = o;
  return true;
}

}  // namespace lockstep::sim
