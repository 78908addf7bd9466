// Golden hashes: a checked-in table of (scenario, options) -> trace_hash, steps, events,
// alloc_failures, outcome and rc over the bug zoo, cross_core, spdk_event and the benchmark's
// simulator workload, under both strategies and every fault kind. Every row is rerun and must
// give exactly what the table says: a change to the simulator (or to those programs) that
// alters any run shows here. The table was produced by the code itself (a regression table,
// not an independent oracle); a deliberate change that alters hashes regenerates it together
// with a bump of the replay format (docs/golden.md).
//
// Locating a divergence: besides the totals, each row keeps its step digest, a running hash
// over the run's trace records (every field but the function name, whose text depends on the
// build's symbols): its low 32 bits after steps 1, 2, 4, 8, ... and at the end (checkpoints),
// and its low byte after every step (step_bytes). Every row's digest is recomputed each time
// (rerun with the trace when the row runs without it; recording never changes a run, and a run
// that does differ with the trace fails the row). For a row that differs, the first checkpoint
// that differs bounds the first diverging step to a window (after the last matching
// checkpoint, at or before the first differing one), and the first step of the window whose
// byte differs is the step reported, with the rerun's trace records of that step. The window is
// exact; the step is the first diverging one unless that step's byte matched by chance (one
// time in 256). When every step's digest matches but the hash does not, the run is the same and
// only what the hash folds in changed, and the report says so.
//
// Modes:
//   golden_test TABLE                  check every row (exit 0: all match, 1: a row differs,
//                                      2: bad usage or a malformed table)
//   golden_test TABLE --regenerate [--force]
//                                      rewrite TABLE from the scenario matrix below; refused
//                                      when a row's hash changed under the same replay format,
//                                      unless forced (a scenario's own program changed)
//   golden_test TABLE --row N          print row N's steps: per-step digest and trace records
//                                      (run it in two builds and diff the outputs)
//   golden_test TABLE --perturb N      check, but run row N (0-based) with seed+1: what a
//                                      report looks like
#include "bugs.hpp"
#include "trace/format.hpp"
#include "cross_core_app.hpp"
#include "sim_workload.hpp"
#include "spdk_event_app.h"

#include <lockstep/sim.hpp>
#include <lockstep/spdk_compat.hpp>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace sim = lockstep::sim;

// The table's own format version, and the header line that carries it with the replay
// format's version (the first word of a replay line) at the time the table was written.
constexpr const char* table_version = "lockstep-golden/1";

std::string replay_version() {
  const std::string line = sim::format_replay(sim::options{});
  return line.substr(0, line.find(' '));
}

// ---- the scenarios -------------------------------------------------------------------------

struct scenario {
  std::string name;
  // The program's own settings, applied before the row's (a shutdown callback, a zoo bug's
  // fault settings).
  std::function<void(sim::options&)> prepare;
  std::function<sim::result(const sim::options&)> run;
};

std::vector<scenario> make_scenarios() {
  std::vector<scenario> all;
  for (const zoo::bug& b : zoo::bugs()) {
    const zoo::bug* bug = &b;
    all.push_back({std::string("zoo/") + b.name,
                   [bug](sim::options& o) { o = zoo::options_for(*bug, o); },
                   [bug](const sim::options& o) {
                     sim::result r;
                     bug->run(o, &r);
                     return r;
                   }});
  }
  auto cross_core_scenario = [&all](const std::string& name, cross_core::config cfg) {
    all.push_back({name,
                   [](sim::options& o) { o.shutdown_cb = cross_core::app::shutdown_request; },
                   [cfg](const sim::options& o) {
                     cross_core::app a(cfg);
                     return sim::run(o, [&a] { a.start(); });
                   }});
  };
  cross_core_scenario("cross_core/tasks=64", cross_core::config{});
  cross_core::config small;
  small.tasks = 12;
  small.window = 4;
  cross_core_scenario("cross_core/tasks=12", small);
  cross_core::config enomem = small;
  enomem.enomem_completes = true;
  cross_core_scenario("cross_core/tasks=12,enomem_completes", enomem);
  for (const spdk_event_app* app : {&spdk_event_app_seed, &spdk_event_app_fixed}) {
    all.push_back({std::string("spdk_event/") + app->variant + "/tasks=16",
                   [](sim::options&) {},
                   [app](const sim::options& o) {
                     spdk_event_app_config cfg{};
                     cfg.tasks = 16;
                     sim::result r = lockstep::spdk_compat::run_sim(o, app->start, &cfg);
                     app->reset();  // the application's state is process-wide
                     return r;
                   }});
  }
  all.push_back({"bench/forward/in_flight=4,events=300", [](sim::options&) {},
                 [](const sim::options& o) {
                   lockstep::bench::forward_config cfg;
                   cfg.cores = o.cores;
                   cfg.seed = o.seed;
                   cfg.events = 300;
                   bool ok = false;
                   return lockstep::bench::run_forward(cfg, o, &ok);
                 }});
  return all;
}

const scenario* find_scenario(const std::vector<scenario>& all, const std::string& name) {
  for (const scenario& s : all)
    if (s.name == name) return &s;
  return nullptr;
}

// ---- a row's options, as key=value words ----------------------------------------------------

using setting = std::pair<std::string, std::string>;

bool parse_u64(const std::string& text, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// Applies one setting; false with *error when the key or the value is not one this table knows.
bool apply(const setting& s, sim::options* o, std::string* error) {
  const auto& [key, value] = s;
  uint64_t v = 0;
  const bool number = parse_u64(value, &v);
  auto u32 = [&](uint32_t* field) {
    if (!number || v > UINT32_MAX) return false;
    *field = static_cast<uint32_t>(v);
    return true;
  };
  auto u64 = [&](uint64_t* field) {
    if (!number) return false;
    *field = v;
    return true;
  };
  auto flag = [&](bool* field) {
    if (!number || v > 1) return false;
    *field = v == 1;
    return true;
  };
  bool ok = false;
  if (key == "cores") {
    ok = u32(&o->cores);
  } else if (key == "seed") {
    ok = u64(&o->seed);
  } else if (key == "strategy") {
    ok = value == "random" || value == "pct";
    o->strategy = value == "pct" ? sim::strategy::pct : sim::strategy::random;
  } else if (key == "pct_depth") {
    ok = u32(&o->pct_depth);
  } else if (key == "pct_horizon_steps") {
    ok = u64(&o->pct_horizon_steps);
  } else if (key == "event_pool_size") {
    ok = u32(&o->event_pool_size);
  } else if (key == "alloc_fail_ppm") {
    ok = u32(&o->alloc_fail_ppm);
  } else if (key == "alloc_fail_nth") {
    ok = u32(&o->alloc_fail_nth);
  } else if (key == "max_steps") {
    ok = u64(&o->max_steps);
  } else if (key == "trace") {
    ok = flag(&o->trace);
  } else if (key == "record_decisions") {
    ok = flag(&o->record_decisions);
  } else if (key == "shutdown_ppm") {
    ok = u32(&o->shutdown_ppm);
  } else if (key == "stall_ppm") {
    ok = u32(&o->stall_ppm);
  } else if (key == "stall_steps_max") {
    ok = u32(&o->stall_steps_max);
  } else if (key == "timer_jitter_ns") {
    ok = u64(&o->timer_jitter_ns);
  } else if (key == "swarm") {
    ok = flag(&o->swarm);
  } else if (key == "decisions") {
    std::vector<uint64_t> d;
    std::string why;
    ok = sim::parse_decisions(value, &d, &why);
    o->decisions = std::move(d);
  } else {
    *error = "unknown option '" + key + "'";
    return false;
  }
  if (!ok) *error = "bad value '" + value + "' for " + key;
  return ok;
}

// ---- what a run gives ------------------------------------------------------------------------

// The step digest: a running hash over the trace records, folded step by step. by_step[s] is
// the digest of every record made before step s+1 began, i.e. through step s (1-based);
// by_step[0] is the seed; final also folds the records after the last step (none today).
struct step_digests {
  std::vector<uint64_t> by_step;
  uint64_t final = 0;
};

uint64_t fold(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h *= 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 33);
}

// The byte that says why an allocation failed or where a check failed (0 for other kinds), as
// the table's step digests were first computed.
uint8_t detail_of(const lockstep::trace::record& r) {
  if (r.kind == lockstep::trace::kind::alloc_failed) return static_cast<uint8_t>(r.reason);
  if (r.kind == lockstep::trace::kind::check_failed) return static_cast<uint8_t>(r.in);
  return 0;
}

uint64_t fold_record(uint64_t h, const lockstep::trace::record& r) {
  h = fold(h, (uint64_t{static_cast<uint8_t>(r.kind)} << 8) | detail_of(r));
  h = fold(h, (uint64_t{r.core} << 32) | r.target);
  h = fold(h, (uint64_t{r.sender} << 32) | static_cast<uint32_t>(r.rc));
  h = fold(h, r.step);
  h = fold(h, r.start_ns);
  h = fold(h, r.end_ns);
  h = fold(h, r.id);
  return fold(h, r.by);
}

step_digests digest_trace(const lockstep::trace::trace_log& log, uint64_t steps) {
  step_digests d;
  d.by_step.assign(steps + 1, 0);
  uint64_t h = 0x676F6C64656E0000ull;  // "golden"
  size_t i = 0;
  const auto& recs = log.records;
  for (uint64_t s = 0; s <= steps; ++s) {
    // Step s+1 (1-based) is the record's step s (0-based): fold everything before it.
    while (i < recs.size() && recs[i].step < s) h = fold_record(h, recs[i++]);
    d.by_step[s] = h;
  }
  while (i < recs.size()) h = fold_record(h, recs[i++]);
  d.final = h;
  return d;
}

// The checkpoint steps of a run of `steps` steps: 1, 2, 4, ... up to steps, then steps itself.
std::vector<uint64_t> checkpoint_steps(uint64_t steps) {
  std::vector<uint64_t> at;
  for (uint64_t s = 1; s <= steps; s *= 2) at.push_back(s);
  if (at.empty() || at.back() != steps) at.push_back(steps);
  return at;
}

struct observed {
  uint64_t hash = 0, steps = 0, events = 0, alloc_failures = 0;
  std::string outcome;
  int rc = 0;
  std::vector<uint32_t> checkpoints;  // the digest's low 32 bits at checkpoint_steps, then final
  std::string step_bytes;             // per step: the digest's low byte, two hex digits
  std::shared_ptr<const lockstep::trace::trace_log> trace;
  step_digests digests;
  std::string error;                  // the run disagreed with itself (trace on and off)
};

std::string hex_byte(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  return {digits[(v >> 4) & 15], digits[v & 15]};
}

observed observe(const scenario& sc, const sim::options& o) {
  observed ob;
  const sim::result r = sc.run(o);
  ob.hash = r.trace_hash;
  ob.steps = r.steps;
  ob.events = r.events_executed;
  ob.alloc_failures = r.alloc_failures;
  ob.outcome = sim::to_string(r.outcome);
  ob.rc = r.rc;
  ob.trace = r.trace;
  if (!ob.trace) {
    // The digest comes from the trace: rerun with it (recording never changes a run).
    sim::options traced = o;
    traced.trace = true;
    const sim::result t = sc.run(traced);
    if (t.trace_hash != r.trace_hash || t.steps != r.steps)
      ob.error = "the run with the trace recorded differs from the run without it";
    ob.trace = t.trace;
  }
  if (!ob.trace) {
    ob.error = "the run recorded no trace";
    return ob;
  }
  ob.digests = digest_trace(*ob.trace, ob.steps);
  for (uint64_t s : checkpoint_steps(ob.steps))
    ob.checkpoints.push_back(static_cast<uint32_t>(ob.digests.by_step[s]));
  ob.checkpoints.push_back(static_cast<uint32_t>(ob.digests.final));
  ob.step_bytes.reserve(ob.steps * 2);
  for (uint64_t s = 1; s <= ob.steps; ++s) ob.step_bytes += hex_byte(ob.digests.by_step[s]);
  return ob;
}

// ---- the table -------------------------------------------------------------------------------

struct row {
  int line = 0;
  std::string scenario;
  std::vector<setting> settings;
  observed expected;
};

std::string format_settings(const std::vector<setting>& settings) {
  std::string out;
  for (const auto& [k, v] : settings) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out;
}

std::string format_row(const std::string& scenario, const std::vector<setting>& settings,
                       const observed& ob) {
  char head[256];
  std::snprintf(head, sizeof head,
                "hash=%016" PRIx64 " steps=%" PRIu64 " events=%" PRIu64
                " alloc_failures=%" PRIu64 " outcome=%s rc=%d",
                ob.hash, ob.steps, ob.events, ob.alloc_failures, ob.outcome.c_str(), ob.rc);
  std::string cps;
  for (uint32_t c : ob.checkpoints) {
    char w[16];
    std::snprintf(w, sizeof w, "%s%08x", cps.empty() ? "" : ",", c);
    cps += w;
  }
  return "row " + scenario + " " + format_settings(settings) + " : " + head +
         " checkpoints=" + cps + " step_bytes=" + ob.step_bytes;
}

bool parse_row(const std::string& text, int line, row* out, std::string* error) {
  std::istringstream in(text);
  std::string word;
  in >> word;  // "row"
  if (!(in >> out->scenario)) {
    *error = "a row names its scenario";
    return false;
  }
  out->line = line;
  bool results = false;
  while (in >> word) {
    if (word == ":") {
      results = true;
      continue;
    }
    const size_t eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = "'" + word + "' is not key=value";
      return false;
    }
    const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
    if (!results) {
      out->settings.emplace_back(key, value);
      continue;
    }
    observed& e = out->expected;
    uint64_t v = 0;
    bool ok = true;
    if (key == "hash") {
      char* end = nullptr;
      e.hash = std::strtoull(value.c_str(), &end, 16);
      ok = value.size() == 16 && *end == '\0';
    } else if (key == "steps") {
      ok = parse_u64(value, &e.steps);
    } else if (key == "events") {
      ok = parse_u64(value, &e.events);
    } else if (key == "alloc_failures") {
      ok = parse_u64(value, &e.alloc_failures);
    } else if (key == "outcome") {
      e.outcome = value;
    } else if (key == "rc") {
      const bool neg = !value.empty() && value[0] == '-';
      ok = parse_u64(neg ? value.substr(1) : value, &v) && v <= 0x7FFFFFFF;
      e.rc = neg ? -static_cast<int>(v) : static_cast<int>(v);
    } else if (key == "checkpoints") {
      std::istringstream cs(value);
      std::string c;
      while (std::getline(cs, c, ',')) {
        char* end = nullptr;
        e.checkpoints.push_back(static_cast<uint32_t>(std::strtoul(c.c_str(), &end, 16)));
        ok = ok && c.size() == 8 && *end == '\0';
      }
    } else if (key == "step_bytes") {
      e.step_bytes = value;
    } else {
      ok = false;
    }
    if (!ok) {
      *error = "bad result '" + word + "'";
      return false;
    }
  }
  const observed& e = out->expected;
  if (!results || e.outcome.empty() ||
      e.checkpoints.size() != checkpoint_steps(e.steps).size() + 1 ||
      e.step_bytes.size() != 2 * e.steps) {
    *error = "a row ends in ': hash=H steps=N events=N alloc_failures=N outcome=O rc=N "
             "checkpoints=C,... step_bytes=B...' with a checkpoint per power of two and a byte "
             "per step";
    return false;
  }
  return true;
}

// ---- the matrix: which rows the table holds ------------------------------------------------

// A decision vector of n values below `bound`, from a fixed generator (the vector itself is
// written into the table, so that the table does not depend on this generator).
std::string decision_vector(uint64_t n, uint64_t bound, uint64_t salt) {
  std::vector<uint64_t> d;
  uint64_t x = 0x243F6A8885A308D3ull ^ salt;
  for (uint64_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    // Mostly the canonical choice 0, as a shrunk vector is.
    d.push_back(x % 3 == 0 ? (x >> 8) % bound : 0);
  }
  return sim::format_decisions(d);
}

struct matrix_row {
  std::string scenario;
  std::vector<setting> settings;
};

std::vector<matrix_row> make_matrix(const std::vector<scenario>& scenarios) {
  std::vector<matrix_row> rows;
  for (const scenario& sc : scenarios) {
    const bool zoo = sc.name.rfind("zoo/", 0) == 0;
    const bool bench = sc.name.rfind("bench/", 0) == 0;
    auto add = [&](std::vector<setting> s) { rows.push_back({sc.name, std::move(s)}); };
    auto seeds = [&](uint64_t from, uint64_t to, const std::vector<setting>& extra) {
      for (uint64_t seed = from; seed <= to; ++seed) {
        std::vector<setting> s{{"seed", std::to_string(seed)}};
        s.insert(s.end(), extra.begin(), extra.end());
        add(std::move(s));
      }
    };
    // The strategies, fault-free.
    seeds(1, 5, {{"strategy", "random"}});
    seeds(1, 3, {{"strategy", "pct"}});
    seeds(5, 5, {{"strategy", "pct"}, {"pct_depth", "1"}, {"pct_horizon_steps", "200"}});
    seeds(6, 6, {{"strategy", "pct"}, {"pct_depth", "6"}, {"pct_horizon_steps", "2000"}});
    // Every fault kind alone.
    seeds(1, 3, {{"alloc_fail_ppm", "50000"}});
    seeds(4, 4, {{"strategy", "pct"}, {"alloc_fail_ppm", "50000"}});
    for (const char* nth : {"1", "3", "7"}) seeds(1, 1, {{"alloc_fail_nth", nth}});
    seeds(1, 3, {{"shutdown_ppm", "5000"}});
    seeds(4, 4, {{"strategy", "pct"}, {"shutdown_ppm", "20000"}});
    seeds(1, 2, {{"stall_ppm", "20000"}, {"stall_steps_max", "50"}});
    seeds(3, 3, {{"strategy", "pct"}, {"stall_ppm", "100000"}, {"stall_steps_max", "3"}});
    seeds(1, 2, {{"timer_jitter_ns", "2000"}});
    seeds(3, 3, {{"strategy", "pct"}, {"timer_jitter_ns", "200"}});
    // Every fault at once, and swarm mode (each fault drawn off or at a fraction of its ceiling).
    const std::vector<setting> all_faults{{"alloc_fail_ppm", "30000"},
                                          {"shutdown_ppm", "3000"},
                                          {"stall_ppm", "20000"},
                                          {"stall_steps_max", "20"},
                                          {"timer_jitter_ns", "1000"}};
    seeds(1, 2, all_faults);
    std::vector<setting> swarm = all_faults;
    swarm.emplace_back("swarm", "1");
    seeds(1, 4, swarm);
    swarm.emplace_back("strategy", "pct");
    seeds(5, 6, swarm);
    // Small pools: exhausted pools give null as injected failures do.
    seeds(1, 2, {{"event_pool_size", "8"}});
    seeds(3, 3, {{"event_pool_size", "32"}, {"strategy", "pct"}});
    // The trace recorded (the hash must not depend on it), and the decision log kept.
    seeds(1, 1, {{"trace", "1"}});
    seeds(2, 2, {{"trace", "1"}, {"strategy", "pct"}});
    seeds(3, 3, {{"trace", "1"}, {"alloc_fail_ppm", "50000"}, {"stall_ppm", "20000"}});
    seeds(4, 4, {{"record_decisions", "1"}, {"alloc_fail_ppm", "50000"}});
    // Decision vectors instead of the seed: empty (every choice canonical), short, long. Past
    // its end a vector always picks the first runnable core, which a program that reschedules
    // itself on core 0 (spdk_event's recurring task) never leaves: a step limit ends those.
    const setting limit{"max_steps", "600"};
    add({{"decisions", "[]"}, limit});
    add({{"decisions", decision_vector(40, 8, 1)}, limit});
    add({{"decisions", decision_vector(400, 1000, 2)}, {"alloc_fail_ppm", "50000"}, limit});
    add({{"decisions", decision_vector(200, 4, 3)}, {"strategy", "pct"}, {"swarm", "1"},
         {"alloc_fail_ppm", "30000"}, {"stall_ppm", "20000"}, limit});
    // A step limit that ends the run.
    seeds(1, 1, {{"max_steps", "40"}});
    // Other core counts (the zoo's programs are written for 4 cores).
    if (!zoo) {
      seeds(1, 1, {{"cores", "2"}});
      seeds(2, 2, {{"cores", "3"}, {"strategy", "pct"}});
      seeds(3, 3, {{"cores", "8"}, {"alloc_fail_ppm", "20000"}});
    }
    if (bench) seeds(4, 4, {{"cores", "16"}, {"stall_ppm", "10000"}});
  }
  return rows;
}

// ---- checking --------------------------------------------------------------------------------

std::string core_name(uint32_t c) {
  return c == lockstep::no_core ? std::string("-") : std::to_string(c);
}

std::string format_record(const lockstep::trace::trace_log& log,
                          const lockstep::trace::record& r) {
  char text[512];
  std::snprintf(text, sizeof text,
                "%s core=%s target=%s sender=%s id=%" PRIu64 " by=%" PRIu64 " start_ns=%" PRIu64
                " end_ns=%" PRIu64 " rc=%d detail=%u name=%s",
                lockstep::trace::to_string(r.kind), core_name(r.core).c_str(), core_name(r.target).c_str(),
                core_name(r.sender).c_str(), r.id, r.by, r.start_ns, r.end_ns, r.rc,
                unsigned{detail_of(r)}, r.name < log.names.size() ? log.names[r.name].c_str() : "?");
  return text;
}

// The records of step s (1-based) of an observed run, one per line, indented.
std::string step_records(const observed& ob, uint64_t s) {
  std::string out;
  for (const auto& r : ob.trace->records)
    if (r.step + 1 == s) out += "      " + format_record(*ob.trace, r) + "\n";
  return out.empty() ? "      (no records)\n" : out;
}

std::string totals(const observed& ob) {
  char text[256];
  std::snprintf(text, sizeof text,
                "hash=%016" PRIx64 " steps=%" PRIu64 " events=%" PRIu64 " alloc_failures=%" PRIu64
                " outcome=%s rc=%d",
                ob.hash, ob.steps, ob.events, ob.alloc_failures, ob.outcome.c_str(), ob.rc);
  return text;
}

// Where the observed run first differs from the table's row, in words.
std::string locate_divergence(const observed& want, const observed& got) {
  const std::vector<uint64_t> at = checkpoint_steps(want.steps);
  auto got_at = [&got](uint64_t s, uint32_t* v) {
    if (s > got.steps) return false;
    *v = static_cast<uint32_t>(got.digests.by_step[s]);
    return true;
  };
  uint64_t before = 0;  // the last step known to match
  uint64_t window_end = 0;
  for (size_t i = 0; i < at.size(); ++i) {
    uint32_t v = 0;
    if (got_at(at[i], &v) && v == want.checkpoints[i]) {
      before = at[i];
      continue;
    }
    window_end = at[i];
    break;
  }
  std::string out;
  if (window_end == 0) {
    // Every step of the table's run is the same now.
    if (got.steps > want.steps)
      return "  steps 1.." + std::to_string(want.steps) +
             " are as in the table; the run now goes on past the table's last step:\n" +
             "    first diverging step: " + std::to_string(want.steps + 1) + "\n" +
             step_records(got, want.steps + 1);
    if (static_cast<uint32_t>(got.digests.final) != want.checkpoints.back())
      return "  every step is as in the table; the records after the last step differ\n";
    return "  every step's trace records are as in the table: the run is the same, and only what "
           "the hash or the totals fold in changed\n";
  }
  // The first step of the window whose digest byte differs.
  uint64_t first = window_end;
  for (uint64_t s = before + 1; s <= window_end; ++s) {
    const std::string want_byte = want.step_bytes.substr(2 * (s - 1), 2);
    if (s > got.steps || hex_byte(got.digests.by_step[s]) != want_byte) {
      first = s;
      break;
    }
  }
  out += "  checkpoints: " +
         (before == 0 ? std::string("none matches")
                      : "steps 1.." + std::to_string(before) + " are as in the table") +
         ", step " + std::to_string(window_end) + " is not\n";
  out += "    first diverging step: " + std::to_string(first) +
         " (the first in steps " + std::to_string(before + 1) + ".." +
         std::to_string(window_end) + " whose digest byte differs)\n";
  if (first > got.steps) {
    out += "    the run now ends after " + std::to_string(got.steps) + " steps\n";
  } else {
    out += "    its trace records now:\n" + step_records(got, first);
  }
  return out;
}

struct table {
  std::string replay_version;
  std::vector<row> rows;
};

bool read_table(const std::string& path, table* t, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::string text;
  int line = 0;
  bool header = false;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty() || text[0] == '#') continue;
    if (!header) {
      std::istringstream h(text);
      std::string version;
      h >> version >> t->replay_version;
      if (version != table_version || t->replay_version.empty()) {
        *error = path + ":" + std::to_string(line) + ": the first line is '" + table_version +
                 " lockstep-replay/N'";
        return false;
      }
      header = true;
      continue;
    }
    row r;
    std::string why;
    if (text.rfind("row ", 0) != 0 || !parse_row(text, line, &r, &why)) {
      *error = path + ":" + std::to_string(line) + ": " + (why.empty() ? "not a row" : why);
      return false;
    }
    t->rows.push_back(std::move(r));
  }
  if (!header) {
    *error = path + ": no header line";
    return false;
  }
  return true;
}

std::string header_text(size_t rows) {
  return "# Golden hashes: (scenario, options) -> the run's trace_hash and totals, and its step\n"
         "# digest (checkpoints after steps 1, 2, 4, ... and the end; a byte per step).\n"
         "# Generated by the code itself, as a regression table: tests/golden/golden_test.cpp\n"
         "# --regenerate writes this file (see docs/golden.md). Do not edit by hand. A change\n"
         "# that alters a hash regenerates it together with a replay format bump.\n"
         "# " + std::to_string(rows) + " rows.\n" +
         table_version + " " + replay_version() + "\n";
}

int regenerate(const std::string& path, bool force) {
  const std::vector<scenario> scenarios = make_scenarios();
  const std::vector<matrix_row> matrix = make_matrix(scenarios);
  // A table made under the current replay format whose hashes change is a change without the
  // format bump: refused unless forced (a change to the scenarios' own programs, say).
  table old;
  std::string ignored;
  const bool have_old = read_table(path, &old, &ignored) && old.replay_version == replay_version();
  std::string out = header_text(matrix.size());
  int changed = 0;
  for (const matrix_row& m : matrix) {
    const scenario* sc = find_scenario(scenarios, m.scenario);
    sim::options o;
    sc->prepare(o);
    for (const setting& s : m.settings) {
      std::string error;
      if (!apply(s, &o, &error)) {
        std::fprintf(stderr, "golden: the matrix has %s\n", error.c_str());
        return 2;
      }
    }
    const observed ob = observe(*sc, o);
    if (!ob.error.empty()) {
      std::fprintf(stderr, "golden: %s %s: %s\n", m.scenario.c_str(),
                   format_settings(m.settings).c_str(), ob.error.c_str());
      return 1;
    }
    if (have_old) {
      for (const row& r : old.rows)
        if (r.scenario == m.scenario && r.settings == m.settings && r.expected.hash != ob.hash) {
          std::fprintf(stderr, "golden: %s %s: hash %016" PRIx64 " -> %016" PRIx64 "\n",
                       m.scenario.c_str(), format_settings(m.settings).c_str(), r.expected.hash,
                       ob.hash);
          ++changed;
        }
    }
    out += format_row(m.scenario, m.settings, ob) + "\n";
  }
  if (changed != 0 && !force) {
    std::fprintf(stderr,
                 "golden: %d hashes changed under the same replay format (%s): bump the replay "
                 "format with the change, or pass --force when only a scenario's own program "
                 "changed; %s is left as it was\n",
                 changed, replay_version().c_str(), path.c_str());
    return 1;
  }
  std::ofstream f(path, std::ios::trunc);
  f << out;
  if (!f.flush()) {
    std::fprintf(stderr, "golden: cannot write %s\n", path.c_str());
    return 2;
  }
  std::printf("golden: wrote %zu rows to %s\n", matrix.size(), path.c_str());
  return 0;
}

bool options_of(const std::vector<scenario>& scenarios, const row& r, const scenario** sc,
                sim::options* o, std::string* error) {
  *sc = find_scenario(scenarios, r.scenario);
  if (*sc == nullptr) {
    *error = "unknown scenario '" + r.scenario + "'";
    return false;
  }
  (*sc)->prepare(*o);
  for (const setting& s : r.settings)
    if (!apply(s, o, error)) return false;
  return true;
}

int check(const std::string& path, long perturb) {
  table t;
  std::string error;
  if (!read_table(path, &t, &error)) {
    std::fprintf(stderr, "golden: %s\n", error.c_str());
    return 2;
  }
  if (t.replay_version != replay_version()) {
    std::fprintf(stderr,
                 "golden: the table was made under %s and the replay format is now %s: a format "
                 "bump regenerates the table with it (golden_test %s --regenerate)\n",
                 t.replay_version.c_str(), replay_version().c_str(), path.c_str());
    return 1;
  }
  const std::vector<scenario> scenarios = make_scenarios();
  // The table holds the matrix's rows, in its order: a row added to the matrix (or the table)
  // alone is a table not regenerated.
  const std::vector<matrix_row> matrix = make_matrix(scenarios);
  bool same_rows = matrix.size() == t.rows.size();
  for (size_t i = 0; same_rows && i < matrix.size(); ++i)
    same_rows = matrix[i].scenario == t.rows[i].scenario &&
                matrix[i].settings == t.rows[i].settings;
  if (!same_rows) {
    std::fprintf(stderr, "golden: the table's rows are not the matrix's (golden_test.cpp): "
                         "regenerate it\n");
    return 1;
  }
  int differing = 0;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const row& r = t.rows[i];
    const scenario* sc = nullptr;
    sim::options o;
    if (!options_of(scenarios, r, &sc, &o, &error)) {
      std::fprintf(stderr, "golden: %s:%d: %s\n", path.c_str(), r.line, error.c_str());
      return 2;
    }
    if (static_cast<long>(i) == perturb) ++o.seed;
    const observed got = observe(*sc, o);
    const observed& want = r.expected;
    const bool same = got.error.empty() && got.hash == want.hash && got.steps == want.steps &&
                      got.events == want.events && got.alloc_failures == want.alloc_failures &&
                      got.outcome == want.outcome && got.rc == want.rc &&
                      got.checkpoints == want.checkpoints && got.step_bytes == want.step_bytes;
    if (same) continue;
    ++differing;
    std::printf("golden: row %zu (%s:%d) differs: %s %s\n", i, path.c_str(), r.line,
                r.scenario.c_str(), format_settings(r.settings).c_str());
    std::printf("  table: %s\n  now:   %s\n", totals(want).c_str(), totals(got).c_str());
    if (!got.error.empty()) std::printf("  %s\n", got.error.c_str());
    if (got.trace) std::printf("%s", locate_divergence(want, got).c_str());
  }
  std::printf("golden: %zu rows, %d differ\n", t.rows.size(), differing);
  return differing == 0 ? 0 : 1;
}

int print_row(const std::string& path, long n) {
  table t;
  std::string error;
  if (!read_table(path, &t, &error)) {
    std::fprintf(stderr, "golden: %s\n", error.c_str());
    return 2;
  }
  if (n < 0 || static_cast<size_t>(n) >= t.rows.size()) {
    std::fprintf(stderr, "golden: the table has rows 0..%zu\n", t.rows.size() - 1);
    return 2;
  }
  const std::vector<scenario> scenarios = make_scenarios();
  const row& r = t.rows[static_cast<size_t>(n)];
  const scenario* sc = nullptr;
  sim::options o;
  if (!options_of(scenarios, r, &sc, &o, &error)) {
    std::fprintf(stderr, "golden: %s\n", error.c_str());
    return 2;
  }
  const observed got = observe(*sc, o);
  std::printf("row %ld %s %s\n%s\n", n, r.scenario.c_str(), format_settings(r.settings).c_str(),
              totals(got).c_str());
  for (uint64_t s = 1; s <= got.steps; ++s)
    std::printf("step %" PRIu64 " digest %016" PRIx64 "\n%s", s, got.digests.by_step[s],
                step_records(got, s).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* use =
      "usage: golden_test TABLE [--regenerate [--force] | --row N | --perturb N]\n";
  if (argc < 2) {
    std::fputs(use, stderr);
    return 2;
  }
  const std::string path = argv[1];
  const std::string mode = argc > 2 ? argv[2] : "";
  uint64_t n = 0;
  if (argc == 2) return check(path, -1);
  if (mode == "--regenerate" && (argc == 3 || (argc == 4 && std::string(argv[3]) == "--force")))
    return regenerate(path, argc == 4);
  if (argc == 4 && (mode == "--row" || mode == "--perturb") && parse_u64(argv[3], &n) &&
      n < 1'000'000)
    return mode == "--row" ? print_row(path, static_cast<long>(n))
                           : check(path, static_cast<long>(n));
  std::fputs(use, stderr);
  return 2;
}
