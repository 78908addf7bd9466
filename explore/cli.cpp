// The flags shared by every exploring program (examples, the zoo, property-test drivers), so
// that each spells an option the same way and the replay commands they print look alike.
#include <lockstep/explore.hpp>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/stat.h>

namespace lockstep::explore {

bool parse_number(const char* text, uint64_t max, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  // Digits only: strtoull would also take a sign ("-1" wraps around) and leading spaces.
  if (text[0] < '0' || text[0] > '9') return false;
  if (errno != 0 || end == text || *end != '\0' || v > max) return false;
  *out = v;
  return true;
}

const char* flags_usage() {
  return "  exploration: [--seeds N] [--first-seed S] [--jobs J] [--shard i/n] [--keep-going]\n"
         "               [--failures-in-full N] [--no-progress] [--sweep-alloc-fail-nth]\n"
         "  simulator:   [--cores C] [--strategy random|pct] [--pct-depth D] [--pct-horizon STEPS]\n"
         "               [--max-steps N] [--pool-size N] [--alloc-fail-ppm P] [--alloc-fail-nth N]\n"
         "               [--shutdown-ppm P] [--stall-ppm P] [--stall-steps-max N]\n"
         "               [--timer-jitter-ns NS] [--swarm]\n";
}

namespace {

// The flags with a number for a value: name, range, and where the value goes.
struct numeric {
  const char* name;
  uint64_t min, max;
  void (*set)(options*, sim::options*, uint64_t);
};
const numeric numerics[] = {
    {"--seeds", 1, UINT64_MAX, [](options* e, sim::options*, uint64_t v) { e->seeds = v; }},
    {"--first-seed", 0, UINT64_MAX,
     [](options* e, sim::options*, uint64_t v) { e->first_seed = v; }},
    {"--failures-in-full", 0, UINT64_MAX,
     [](options* e, sim::options*, uint64_t v) { e->failures_in_full = v; }},
    {"--jobs", 0, 1024,
     [](options* e, sim::options*, uint64_t v) { e->jobs = static_cast<uint32_t>(v); }},
    {"--cores", 1, sim::cores_max,
     [](options*, sim::options* s, uint64_t v) { s->cores = static_cast<uint32_t>(v); }},
    {"--pct-depth", 1, sim::pct_depth_max,
     [](options*, sim::options* s, uint64_t v) { s->pct_depth = static_cast<uint32_t>(v); }},
    {"--pct-horizon", 1, UINT64_MAX,
     [](options*, sim::options* s, uint64_t v) { s->pct_horizon_steps = v; }},
    {"--max-steps", 1, UINT64_MAX, [](options*, sim::options* s, uint64_t v) { s->max_steps = v; }},
    {"--pool-size", 1, sim::event_pool_size_max,
     [](options*, sim::options* s, uint64_t v) { s->event_pool_size = static_cast<uint32_t>(v); }},
    {"--alloc-fail-ppm", 0, 1'000'000,
     [](options*, sim::options* s, uint64_t v) { s->alloc_fail_ppm = static_cast<uint32_t>(v); }},
    {"--alloc-fail-nth", 0, UINT32_MAX,
     [](options*, sim::options* s, uint64_t v) { s->alloc_fail_nth = static_cast<uint32_t>(v); }},
    {"--shutdown-ppm", 0, 1'000'000,
     [](options*, sim::options* s, uint64_t v) { s->shutdown_ppm = static_cast<uint32_t>(v); }},
    {"--stall-ppm", 0, 1'000'000,
     [](options*, sim::options* s, uint64_t v) { s->stall_ppm = static_cast<uint32_t>(v); }},
    {"--stall-steps-max", 1, UINT32_MAX,
     [](options*, sim::options* s, uint64_t v) { s->stall_steps_max = static_cast<uint32_t>(v); }},
    {"--timer-jitter-ns", 0, 1'000'000'000'000,
     [](options*, sim::options* s, uint64_t v) { s->timer_jitter_ns = v; }},
};
}  // namespace

int parse_flag(int argc, char** argv, int i, options* eo, sim::options* so, std::string* error) {
  const std::string flag = argv[i];
  // Flags without a value.
  if (flag == "--keep-going") {
    eo->stop_at_first_failure = false;
    return 1;
  }
  if (flag == "--no-progress") {
    eo->progress = false;
    return 1;
  }
  if (flag == "--swarm") {
    so->swarm = true;
    return 1;
  }
  if (flag == "--sweep-alloc-fail-nth") {
    eo->sweep_alloc_fail_nth = true;
    return 1;
  }
  const bool takes_value = flag == "--shard" || flag == "--strategy" ||
                           std::any_of(std::begin(numerics), std::end(numerics),
                                       [&flag](const numeric& n) { return flag == n.name; });
  if (!takes_value) return 0;
  if (i + 1 >= argc) {
    *error = flag + " needs a value";
    return -1;
  }
  const char* value = argv[i + 1];
  if (flag == "--shard") return parse_shard(value, &eo->shard_index, &eo->shard_count, error) ? 2 : -1;
  if (flag == "--strategy") {
    if (std::strcmp(value, "random") == 0) {
      so->strategy = sim::strategy::random;
    } else if (std::strcmp(value, "pct") == 0) {
      so->strategy = sim::strategy::pct;
    } else {
      *error = std::string("--strategy takes random or pct (got '") + value + "')";
      return -1;
    }
    return 2;
  }
  for (const numeric& n : numerics) {
    if (flag != n.name) continue;
    uint64_t v = 0;
    if (!parse_number(value, n.max, &v) || v < n.min) {
      *error = flag + " takes " + std::to_string(n.min) + ".." + std::to_string(n.max) +
               " (got '" + value + "')";
      return -1;
    }
    n.set(eo, so, v);
    return 2;
  }
  return 0;
}

std::string options_error(const options& eo, const sim::options& base) {
  if (eo.seeds == 0) return "--seeds must be at least 1";
  // The last seed is first_seed + seeds - 1; past 2^64 - 1 it would wrap around to seed 0.
  if (eo.seeds - 1 > UINT64_MAX - eo.first_seed)
    return "--first-seed " + std::to_string(eo.first_seed) + " --seeds " +
           std::to_string(eo.seeds) + " runs past the last seed (" + std::to_string(UINT64_MAX) +
           "): from that first seed, --seeds may be at most " +
           std::to_string(UINT64_MAX - eo.first_seed + 1);
  return sim::options_error(base);
}

std::string repeated_flag_error(int argc, char** argv,
                                std::initializer_list<std::string_view> may_repeat) {
  return repeated_flag_error(argc, argv, std::vector<std::string_view>(may_repeat));
}

std::string repeated_flag_error(int argc, char** argv,
                                const std::vector<std::string_view>& may_repeat) {
  std::vector<std::string_view> seen;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;  // EAL's arguments follow
    if (arg.size() < 2 || arg[0] != '-') continue;
    if (std::find(may_repeat.begin(), may_repeat.end(), arg) != may_repeat.end()) continue;
    if (std::find(seen.begin(), seen.end(), arg) != seen.end())
      return std::string(arg) + " given twice: give each flag once (which one should win is a "
                                "guess)";
    seen.push_back(arg);
  }
  return {};
}

bool check_writable(const std::string& path, std::string* error) {
  struct stat st{};
  const bool existed = ::stat(path.c_str(), &st) == 0;
  if (existed && S_ISDIR(st.st_mode)) {
    *error = "cannot write '" + path + "': it is a directory";
    return false;
  }
  // "a": opening for writing without truncating what is there.
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    *error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::fclose(f);
  if (!existed) std::remove(path.c_str());
  return true;
}

void print_summary(const summary& sum, std::FILE* out) {
  const double secs = sum.wall_seconds;
  std::fprintf(out,
               "explored %" PRIu64 " seed%s in %.2fs (%.0f seeds/s): stopped %" PRIu64
               ", hang %" PRIu64 ", step_limit %" PRIu64 ", failed %" PRIu64 "; %" PRIu64
               " events (%.0f events/s); %zu failure%s\n",
               sum.seeds_run, sum.seeds_run == 1 ? "" : "s", secs, secs > 0 ? static_cast<double>(sum.seeds_run) / secs : 0,
               sum.outcomes[0], sum.outcomes[1], sum.outcomes[2], sum.outcomes[3],
               sum.events_executed,
               secs > 0 ? static_cast<double>(sum.events_executed) / secs : 0,
               sum.failures.size(), sum.failures.size() == 1 ? "" : "s");
  uint64_t shown = 0;
  for (const failure& f : sum.failures) {
    if (shown++ == sum.failures_in_full) break;
    std::fprintf(out, "FAILED seed %" PRIu64 ": %s\n", f.seed, f.why.c_str());
    std::fprintf(out, "  outcome %s after %" PRIu64 " steps; faults in force: %s\n",
                 sim::to_string(f.result.outcome), f.result.steps,
                 sim::to_string(f.result.faults).c_str());
    if (!f.result.diagnosis.empty())
      print_diagnosis(f.result.diagnosis, "  pending: ", "           ", out);
    std::fprintf(out, "  options: %s\n", f.result.replay.c_str());
    std::fprintf(out, "  rerun:   %s\n", f.replay_command.c_str());
  }
  if (sum.failures.size() > sum.failures_in_full)
    std::fprintf(out,
                 "(%" PRIu64 " more failure%s not printed one by one: the first %" PRIu64
                 " are (--failures-in-full N); every failure is counted in its group below)\n",
                 static_cast<uint64_t>(sum.failures.size()) - sum.failures_in_full,
                 sum.failures.size() - sum.failures_in_full == 1 ? "" : "s", sum.failures_in_full);
  if (sum.failures.size() < 2 && sum.failures.size() <= sum.failures_in_full) return;
  std::fprintf(out, "failures by verdict: %zu group%s\n", sum.groups.size(),
               sum.groups.size() == 1 ? "" : "s");
  for (const failure_group& g : sum.groups) {
    std::fprintf(out, "%" PRIu64 " x %s\n", g.count, g.why.c_str());
    std::fprintf(out, "  first:    seed %" PRIu64 " (%s after %" PRIu64 " steps)\n    rerun: %s\n",
                 g.first.seed, sim::to_string(g.first.result.outcome), g.first.result.steps,
                 g.first.replay_command.c_str());
    std::fprintf(out, "  shortest: seed %" PRIu64 " (%s after %" PRIu64 " steps)\n    rerun: %s\n",
                 g.shortest.seed, sim::to_string(g.shortest.result.outcome),
                 g.shortest.result.steps, g.shortest.replay_command.c_str());
  }
}

void print_diagnosis(const std::string& diagnosis, const char* first, const char* rest,
                     std::FILE* out) {
  const char* prefix = first;
  for (size_t at = 0; at < diagnosis.size();) {
    size_t end = diagnosis.find('\n', at);
    if (end == std::string::npos) end = diagnosis.size();
    std::fprintf(out, "%s%.*s\n", prefix, static_cast<int>(end - at), diagnosis.data() + at);
    prefix = rest;
    at = end + 1;
  }
}

}  // namespace lockstep::explore
