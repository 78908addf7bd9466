#include "lcore_recording.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

namespace lockstep::real {
namespace {

constexpr uint32_t external_field = 0x7FF;  // the sender field of an event no reactor sent

}  // namespace

thread_local constinit lcore_recording::lane* lcore_recording::t_lane_ LOCKSTEP_HOT_TLS = nullptr;

lcore_recording::lcore_recording(uint32_t reactors, const core::clock& clk)
    : clk_(clk), lanes_(reactors + 1) {
  // Each reactor's first chunk is made and touched now, before the run.
  for (uint32_t i = 0; i <= reactors; ++i) {
    lanes_[i].key_base = key_of(i, 0) << position_bits;
    if (i < reactors && grow(lanes_[i])) std::memset(lanes_[i].cur, 0, chunk_bytes);
  }
}

void lcore_recording::chunk_free::operator()(entry* e) const noexcept { std::free(e); }

bool lcore_recording::grow(lane& l) noexcept {
  if (l.count >= recording_lane_entries_max) {
    l.full = true;
    return false;
  }
  // Allocation failure: the lane stops recording rather than throw from a hook.
  auto* chunk = static_cast<entry*>(std::aligned_alloc(chunk_bytes, chunk_bytes));
  if (chunk == nullptr) {
    l.full = true;
    return false;
  }
  (void)madvise(chunk, chunk_bytes, MADV_HUGEPAGE);  // a hint: without it, small pages
  try {
    l.chunks.emplace_back(chunk);
  } catch (...) {
    std::free(chunk);
    l.full = true;
    return false;
  }
  l.cur = chunk;
  l.end = chunk + chunk_entries;
  return true;
}

void lcore_recording::read_time(uint32_t reactor, lane& l) noexcept {
  append(l, uint64_t{static_cast<uint8_t>(kind::time)} << 60, clk_.now_ns(reactor));
  l.want_time = l.time_every_unit;
  l.iterations = 0;
}

void lcore_recording::append_on(uint32_t reactor, uint64_t a, uint64_t b, event* keyed) noexcept {
  const bool external = reactor >= lanes_.size() - 1;
  std::unique_lock<std::mutex> lock(external_mutex_, std::defer_lock);
  if (external) lock.lock();
  lane& l = lane_of(reactor);
  if (keyed != nullptr)
    keyed->id = next_id(l);
  append(l, a, b);
  if (external) read_time(reactor, l);  // the external lane's time: the entry after each
}

void lcore_recording::on_allocate(uint32_t reactor, const event* /*by: found after the run*/,
                                  event* ev) noexcept {
  append_on(reactor, entry_of(kind::alloc, ev->name, ev->fn, 0), ev->target, ev);
}

void lcore_recording::on_allocate_failed(uint32_t reactor, const event* /*by*/,
                                         uint32_t target_core, event_fn fn, const char* name,
                                         bool invalid_core) noexcept {
  const auto reason = invalid_core ? trace::alloc_reason::not_a_core : trace::alloc_reason::no_event;
  append_on(reactor, entry_of(kind::alloc_failed, name, fn, static_cast<uint32_t>(reason)),
            target_core);
}

void lcore_recording::on_call(uint32_t reactor, const event* ev) noexcept {
  // The event is the caller's (event_call's argument): its id takes the call's position.
  auto* e = const_cast<event*>(ev);
  if (e->sender != external_sender) {  // on the sender's lcore: its lane, by index
    e->id |= lanes_[e->sender].count;
    return;
  }
  const std::lock_guard<std::mutex> lock(external_mutex_);
  lane& l = lanes_.back();
  e->id |= l.count;
  read_time(reactor, l);  // the call's time: the entry after its position
}

void lcore_recording::on_stop(uint32_t reactor, int rc) noexcept {
  append_on(reactor, uint64_t{static_cast<uint8_t>(kind::stop)} << 60, static_cast<uint32_t>(rc));
}

void lcore_recording::poller_ran(uint32_t reactor, const core::reactor& r) noexcept {
  lane& l = lanes_[reactor];
  const kind k = r.last_step_kind() == core::reactor::step_kind::timer ? kind::timer : kind::poller;
  // The first unit of an iteration whose burst was empty: that empty take is kept, as a burst's.
  append(l, entry_of(k, nullptr, r.last_poller_fn(), 0) | uint64_t{l.burst_first} << 63,
         r.last_poller_seq());
  l.burst_first = false;
  if (l.want_time) read_time(reactor, l);
}

void lcore_recording::shutdown_request(uint32_t reactor, event* ev) noexcept {
  lane& l = lanes_[reactor];
  ev->id = next_id(l);
  append(l, entry_of(kind::shutdown, ev->name, ev->fn, 0), ev->id);
  l.want_time = true;  // the request's time: the next unit's
}

void lcore_recording::check_failed(uint32_t reactor, const core::reactor& r) noexcept {
  lane& l = lanes_[reactor];
  trace::failed_in in = trace::failed_in::none;
  uint64_t id = 0;
  uint64_t a = 0;
  if (const event* ev = r.running_event()) {
    in = trace::failed_in::event;
    id = ev->id;
    a = entry_of(kind::check_failed, ev->name, ev->fn, static_cast<uint32_t>(in) |
                 uint32_t{ev->sender & external_field} << 2);
  } else if (const poller* p = r.running_poller()) {
    in = trace::failed_in::poller;
    id = p->seq;
    a = entry_of(kind::check_failed, nullptr, p->fn, static_cast<uint32_t>(in));
  } else {
    a = entry_of(kind::check_failed, nullptr, nullptr, static_cast<uint32_t>(in));
  }
  append(l, a, id);
  read_time(reactor, l);
}

// to_trace's state: every event's id made dense (in the order lanes and entries are read), the
// calls to place per calling lane, and the bursts.
struct lcore_recording::conversion {
  // The calls found in the runs: where each was made (the calling lane's position) and what;
  // wait_lane/wait_step: the step it must follow (lcore_trace::raw).
  struct call_at {
    uint64_t pos;
    uint64_t key;  // the event's id without the call's position
    uint32_t target;
    uint32_t wait_lane;
    uint64_t wait_step;
  };
  struct burst {
    uint32_t lane;
    uint64_t step;              // the lane's step of its first event
    std::vector<uint64_t> keys;  // its events
  };
  std::unordered_map<uint64_t, uint64_t> dense;  // lookups only
  std::vector<std::vector<call_at>> calls;       // per calling lane, by position
  std::vector<burst> bursts;

  uint64_t id_of(uint64_t key) { return dense.try_emplace(key, dense.size() + 1).first->second; }
};

const lcore_recording::entry& lcore_recording::at(uint32_t li, uint64_t i) const noexcept {
  return lanes_[li].chunks[i / chunk_entries][i % chunk_entries];
}

// The kind, without the bit of a burst's take (kind::event_first...).
lcore_recording::kind lcore_recording::kind_of(const entry& e) noexcept {
  const auto k = static_cast<uint8_t>(e.a >> 60);
  return static_cast<kind>(k > 8 ? k & 7 : k);
}

bool lcore_recording::first_of_burst(const entry& e) noexcept { return (e.a >> 60) > 8; }

uint32_t lcore_recording::small_of(const entry& e) noexcept {
  return static_cast<uint32_t>(e.a >> 48) & external_field;
}

// One lane read for what the others need: its allocations (ids), the calls its events were
// sent by, and its bursts. The events a reactor took at once were all queued then (the burst's
// first step waits for their calls: lcore_trace::load_burst); a burst shorter than the most a
// reactor takes (event_batch_max) took everything queued, so the events of later bursts were
// called after it was taken (their calls wait for its first step). An empty burst is marked on
// the unit after it.
void lcore_recording::index_lane(uint32_t li, conversion& c) const {
  const auto lane_count = static_cast<uint32_t>(lanes_.size());
  uint64_t step = 0;
  bool in_burst = false;
  uint32_t short_lane = UINT32_MAX;  // li once a burst shorter than event_batch_max was seen
  uint64_t short_step = 0;           // the first step of the last such burst
  for (uint64_t i = 0; i < lanes_[li].count; ++i) {
    const entry& e = at(li, i);
    const kind k = kind_of(e);
    if (k == kind::alloc) c.id_of(key_of(li, i));
    const bool unit = k == kind::event || k == kind::poller || k == kind::timer;
    if (unit && in_burst && (k != kind::event || first_of_burst(e))) {
      in_burst = false;
      if (c.bursts.back().keys.size() < core::event_batch_max) {
        short_lane = li;
        short_step = c.bursts.back().step;
      }
    }
    if (unit && first_of_burst(e)) {
      if (k == kind::event) {
        in_burst = true;
        c.bursts.push_back({li, step, {}});
      } else {  // an empty burst, just before this unit
        short_lane = li;
        short_step = step;
      }
    }
    if (unit) ++step;
    uint32_t sender = 0;
    if (k == kind::event) {
      sender = small_of(e);
      if (in_burst) c.bursts.back().keys.push_back(e.b >> position_bits);
    } else if (k == kind::check_failed &&
               (small_of(e) & 3) == static_cast<uint32_t>(trace::failed_in::event)) {
      sender = small_of(e) >> 2;
    } else {
      continue;
    }
    // The shutdown request is called where it is recorded (kind::shutdown), by no lane.
    const uint64_t key = e.b >> position_bits;
    if (const entry* made = entry_at_key(key); made != nullptr && kind_of(*made) == kind::shutdown)
      continue;
    const uint32_t caller = sender == external_field ? lane_count - 1 : sender;
    c.calls[caller].push_back({e.b & position_mask, key, li, short_lane, short_step});
  }
}

// Each entry's time (and one past the last: a call made at the end). The external lane: the
// time entry after it. A reactor's lane: units get their time entry, or one interpolated
// between the nearest ones; other entries take the time of the unit they happened in (the next
// one).
std::vector<uint64_t> lcore_recording::times_of(uint32_t li) const {
  const uint64_t count = lanes_[li].count;
  const bool external = li == lanes_.size() - 1;
  std::vector<uint64_t> time(count + 1, 0);
  std::vector<uint64_t> units;                       // positions
  std::vector<std::pair<size_t, uint64_t>> samples;  // (unit number, ns)
  uint64_t last = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const entry& e = at(li, i);
    const kind k = kind_of(e);
    if (k == kind::time) {
      last = e.b;
      if (!units.empty() && (samples.empty() || samples.back().first != units.size() - 1))
        samples.emplace_back(units.size() - 1, e.b);
      if (external)
        for (uint64_t j = i; j-- > 0 && time[j] == 0;) time[j] = e.b;
    } else if (k == kind::event || k == kind::poller || k == kind::timer ||
               k == kind::check_failed) {
      units.push_back(i);
    }
  }
  if (external) {
    for (uint64_t& t : time) t = t == 0 ? last : t;
    return time;
  }
  if (samples.empty()) return time;
  std::vector<uint64_t> unit_ns(units.size());
  size_t s = 0;
  for (size_t u = 0; u < units.size(); ++u) {
    while (s + 1 < samples.size() && samples[s + 1].first <= u) ++s;
    const auto& [u0, t0] = samples[s];
    if (u <= u0 || s + 1 == samples.size()) {
      unit_ns[u] = t0;
    } else {
      const auto& [u1, t1] = samples[s + 1];
      unit_ns[u] = t0 + (t1 - t0) * (u - u0) / (u1 - u0);
    }
  }
  size_t u = units.size();
  uint64_t t = unit_ns.empty() ? 0 : unit_ns.back();
  for (uint64_t i = count + 1; i-- > 0;) {
    if (u > 0 && i == units[u - 1]) t = unit_ns[--u];
    time[i] = t;
  }
  return time;
}

// The entry whose key (lane and position) is `key`: an event's allocation or shutdown request;
// null when its lane lost it (or no lane made it).
const lcore_recording::entry* lcore_recording::entry_at_key(uint64_t key) const noexcept {
  const uint64_t from = (key >> position_bits) - 1, pos = key & position_mask;
  if (from >= lanes_.size() || pos >= lanes_[from].count) return nullptr;
  return &at(static_cast<uint32_t>(from), pos);
}

// The name literal or function an entry carries, into r.
void lcore_recording::name_from(const entry& e, lcore_trace::raw& r) noexcept {
  const auto ptr = reinterpret_cast<const void*>(e.a & ptr_mask);
  if ((e.a & literal_bit) != 0) {
    r.name_literal = static_cast<const char*>(ptr);
  } else {
    r.fn = ptr;
  }
}

// The name or function of the event whose allocation (or shutdown request) entry has `key`,
// into r; none when that lane lost the entry (the merge leaves such an event out).
void lcore_recording::name_event(uint64_t key, lcore_trace::raw& r) const noexcept {
  r.name_literal = nullptr;
  r.fn = nullptr;
  if (const entry* made = entry_at_key(key)) name_from(*made, r);
}

// The trace's records of entry i of lane li, appended to `step`: false for a time entry.
bool lcore_recording::records_of(uint32_t li, uint64_t i, uint64_t time, conversion& c,
                                 std::vector<lcore_trace::raw>* step) const {
  const entry& e = at(li, i);
  lcore_trace::raw r{};
  r.rec.core = li == lanes_.size() - 1 ? trace::outside : li;
  r.rec.start_ns = r.rec.end_ns = time;
  name_from(e, r);
  switch (kind_of(e)) {
    case kind::time:
    case kind::event_first:  // never: kind_of reads the ..._first kinds as the others
    case kind::poller_first:
    case kind::timer_first:
      return false;
    case kind::alloc:
      r.rec.kind = trace::kind::alloc;
      r.rec.target = static_cast<uint32_t>(e.b);
      r.rec.id = c.id_of(key_of(li, i));
      break;
    case kind::alloc_failed:
      r.rec.kind = trace::kind::alloc_failed;
      r.rec.reason = static_cast<trace::alloc_reason>(small_of(e));
      r.rec.target = static_cast<uint32_t>(e.b);
      break;
    case kind::stop:
      r.rec.kind = trace::kind::stop;
      r.rec.rc = static_cast<int32_t>(static_cast<uint32_t>(e.b));
      break;
    case kind::shutdown:
      // As the trace records it: the request, then its allocation and call from outside.
      r.rec.core = trace::outside;
      r.rec.kind = trace::kind::shutdown_request;
      r.rec.target = li;
      r.rec.id = c.id_of(e.b >> position_bits);
      step->push_back(r);
      r.rec.kind = trace::kind::alloc;
      step->push_back(r);
      r.rec.kind = trace::kind::call;
      break;
    case kind::event:
      r.rec.kind = trace::kind::exec;
      name_event(e.b >> position_bits, r);
      r.rec.id = c.id_of(e.b >> position_bits);
      r.rec.sender = small_of(e) == external_field ? trace::outside : small_of(e);
      break;
    case kind::poller:
    case kind::timer:
      r.rec.kind = kind_of(e) == kind::poller ? trace::kind::poller : trace::kind::timer;
      r.rec.id = e.b;
      break;
    case kind::check_failed:
      r.rec.kind = trace::kind::check_failed;
      r.rec.in = static_cast<trace::failed_in>(small_of(e) & 3);
      r.rec.id = r.rec.in == trace::failed_in::event ? c.id_of(e.b >> position_bits) : e.b;
      break;
  }
  step->push_back(r);
  return true;
}

// Lane li's entries as the trace's records of that lane (lcore_trace::raw, numbered by the
// lane's steps as a trace's lane), with the calls of its events placed where they were made.
void lcore_recording::convert_lane(uint32_t li, conversion& c, lcore_trace& out) const {
  const bool external = li == lanes_.size() - 1;
  const std::vector<uint64_t> time = times_of(li);
  // The records of the step in progress: their `by` (the event the step ran) is known when its
  // unit comes, the last of them.
  std::vector<lcore_trace::raw> pending;
  uint64_t step = 0;
  auto flush = [&](uint64_t by) {
    for (lcore_trace::raw& r : pending) {
      if (r.rec.kind == trace::kind::alloc || r.rec.kind == trace::kind::alloc_failed ||
          r.rec.kind == trace::kind::call)
        r.rec.by = by;
      r.local_step = step;
      out.load(li, r);
    }
    pending.clear();
  };
  size_t next_call = 0;
  const auto& calls = c.calls[li];
  for (uint64_t i = 0; i <= lanes_[li].count; ++i) {
    for (; next_call < calls.size() && calls[next_call].pos == i; ++next_call) {
      lcore_trace::raw r{};
      r.rec.kind = trace::kind::call;
      r.rec.core = external ? trace::outside : li;
      r.rec.target = calls[next_call].target;
      r.rec.id = c.id_of(calls[next_call].key);
      r.rec.start_ns = r.rec.end_ns = time[i];
      r.wait_lane = calls[next_call].wait_lane;
      r.wait_step = calls[next_call].wait_step;
      pending.push_back(r);
      if (external) flush(0);
    }
    if (i == lanes_[li].count || !records_of(li, i, time[i], c, &pending)) continue;
    const trace::record& last = pending.back().rec;
    if (trace::is_step(last.kind)) {
      flush(last.kind == trace::kind::exec ? last.id : 0);
      ++step;
    } else if (last.kind == trace::kind::check_failed) {
      flush(last.in == trace::failed_in::event ? last.id : 0);
    } else if (external) {
      flush(0);
    }
  }
  flush(0);
  if (lanes_[li].full) out.load_full(li);
}

std::unique_ptr<lcore_trace> lcore_recording::to_trace() const {
  const std::lock_guard<std::mutex> lock(external_mutex_);
  const auto lane_count = static_cast<uint32_t>(lanes_.size());
  auto out = std::make_unique<lcore_trace>(lane_count - 1, clk_);
  conversion c;
  c.calls.resize(lane_count);
  for (uint32_t li = 0; li < lane_count; ++li) index_lane(li, c);
  for (auto& calls : c.calls)
    std::sort(calls.begin(), calls.end(), [](const auto& x, const auto& y) {
      return x.pos != y.pos ? x.pos < y.pos : x.key < y.key;
    });
  for (conversion::burst& b : c.bursts) {
    if (b.keys.size() < 2) continue;  // one event: its own call is waited for
    std::vector<uint64_t> ids;
    for (const uint64_t key : b.keys) ids.push_back(c.id_of(key));
    out->load_burst(b.lane, b.step, std::move(ids));
  }
  for (uint32_t li = 0; li < lane_count; ++li) convert_lane(li, c, *out);
  return out;
}

}  // namespace lockstep::real
