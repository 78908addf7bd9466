// The explorer runs outside the simulation: it may use threads and the wall clock (for the
// progress line), because neither reaches a run's schedule.
#include <lockstep/explore.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <thread>

namespace lockstep::explore {
namespace {

using wall_clock = std::chrono::steady_clock;

double seconds_since(wall_clock::time_point t0) {
  return std::chrono::duration<double>(wall_clock::now() - t0).count();
}

}  // namespace

namespace {

// The seed range and options an exploration starts with (on stderr).
void print_start(const options& opts, const sim::options& base, uint64_t seeds,
                 uint64_t first_seed, uint32_t jobs) {
  std::fprintf(stderr,
               "explore: seeds %" PRIu64 "..%" PRIu64 " shard %u/%u (%" PRIu64 " seed%s), %u job%s\n",
               opts.first_seed, opts.first_seed + opts.seeds - 1, opts.shard_index,
               opts.shard_count, seeds, seeds == 1 ? "" : "s", jobs, jobs == 1 ? "" : "s");
  // The options of the first seed; every other seed differs only in seed=.
  sim::options first = base;
  first.seed = first_seed;
  std::fprintf(stderr, "explore: options %s\n", sim::format_replay(first).c_str());
}

}  // namespace

std::vector<failure_group> group_failures(const std::vector<failure>& failures) {
  std::vector<failure_group> groups;
  std::vector<size_t> order;  // indexes into groups, sorted by why: a lookup per failure
  for (const failure& f : failures) {
    auto at = std::lower_bound(order.begin(), order.end(), f.why,
                               [&](size_t g, const std::string& why) { return groups[g].why < why; });
    if (at == order.end() || groups[*at].why != f.why) {
      failure_group g;
      g.why = f.why;
      g.first = f;
      g.shortest = f;
      at = order.insert(at, groups.size());
      groups.push_back(std::move(g));
    }
    failure_group& g = groups[*at];
    ++g.count;
    if (f.seed < g.first.seed) g.first = f;
    if (f.result.steps < g.shortest.result.steps ||
        (f.result.steps == g.shortest.result.steps && f.seed < g.shortest.seed))
      g.shortest = f;
  }
  std::sort(groups.begin(), groups.end(), [](const failure_group& a, const failure_group& b) {
    return a.first.seed < b.first.seed;
  });
  return groups;
}

bool parse_shard(const std::string& text, uint32_t* index, uint32_t* count, std::string* error) {
  // Each part strictly decimal (no sign, no spaces): "-1/4" must not read as a huge index.
  const size_t slash = text.find('/');
  uint64_t i = 0, n = 0;
  if (slash == std::string::npos || !parse_number(text.substr(0, slash).c_str(), UINT64_MAX, &i) ||
      !parse_number(text.substr(slash + 1).c_str(), UINT64_MAX, &n)) {
    *error = "--shard takes i/n, two numbers with 0 <= i < n (got '" + text + "')";
    return false;
  }
  if (n == 0 || n > UINT32_MAX) {
    *error = "--shard i/n: n (the number of shards) must be 1.." + std::to_string(UINT32_MAX) +
             " (got '" + text + "')";
    return false;
  }
  if (i >= n) {
    *error = "--shard i/n: i (this shard) must be 0.." + std::to_string(n - 1) + " (got '" + text +
             "')";
    return false;
  }
  *index = static_cast<uint32_t>(i);
  *count = static_cast<uint32_t>(n);
  return true;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

summary run(const options& opts, const sim::options& base, const scenario& s) {
  // The seeds of this shard, in order: first_seed + shard_index + k * shard_count. Computed,
  // not listed, so that a range of any length takes no memory.
  struct shard_seeds {
    uint64_t first = 0, stride = 1, count = 0;
    uint64_t size() const { return count; }
    bool empty() const { return count == 0; }
    uint64_t operator[](uint64_t k) const { return first + k * stride; }
    uint64_t front() const { return first; }
  } seeds;
  seeds.first = opts.first_seed + opts.shard_index;
  seeds.stride = opts.shard_count;
  seeds.count = opts.seeds > opts.shard_index
                    ? (opts.seeds - opts.shard_index - 1) / opts.shard_count + 1
                    : 0;
  uint32_t jobs = opts.jobs != 0 ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<uint32_t>(std::min<uint64_t>(jobs, std::max<uint64_t>(seeds.size(), 1)));

  if (!opts.quiet) print_start(opts, base, seeds.size(), seeds.empty() ? opts.first_seed : seeds.front(), jobs);

  summary sum;
  std::mutex mu;  // guards sum
  std::condition_variable finished;  // wakes the progress reporter when the workers are done
  std::atomic<uint64_t> next{0};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0}, failed{0};
  const auto t0 = wall_clock::now();
  const bool tty = isatty(STDERR_FILENO) != 0;

  auto worker = [&] {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      const uint64_t k = next.fetch_add(1);
      if (k >= seeds.size()) return;
      sim::options o = base;
      o.seed = seeds[k];
      if (opts.sweep_alloc_fail_nth)
        o.alloc_fail_nth = static_cast<uint32_t>(std::min<uint64_t>(seeds[k] - opts.first_seed + 1,
                                                                    UINT32_MAX));
      sim::result r;
      std::string why = s(o, &r);
      std::lock_guard<std::mutex> lock(mu);
      ++sum.seeds_run;
      ++sum.outcomes[static_cast<int>(r.outcome)];
      sum.events_executed += r.events_executed;
      sum.steps += r.steps;
      if (!why.empty()) {
        failed.fetch_add(1);
        failure f;
        f.seed = o.seed;
        f.why = std::move(why);
        f.replay_command = opts.replay_command + " --replay " + shell_quote(r.replay) +
                           " --trace-out lockstep-trace-" + std::to_string(o.seed) + ".txt";
        f.result = std::move(r);
        sum.failures.push_back(std::move(f));
        if (opts.stop_at_first_failure) stop.store(true);
      }
      done.fetch_add(1);
    }
  };

  std::vector<std::thread> threads;
  for (uint32_t j = 1; j < jobs; ++j) threads.emplace_back(worker);
  if (opts.progress && !opts.quiet) {
    // The calling thread works too, and reports between seeds.
    std::thread reporter([&] {
      uint64_t last_decile = 0;
      for (;;) {
        {
          std::unique_lock<std::mutex> lock(mu);
          finished.wait_for(lock, std::chrono::milliseconds(200),
                            [&] { return done.load() >= seeds.size() || stop.load(); });
        }
        if (done.load() >= seeds.size() || stop.load()) break;
        const uint64_t d = done.load();
        const double secs = seconds_since(t0);
        const double rate = secs > 0 ? static_cast<double>(d) / secs : 0;
        const double eta = rate > 0 ? static_cast<double>(seeds.size() - d) / rate : 0;
        const uint64_t decile = seeds.empty() ? 10 : d * 10 / seeds.size();
        if (tty) {
          char bar[21];
          const size_t filled = seeds.empty() ? 20 : static_cast<size_t>(d * 20 / seeds.size());
          for (size_t b = 0; b < 20; ++b) bar[b] = b < filled ? '#' : '.';
          bar[20] = '\0';
          std::fprintf(stderr, "\rexplore: [%s] %" PRIu64 "/%" PRIu64 " seeds  %.0f seeds/s  failures %" PRIu64
                               "  ETA %.1fs   ", bar, d, seeds.size(), rate, failed.load(), eta);
        } else if (decile > last_decile) {
          last_decile = decile;
          std::fprintf(stderr, "explore: %" PRIu64 "/%" PRIu64 " seeds  %.0f seeds/s  failures %" PRIu64
                               "  ETA %.1fs\n", d, seeds.size(), rate, failed.load(), eta);
        }
      }
    });
    worker();
    for (auto& t : threads) t.join();
    {
      std::lock_guard<std::mutex> lock(mu);
      stop.store(true);
    }
    finished.notify_all();
    reporter.join();
    const double secs = seconds_since(t0);
    std::fprintf(stderr, "%sexplore: %" PRIu64 "/%" PRIu64 " seeds  %.0f seeds/s  failures %" PRIu64 "%s\n",
                 tty ? "\r" : "", done.load(), seeds.size(),
                 secs > 0 ? static_cast<double>(done.load()) / secs : 0.0, failed.load(),
                 tty ? "            " : "");
  } else {
    worker();
    for (auto& t : threads) t.join();
  }
  sum.wall_seconds = seconds_since(t0);
  std::sort(sum.failures.begin(), sum.failures.end(),
            [](const failure& a, const failure& b) { return a.seed < b.seed; });
  sum.failures_in_full = opts.failures_in_full;
  sum.groups = group_failures(sum.failures);
  return sum;
}

namespace {

// One shrink (see explore.hpp): the failure to keep, the schedule so far, the runs spent.
class shrinker {
 public:
  shrinker(const sim::options& failing, const scenario& s, uint64_t max_runs,
           const std::string& why, const sim::result& first)
      : failing_(failing), s_(s), max_runs_(max_runs), why_(why), kind_(first.outcome),
        failure_(first.failure), cur_(normalized(first.decision_log)),
        // A candidate runs at most a few times the failing run's steps. Past the vector's end
        // every choice is 0, which always picks the lowest runnable core: a program with a busy
        // core (a self-scheduling event, a poller) then starves the others and runs to
        // max_steps, which took a second per candidate at the default limit. Such a run does
        // not fail the same way in time, so it is not a simpler schedule of this failure. A
        // step-limit failure keeps its limit.
        step_budget_(kind_ == sim::outcome::step_limit
                         ? failing.max_steps
                         : std::min(failing.max_steps,
                                    std::max<uint64_t>(first.steps * 4, first.steps + 1000))) {}

  bool spent() const { return runs_ >= max_runs_; }
  uint64_t runs() const { return runs_; }
  std::vector<uint64_t>& schedule() { return cur_; }

  // One round of every pass; whether it kept anything.
  bool round() {
    bool changed = cut_tail();
    changed |= zero_chunks();
    changed |= remove_chunks();
    changed |= lower_values();
    return changed;
  }

 private:
  // A schedule as the run took it: each value reduced to its choice (v % n), nothing past the
  // last draw, and no trailing zeros (past a vector's end every choice is 0 anyway).
  static std::vector<uint64_t> normalized(std::vector<uint64_t> log) {
    while (!log.empty() && log.back() == 0) log.pop_back();
    return log;
  }

  // Whether the schedule `d` fails the same way: the same outcome, the same verdict and the
  // same check message (which names the check's file and line), not only the same outcome: a
  // schedule that fails some other way is another bug, not a simpler schedule of this one. If
  // so, the schedule becomes the one the candidate run actually took.
  bool try_candidate(const std::vector<uint64_t>& d) {
    if (spent()) return false;
    ++runs_;
    sim::options x = failing_;
    x.record_decisions = true;
    x.trace = false;
    x.decisions = d;
    x.max_steps = step_budget_;
    sim::result r;
    const std::string why = s_(x, &r);
    if (why.empty() || r.outcome != kind_ || why != why_ || r.failure != failure_) return false;
    cur_ = normalized(std::move(r.decision_log));
    return true;
  }

  // Cuts the tail, in halving chunks.
  bool cut_tail() {
    bool changed = false;
    for (size_t chunk = cur_.size() / 2; chunk >= 1 && !spent();) {
      if (try_candidate({cur_.begin(), cur_.end() - static_cast<ptrdiff_t>(chunk)})) {
        changed = true;
        chunk = std::min(chunk, cur_.size() / 2);
      } else {
        chunk /= 2;
      }
    }
    return changed;
  }

  // Sets chunks of decisions to 0, large chunks first.
  bool zero_chunks() {
    bool changed = false;
    for (size_t chunk = std::max<size_t>(cur_.size() / 2, 1); !spent(); chunk /= 2) {
      for (size_t at = 0; at < cur_.size() && !spent(); at += chunk) {
        const auto from = cur_.begin() + static_cast<ptrdiff_t>(at);
        const auto to = cur_.begin() + static_cast<ptrdiff_t>(std::min(cur_.size(), at + chunk));
        if (std::all_of(from, to, [](uint64_t v) { return v == 0; })) continue;
        std::vector<uint64_t> zeroed = cur_;
        std::fill(zeroed.begin() + (from - cur_.begin()), zeroed.begin() + (to - cur_.begin()), 0);
        changed |= try_candidate(zeroed);
      }
      if (chunk <= 1) break;
    }
    return changed;
  }

  // Removes chunks (the decisions after one move up: another schedule, often a shorter one of
  // the same failure).
  bool remove_chunks() {
    bool changed = false;
    for (size_t chunk = std::max<size_t>(cur_.size() / 2, 1); !spent(); chunk /= 2) {
      for (size_t at = 0; at < cur_.size() && !spent();) {
        std::vector<uint64_t> removed = cur_;
        removed.erase(removed.begin() + static_cast<ptrdiff_t>(at),
                      removed.begin() + static_cast<ptrdiff_t>(std::min(cur_.size(), at + chunk)));
        const size_t before = cur_.size();
        const bool kept = try_candidate(removed);
        changed |= kept;
        if (!kept || cur_.size() >= before) at += chunk;  // no shorter: move on
      }
      if (chunk <= 1) break;
    }
    return changed;
  }

  // Lowers each value to the least in [1, v) that still fails, by binary search (0 was tried by
  // zero_chunks).
  bool lower_values() {
    bool changed = false;
    for (size_t i = 0; i < cur_.size() && !spent(); ++i) {
      uint64_t hi = cur_[i];  // fails
      uint64_t lo = 1;        // the least value left to try
      while (lo < hi && !spent() && i < cur_.size()) {
        const uint64_t mid = lo + (hi - lo) / 2;
        std::vector<uint64_t> lowered = cur_;
        lowered[i] = mid;
        if (!try_candidate(lowered)) {
          lo = mid + 1;
          continue;
        }
        changed = true;
        if (i >= cur_.size()) break;
        hi = cur_[i];
      }
    }
    return changed;
  }

  const sim::options& failing_;
  const scenario& s_;
  const uint64_t max_runs_;
  const std::string why_;
  const sim::outcome kind_;
  const std::string failure_;
  std::vector<uint64_t> cur_;
  const uint64_t step_budget_;
  uint64_t runs_ = 1;  // the failing run itself
};

uint64_t count_nonzero(const std::vector<uint64_t>& d) {
  return static_cast<uint64_t>(std::count_if(d.begin(), d.end(), [](uint64_t v) { return v; }));
}

}  // namespace

shrunk shrink(const sim::options& failing, const scenario& s, uint64_t max_runs) {
  shrunk out;
  sim::options o = failing;
  o.record_decisions = true;
  sim::result first;
  const std::string why = s(o, &first);
  out.runs = 1;
  if (why.empty()) return out;
  out.failed = true;
  shrinker sh(failing, s, max_runs, why, first);
  out.nonzero_before = count_nonzero(sh.schedule());
  // Rounds of every pass until one keeps nothing (a fixed point) or the runs are spent.
  bool changed = true;
  while (changed && !sh.spent()) changed = sh.round();
  out.fixed_point = !changed;
  sim::options fin = failing;
  fin.record_decisions = false;
  fin.decisions = sh.schedule();
  out.why = s(fin, &out.result);
  out.runs = sh.runs() + 1;
  out.decisions = std::move(sh.schedule());
  out.nonzero_after = count_nonzero(out.decisions);
  return out;
}

}  // namespace lockstep::explore
