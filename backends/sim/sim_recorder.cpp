#include "sim_recorder.hpp"

#include "../../trace/function_names.hpp"

namespace lockstep::sim {

void sim_recorder::start_trace(uint32_t cores, std::string options) {
  if (trace_) return;
  trace_ = std::make_shared<trace_log>();
  trace_->options = std::move(options);
  trace_->cores = cores;
}

trace_record sim_recorder::point_record(record_kind kind, uint32_t reactor, uint32_t target,
                                        const event* by) const noexcept {
  trace_record rec{};
  rec.kind = kind;
  rec.core = reactor;
  rec.target = target;
  rec.by = by != nullptr ? by->id : 0;
  rec.start_ns = rec.end_ns = clock_.now_ns(reactor);
  return rec;
}

void sim_recorder::record_step(const core::reactor& r, core::reactor::step_kind kind,
                               uint32_t core, uint64_t id, uint64_t start_ns, uint64_t cost_ns) {
  trace_record rec{};
  rec.core = core;
  rec.id = id;
  rec.start_ns = start_ns;
  rec.end_ns = start_ns + cost_ns;
  switch (kind) {
    case core::reactor::step_kind::event: {
      const event* ev = r.last_event();
      rec.kind = record_kind::exec;
      rec.sender = ev->sender == external_sender ? no_core : ev->sender;
      rec.name = intern_name(ev->name, reinterpret_cast<const void*>(ev->fn));
      record(rec);
      break;
    }
    case core::reactor::step_kind::poller:
    case core::reactor::step_kind::timer:
      rec.kind = kind == core::reactor::step_kind::poller ? record_kind::poller
                                                          : record_kind::timer;
      rec.name = intern_name(nullptr, reinterpret_cast<const void*>(r.last_poller_fn()));
      record(rec);
      break;
    case core::reactor::step_kind::none:
      break;
  }
}

void sim_recorder::record_shutdown_request(const event* ev) {
  trace_record rec{};
  rec.kind = record_kind::shutdown_request;
  rec.target = 0;
  rec.id = ev->id;
  rec.start_ns = rec.end_ns = clock_.now_ns(0);
  record(rec);
}

void sim_recorder::record_failure(uint32_t core, uint64_t t_ns) {
  // The failing step never finishes, so no execute record follows: this record names what
  // was running instead.
  trace_record rec{};
  rec.kind = record_kind::check_failed;
  rec.core = core;
  rec.start_ns = rec.end_ns = t_ns;
  rec.in = failed_in::none;
  if (core != no_core) {
    const core::reactor& r = rt_->at(core);
    if (const event* ev = r.running_event()) {
      rec.in = failed_in::event;
      rec.id = ev->id;
      rec.name = intern_name(ev->name, reinterpret_cast<const void*>(ev->fn));
    } else if (const poller* p = r.running_poller()) {
      rec.in = failed_in::poller;
      rec.id = p->seq;
      rec.name = intern_name(nullptr, reinterpret_cast<const void*>(p->fn));
    }
  }
  record(rec);
}

void sim_recorder::record_allocate(uint32_t reactor, const event* by, const event* ev) {
  trace_record rec = point_record(record_kind::alloc, reactor, ev->target, by);
  rec.id = ev->id;
  rec.name = intern_name(ev->name, reinterpret_cast<const void*>(ev->fn));
  record(rec);
}

void sim_recorder::on_allocate_failed(uint32_t reactor, const event* by, uint32_t target_core,
                                      event_fn fn, const char* name, bool invalid_core) noexcept {
  mix(0xA110CFA100000000ull ^ (uint64_t{target_core} << 8) ^ reactor);
  if (trace_) {
    trace_record rec = point_record(record_kind::alloc_failed, reactor, target_core, by);
    rec.reason = invalid_core ? alloc_reason::not_a_core : alloc_reason::no_event;
    rec.name = intern_name(name, reinterpret_cast<const void*>(fn));
    record(rec);
  }
}

void sim_recorder::record_call(uint32_t reactor, const event* ev) {
  const event* by = reactor == no_core ? nullptr : rt_->at(reactor).running_event();
  trace_record rec = point_record(record_kind::call, reactor, ev->target, by);
  rec.id = ev->id;
  record(rec);
}

void sim_recorder::on_stop(uint32_t reactor, int rc) noexcept {
  mix(0x5709000000000000ull ^ static_cast<uint32_t>(rc));
  if (trace_) {
    trace_record rec{};
    rec.kind = record_kind::stop;
    rec.core = reactor;
    rec.rc = rc;
    rec.start_ns = rec.end_ns = clock_.now_ns(reactor);
    record(rec);
  }
}

void sim_recorder::record(const trace_record& r) {
  trace_->records.push_back(r);
  trace_->records.back().step = steps_;
}

uint32_t sim_recorder::intern_name(const char* name, const void* fn) {
  const void* key = name != nullptr ? static_cast<const void*>(name) : fn;
  auto [it, inserted] = name_of_key_.try_emplace(key, 0);
  if (inserted) {
    std::string text = trace::traced_name(name, fn);
    auto [at, fresh] =
        index_of_name_.try_emplace(std::move(text), static_cast<uint32_t>(trace_->names.size()));
    if (fresh) trace_->names.push_back(at->first);
    it->second = at->second;
  }
  return it->second;
}

}  // namespace lockstep::sim
