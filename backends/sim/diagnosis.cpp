// result.diagnosis: what a run that ended in a hang or at its step limit left pending, in words
// a user can act on. Computed once, at the end of such a run (never on the steps themselves),
// from the world's parts and, at a step limit, from the steps recorded in the diagnosis window
// (world::loop). Only names and counts: no addresses, so the text is equal for equal runs.
#include "world.hpp"

#include "../../trace/function_names.hpp"

#include <algorithm>
#include <bit>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::sim {
namespace {

// Names with counts, in first-seen order: "spin x998, poll_ring x2".
class tally {
 public:
  void add(const std::string& name, uint64_t n = 1) {
    total_ += n;
    for (auto& [have, count] : entries_) {
      if (have == name) {
        count += n;
        return;
      }
    }
    entries_.emplace_back(name, n);
  }
  uint64_t total() const { return total_; }
  bool empty() const { return entries_.empty(); }
  // The name with the largest count (the first of equals), and that count.
  std::pair<std::string, uint64_t> top() const {
    std::pair<std::string, uint64_t> best{"", 0};
    for (const auto& e : entries_)
      if (e.second > best.second) best = e;
    return best;
  }
  std::string text() const {
    // A cut list rather than a line per function of a program with hundreds of them.
    constexpr size_t shown_max = 8;
    std::string out;
    for (size_t i = 0; i < entries_.size() && i < shown_max; ++i) {
      if (i > 0) out += ", ";
      out += entries_[i].first + " x" + std::to_string(entries_[i].second);
    }
    if (entries_.size() > shown_max)
      out += ", and " + std::to_string(entries_.size() - shown_max) + " other functions";
    return out;
  }

 private:
  std::vector<std::pair<std::string, uint64_t>> entries_;
  uint64_t total_ = 0;
};

std::string event_name(const event* ev) {
  return trace::traced_name(ev->name, reinterpret_cast<const void*>(ev->fn));
}

std::string poller_name(const poller* p) {
  return trace::traced_name(nullptr, reinterpret_cast<const void*>(p->fn));
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string world::holdings(uint32_t c) {
  const core::reactor& r = rt_.at(c);
  tally queued;
  uint32_t left = 0;
  event* const* burst = r.burst_left(&left);
  for (uint32_t i = 0; i < left; ++i) queued.add(event_name(burst[i]));
  transport_.for_each_queued(c, [&queued](const event* ev) { queued.add(event_name(ev)); });
  std::string pollers;
  for (const poller* p : r.active_pollers())
    if (p->state == poller_state::active) pollers += (pollers.empty() ? "" : ", ") + poller_name(p);
  // Timed pollers in (due time, registration) order, as they would run: the heap, sorted.
  std::vector<const poller*> timed;
  for (const poller* p : r.timed_pollers())
    if (p->state == poller_state::active) timed.push_back(p);
  std::sort(timed.begin(), timed.end(), [](const poller* a, const poller* b) {
    return a->next_due_ns != b->next_due_ns ? a->next_due_ns < b->next_due_ns : a->seq < b->seq;
  });
  std::string timers;
  const uint64_t now = inst_.clock.now_ns(c);
  for (const poller* p : timed) {
    timers += (timers.empty() ? "" : ", ") + poller_name(p) + " every " +
              std::to_string(p->period_ns) + " ns, " +
              (p->next_due_ns <= now ? "due " + std::to_string(now - p->next_due_ns) + " ns ago"
                                     : "next in " + std::to_string(p->next_due_ns - now) + " ns");
  }
  if (queued.empty() && pollers.empty() && timers.empty()) return {};
  std::string line = "core " + std::to_string(c) + ": ";
  line += queued.empty() ? "nothing queued"
                         : plural(queued.total(), "event", "events") + " queued (" +
                               queued.text() + ")";
  line += pollers.empty() ? "; no poller" : "; pollers: " + pollers;
  line += timers.empty() ? "; no timer" : "; timers: " + timers;
  return line;
}

void world::describe_window(std::vector<std::string>* lines) {
  // What ran in the window, per core, from the steps recorded there.
  std::vector<tally> ran(cores_);
  tally overall;  // "event f on core c" -> steps
  static const std::vector<trace_record> no_records;
  const auto& log = inst_.recorder.trace();
  for (const trace_record& rec : log ? log->records : no_records) {
    if (rec.step < window_start_ || rec.core >= cores_) continue;
    const char* what = rec.kind == record_kind::exec  ? "event "
                       : rec.kind == record_kind::poller ? "poller "
                       : rec.kind == record_kind::timer  ? "timed poller "
                                                         : nullptr;
    if (what == nullptr) continue;
    const std::string name = what + log->names[rec.name];
    ran[rec.core].add(name);
    overall.add(name + " on core " + std::to_string(rec.core));
  }
  const std::string window = "the last " + plural(opts_.max_steps - window_start_, "step", "steps");
  if (!overall.empty()) {
    const auto [top, count] = overall.top();
    lines->push_back("ran most in " + window + ": " + top + " (" + std::to_string(count) +
                     " of them)");
  }
  for (uint32_t c = 0; c < cores_; ++c) {
    lines->push_back("core " + std::to_string(c) + " in " + window + ": " +
                     (ran[c].empty() ? std::string("nothing ran")
                                     : plural(ran[c].total(), "step", "steps") + " (" +
                                           ran[c].text() + ")"));
  }
}

void world::describe_losses(std::vector<std::string>* lines) {
  // Events lent by event_allocate and never handed to event_call: often the lost message.
  tally lent;
  pool_.for_each_allocated([&lent](const event* ev) {
    lent.add(event_name(ev) + " for core " + std::to_string(ev->target));
  });
  if (!lent.empty())
    lines->push_back(plural(lent.total(), "event", "events") + " allocated and never called: " +
                     lent.text());
  std::string failures;
  uint64_t failed_allocations = 0;
  for (uint32_t c = 0; c < cores_; ++c) {
    const uint64_t n = rt_.at(c).counters().alloc_failures;
    if (n == 0) continue;
    failed_allocations += n;
    failures += (failures.empty() ? "" : ", ") + ("core " + std::to_string(c) + " x") +
                std::to_string(n);
  }
  if (failed_allocations != 0)
    lines->push_back("event_allocate returned nullptr " +
                     plural(failed_allocations, "time", "times") + " (" + failures + ")");
}

std::string world::diagnose() {
  std::vector<std::string> lines;
  std::vector<std::string> held(cores_);
  bool anything = false;
  for (uint32_t c = 0; c < cores_; ++c) {
    held[c] = holdings(c);
    anything |= !held[c].empty();
  }
  if (outcome_ == outcome::step_limit) {
    lines.push_back(rt_.stop_requested()
                        ? "app_stop was called, but an external thread did not return within "
                          "max_steps (" + std::to_string(opts_.max_steps) + " steps)"
                        : "no app_stop within max_steps (" + std::to_string(opts_.max_steps) +
                              " steps)");
    if (external_alive_ != 0)
      lines.push_back(plural(static_cast<uint64_t>(std::popcount(external_alive_)),
                             "external thread", "external threads") +
                      " still running when the run ended (left at its lockstep call, not run "
                      "further)");
    describe_window(&lines);
    for (uint32_t c = 0; c < cores_; ++c)
      lines.push_back(held[c].empty()
                          ? "core " + std::to_string(c) + ": nothing queued; no poller; no timer"
                          : held[c]);
  } else {
    // A hang: nothing runnable and no timer, so every core holds nothing (said as a fact, with
    // the holdings of any core that, against that, does hold something).
    lines.push_back(anything ? "nothing runnable, yet:"
                             : "nothing left to run: no core holds a queued event, a poller or "
                               "a timer (an event never sent, or a reply never made?)");
    for (const std::string& line : held)
      if (!line.empty()) lines.push_back(line);
  }
  describe_losses(&lines);
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

}  // namespace lockstep::sim
