#include "lcore_trace.hpp"

#include "../../trace/causality.hpp"
#include "../../trace/function_names.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>
#include <unordered_map>

namespace lockstep::real {
namespace {

// merge()'s ordering: what the units placed so far allocated and called, whatever the causality
// rules say of it (a call whose allocation a full lane lost still lets its execution follow it;
// the rules then leave both out). Lookups only, never iterated: the merge is reproducible.
void note_placed(const trace::record& r, std::unordered_set<uint64_t>* allocated,
                 std::unordered_set<uint64_t>* called) {
  if (r.kind == trace::kind::alloc) allocated->insert(r.id);
  if (r.kind == trace::kind::call) called->insert(r.id);
}

}  // namespace

lcore_trace::lcore_trace(uint32_t reactors, const core::clock& clk) : clk_(clk) {
  for (uint32_t i = 0; i <= reactors; ++i) lanes_.push_back(std::make_unique<lane>());
}

lcore_trace::lane& lcore_trace::lane_of(uint32_t reactor) noexcept {
  return reactor < lanes_.size() - 1 ? *lanes_[reactor] : *lanes_.back();
}

void lcore_trace::append(uint32_t reactor, const raw& r) noexcept {
  const bool external = reactor >= lanes_.size() - 1;
  std::unique_lock<std::mutex> lock(external_mutex_, std::defer_lock);
  if (external) lock.lock();
  lane& l = lane_of(reactor);
  if (l.records.size() >= trace_lane_records_max) {
    l.full = true;
    return;
  }
  // Allocation failure of the buffer itself: drop the record rather than throw from a hook.
  try {
    l.records.push_back(r);
    l.records.back().local_step = l.step;
  } catch (...) {
    l.full = true;
  }
}

void lcore_trace::on_allocate(uint32_t reactor, const event* by, event* ev) noexcept {
  ev->id = next_event_id_.fetch_add(1, std::memory_order_relaxed) + 1;
  raw r{};
  r.rec.kind = trace::kind::alloc;
  r.rec.core = reactor;
  r.rec.target = ev->target;
  r.rec.id = ev->id;
  r.rec.by = by != nullptr ? by->id : 0;
  r.rec.start_ns = r.rec.end_ns = clk_.now_ns(reactor);
  r.name_literal = ev->name;
  r.fn = reinterpret_cast<const void*>(ev->fn);
  append(reactor, r);
}

void lcore_trace::on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core,
                                     event_fn fn, const char* name, bool invalid_core) noexcept {
  raw r{};
  r.rec.kind = trace::kind::alloc_failed;
  r.rec.reason = invalid_core ? trace::alloc_reason::not_a_core : trace::alloc_reason::no_event;
  r.rec.core = reactor;
  r.rec.target = target_core;
  r.rec.by = by != nullptr ? by->id : 0;
  r.rec.start_ns = r.rec.end_ns = clk_.now_ns(reactor);
  r.name_literal = name;
  r.fn = reinterpret_cast<const void*>(fn);
  append(reactor, r);
}

void lcore_trace::on_call(uint32_t reactor, const event* ev) noexcept {
  raw r{};
  r.rec.kind = trace::kind::call;
  r.rec.core = reactor;
  r.rec.target = ev->target;
  r.rec.id = ev->id;
  r.rec.start_ns = r.rec.end_ns = ev->sent_ns;
  append(reactor, r);
}

void lcore_trace::on_stop(uint32_t reactor, int rc) noexcept {
  raw r{};
  r.rec.kind = trace::kind::stop;
  r.rec.core = reactor;
  r.rec.rc = rc;
  r.rec.start_ns = r.rec.end_ns = clk_.now_ns(reactor);
  append(reactor, r);
}

void lcore_trace::begin_step(uint32_t reactor) noexcept {
  lane_of(reactor).step_start_ns = clk_.now_ns(reactor);
}

void lcore_trace::end_step(uint32_t reactor, const core::reactor& re) noexcept {
  lane& l = lane_of(reactor);
  raw r{};
  r.rec.core = reactor;
  r.rec.start_ns = l.step_start_ns;
  r.rec.end_ns = clk_.now_ns(reactor);
  switch (re.last_step_kind()) {
    case core::reactor::step_kind::event: {
      const auto& info = re.last_event_info();
      r.rec.kind = trace::kind::exec;
      r.rec.id = info.id;
      r.rec.sender = info.sender == external_sender ? no_core : info.sender;
      r.name_literal = info.name;
      r.fn = reinterpret_cast<const void*>(info.fn);
      break;
    }
    case core::reactor::step_kind::poller:
    case core::reactor::step_kind::timer:
      r.rec.kind = re.last_step_kind() == core::reactor::step_kind::poller
                       ? trace::kind::poller
                       : trace::kind::timer;
      r.rec.id = re.last_poller_seq();
      r.fn = reinterpret_cast<const void*>(re.last_poller_fn());
      break;
    case core::reactor::step_kind::none:
      return;  // an idle pass: nothing ran, no step
  }
  append(reactor, r);
  ++l.step;
}

void lcore_trace::shutdown_request(uint32_t reactor, event* ev) noexcept {
  // The request event is the backend's own (not from the pool): it gets an id and its
  // allocation and call are recorded as from outside any core, as in the simulator.
  ev->id = next_event_id_.fetch_add(1, std::memory_order_relaxed) + 1;
  const uint64_t now = clk_.now_ns(reactor);
  raw r{};
  r.rec.kind = trace::kind::shutdown_request;
  r.rec.target = ev->target;
  r.rec.id = ev->id;
  r.rec.start_ns = r.rec.end_ns = now;
  append(reactor, r);
  r.rec.kind = trace::kind::alloc;
  r.name_literal = ev->name;
  r.fn = reinterpret_cast<const void*>(ev->fn);
  append(reactor, r);
  r.rec.kind = trace::kind::call;
  append(reactor, r);
}

void lcore_trace::check_failed(uint32_t reactor, const core::reactor& re) noexcept {
  raw r{};
  r.rec.kind = trace::kind::check_failed;
  r.rec.core = reactor;
  r.rec.in = trace::failed_in::none;
  r.rec.start_ns = r.rec.end_ns = lane_of(reactor).step_start_ns;
  if (const event* ev = re.running_event()) {
    r.rec.in = trace::failed_in::event;
    r.rec.id = ev->id;
    r.name_literal = ev->name;
    r.fn = reinterpret_cast<const void*>(ev->fn);
  } else if (const poller* p = re.running_poller()) {
    r.rec.in = trace::failed_in::poller;
    r.rec.id = p->seq;
    r.fn = reinterpret_cast<const void*>(p->fn);
  }
  append(reactor, r);
}

// A unit: the records of one step of one lane (with what happened just before it on that lane,
// between steps), or a single record of the external lane.
std::vector<std::vector<lcore_trace::unit>> lcore_trace::units_of() const {
  const uint32_t lane_count = static_cast<uint32_t>(lanes_.size());
  std::vector<std::vector<unit>> units(lane_count);
  for (uint32_t li = 0; li < lane_count; ++li) {
    const auto& recs = lanes_[li]->records;
    const bool external = li == lane_count - 1;
    for (size_t b = 0; b < recs.size();) {
      size_t e = b + 1;
      while (!external && e < recs.size() && recs[e].local_step == recs[b].local_step) ++e;
      uint64_t t = recs[b].rec.start_ns;
      for (size_t k = b; k < e; ++k) {
        if (trace::is_step(recs[k].rec.kind)) t = recs[k].rec.start_ns;
      }
      units[li].push_back({li, b, e, t, recs[b].local_step});
      b = e;
    }
  }
  return units;
}

// The causality rules, and with `bursts` also a recording's rules of its bursts (raw's
// wait_lane, load_burst). Those may not all hold at once where the DPDK queues made an event
// visible after its call: then the causality rules alone decide (merge).
bool lcore_trace::ready(const unit& u, bool bursts, const std::vector<std::vector<unit>>& units,
                        const placement& at) const {
  // Whether step `step` of lane `li` has been placed.
  auto placed = [&](uint32_t li, uint64_t step) {
    return at.head[li] >= units[li].size() || units[li][at.head[li]].step > step;
  };
  const auto& recs = lanes_[u.lane]->records;
  // What the unit itself allocated and called (a unit holds a few records: a linear search).
  std::vector<uint64_t> own_allocs, own_calls;
  auto own = [](const std::vector<uint64_t>& v, uint64_t id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  for (size_t k = u.begin; k < u.end; ++k) {
    const raw& rr = recs[k];
    const trace::record& r = rr.rec;
    if (r.kind == trace::kind::alloc) own_allocs.push_back(r.id);
    if (r.kind == trace::kind::call) {
      if (at.allocated.count(r.id) == 0 && !own(own_allocs, r.id)) return false;
      if (bursts && rr.wait_lane < units.size() && !placed(rr.wait_lane, rr.wait_step))
        return false;
      own_calls.push_back(r.id);
    }
    if (r.kind == trace::kind::exec && at.called.count(r.id) == 0 && !own(own_calls, r.id))
      return false;
  }
  // A recording's burst (load_burst): all its events were queued when the reactor took it.
  if (!bursts) return true;
  if (const auto it = burst_calls_.find({u.lane, u.step}); it != burst_calls_.end())
    for (const uint64_t id : it->second)
      if (at.called.count(id) == 0 && !own(own_calls, id)) return false;
  return true;
}

trace::trace_log lcore_trace::merge(const std::string& options_line, int rc,
                                   std::string* warning) const {
  const uint32_t lane_count = static_cast<uint32_t>(lanes_.size());
  const std::vector<std::vector<unit>> units = units_of();
  // Merge by time, but a unit waits until the calls of the events it runs and the allocations
  // of the events it calls have been placed (clocks of different lcores are read at different
  // moments: time alone could put an execution before its call). See note_placed.
  placement at;
  at.head.assign(lane_count, 0);
  std::vector<const unit*> order;
  for (;;) {
    const unit* best = nullptr;
    const unit* best_ready = nullptr;
    const unit* best_causal = nullptr;
    for (uint32_t li = 0; li < lane_count; ++li) {
      if (at.head[li] >= units[li].size()) continue;
      const unit* u = &units[li][at.head[li]];
      if (best == nullptr || u->time_ns < best->time_ns) best = u;
      if (!ready(*u, false, units, at)) continue;
      if (best_causal == nullptr || u->time_ns < best_causal->time_ns) best_causal = u;
      if ((best_ready == nullptr || u->time_ns < best_ready->time_ns) && ready(*u, true, units, at))
        best_ready = u;
    }
    if (best == nullptr) break;
    // Nothing causally ready can only mean a lane stopped recording: take the earliest; the
    // filter below drops what it cannot place.
    const unit* take = best_ready != nullptr ? best_ready : best_causal != nullptr ? best_causal : best;
    order.push_back(take);
    ++at.head[take->lane];
    for (size_t k = take->begin; k < take->end; ++k)
      note_placed(lanes_[take->lane]->records[k].rec, &at.allocated, &at.called);
  }

  trace::trace_log log;
  log.options = options_line;
  log.cores = lane_count - 1;
  log.outcome = "stopped";
  log.rc = rc;
  std::unordered_map<std::string, uint32_t> index_of_name;  // lookups only
  std::map<std::pair<const char*, const void*>, uint32_t> name_of_key;
  auto intern = [&](const raw& r) -> uint32_t {
    if (r.name_literal == nullptr && r.fn == nullptr) return 0;
    auto [it, inserted] = name_of_key.try_emplace({r.name_literal, r.fn}, 0);
    if (inserted) {
      std::string text = trace::traced_name(r.name_literal, r.fn);
      auto [named, fresh] =
          index_of_name.try_emplace(std::move(text), static_cast<uint32_t>(log.names.size()));
      if (fresh) log.names.push_back(named->first);
      it->second = named->second;
    }
    return it->second;
  };
  // What a full lane left unplaceable breaks the rules: left out (and counted).
  trace::causality rules;
  uint64_t dropped = 0;
  for (size_t step = 0; step < order.size(); ++step) {
    const unit& u = *order[step];
    for (size_t k = u.begin; k < u.end; ++k) {
      const raw& r = lanes_[u.lane]->records[k];
      trace::record rec = r.rec;
      rec.step = step;
      if (!rules.admit(rec).empty()) {
        ++dropped;
        continue;
      }
      if (rec.kind == trace::kind::alloc || rec.kind == trace::kind::alloc_failed ||
          rec.kind == trace::kind::check_failed || trace::is_step(rec.kind))
        rec.name = intern(r);
      if (trace::is_step(rec.kind)) ++log.steps;
      log.virtual_ns = std::max(log.virtual_ns, rec.end_ns);
      log.records.push_back(rec);
    }
  }
  bool full = false;
  for (const auto& l : lanes_) full |= l->full;
  warning->clear();
  if (full || dropped != 0)
    *warning = "the trace is incomplete: a lane reached its size limit (" +
               std::to_string(trace_lane_records_max) + " records of a trace, " +
               std::to_string(recording_lane_entries_max) + " entries of a recording; " +
               std::to_string(dropped) + " records referring to unrecorded events left out)";
  return log;
}

}  // namespace lockstep::real
