#include "causal_graph.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>

namespace lockstep::trace {
namespace {

std::string core_text(uint32_t core) { return core == outside ? "-" : std::to_string(core); }

class builder {
 public:
  builder(const trace_log& t, const build_options& opts) : t_(t), opts_(opts) {}

  graph run() {
    g_.cores = t_.cores;
    g_.title = "outcome " + t_.outcome + (t_.outcome == "stopped" ? " rc=" + std::to_string(t_.rc) : "") +
               ", " + std::to_string(t_.steps) + " steps, " + std::to_string(t_.virtual_ns) +
               " ns virtual, " + std::to_string(t_.cores) + " cores";
    if (!t_.failure.empty()) g_.title += "\nfailure: " + t_.failure;
    g_.title += "\nreplay: " + t_.options;
    for (const record& r : t_.records) {
      if (r.kind == kind::shutdown_request) shutdown_ids_.emplace(r.id, r.start_ns);
      if (r.kind == kind::alloc) alloc_name_.emplace(r.id, r.name);
    }
    // Records of one step: the step's own record (exec, poller, timer, check_failed) is written
    // when the step ends, after what happened inside it; the node for the step comes first.
    for (size_t begin = 0; begin < t_.records.size();) {
      size_t end = begin;
      while (end < t_.records.size() && t_.records[end].step == t_.records[begin].step) ++end;
      step_group(begin, end);
      begin = end;
    }
    finish_sends();
    return std::move(g_);
  }

 private:
  size_t add(node n) {
    g_.nodes.push_back(std::move(n));
    return g_.nodes.size() - 1;
  }

  bool busy(size_t begin, size_t end, uint32_t core) const {
    for (size_t i = begin; i < end; ++i) {
      const record& r = t_.records[i];
      if (r.core == core && (r.kind == kind::alloc || r.kind == kind::call ||
                             r.kind == kind::alloc_failed || r.kind == kind::stop))
        return true;
    }
    return false;
  }

  void step_group(size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const record& r = t_.records[i];
      node n;
      n.core = r.core;
      n.step = r.step;
      n.start_ns = r.start_ns;
      n.end_ns = r.end_ns;
      n.name = t_.name_of(r);
      n.id = std::string("s").append(std::to_string(r.step));
      switch (r.kind) {
        case kind::exec:
          n.kind = node_kind::event;
          n.event = r.id;
          n.detail = "from core " + core_text(r.sender);
          break;
        case kind::poller:
        case kind::timer:
          if (!opts_.all_pollers && !busy(begin, end, r.core)) continue;
          n.kind = r.kind == kind::poller ? node_kind::poller : node_kind::timer;
          n.event = r.id;
          break;
        case kind::check_failed:
          n.kind = node_kind::failed_check;
          n.event = r.in == failed_in::event ? r.id : 0;
          n.detail = r.in == failed_in::event    ? "event"
                     : r.in == failed_in::poller ? "poller"
                                                 : "none";
          break;
        default:
          continue;
      }
      const size_t at = add(std::move(n));
      container_[{r.step, r.core}] = at;
      if (r.kind == kind::exec || (r.kind == kind::check_failed && r.in == failed_in::event))
        executed_[r.id] = at;
      if (r.kind == kind::check_failed) g_.failure = at;
    }
    uint32_t failures = 0;
    for (size_t i = begin; i < end; ++i) {
      const record& r = t_.records[i];
      switch (r.kind) {
        case kind::call:
          calls_.push_back(i);
          sender_[r.id] = r.core == outside ? outside_node(r) : container(r);
          break;
        case kind::alloc_failed: {
          container(r);
          node n;
          n.kind = node_kind::alloc_failed;
          n.id = "f" + std::to_string(r.step) + "_" + std::to_string(failures++);
          n.core = r.core;
          n.step = r.step;
          n.start_ns = n.end_ns = r.start_ns;
          n.name = t_.name_of(r);
          n.detail = (r.target == outside ? std::string("-") : std::to_string(r.target));
          n.detail = r.reason == alloc_reason::not_a_core ? "for core " + n.detail + ": not a core"
                                                          : "for core " + n.detail + ": no event";
          add(std::move(n));
          break;
        }
        case kind::stop: {
          container(r);
          node n;
          n.kind = node_kind::stop;
          n.id = "x" + std::to_string(r.step);
          n.core = r.core;
          n.step = r.step;
          n.start_ns = n.end_ns = r.start_ns;
          n.name = "app_stop";
          n.detail = std::to_string(r.rc);
          add(std::move(n));
          break;
        }
        default:
          break;
      }
    }
  }

  // The node of the step in which `r` happened on its core; a stand-in when it was not recorded.
  size_t container(const record& r) {
    auto it = container_.find({r.step, r.core});
    if (it != container_.end()) return it->second;
    node n;
    n.kind = node_kind::unrecorded;
    n.id = std::string("u").append(std::to_string(r.step)).append("_").append(
        r.core == outside ? std::string("out") : std::to_string(r.core));
    n.core = r.core;
    n.step = r.step;
    n.start_ns = n.end_ns = r.start_ns;
    const size_t at = add(std::move(n));
    container_[{r.step, r.core}] = at;
    return at;
  }

  size_t outside_node(const record& r) {
    node n;
    n.kind = node_kind::external;
    n.id = "o" + std::to_string(r.id);
    n.step = r.step;
    n.event = r.id;
    // A call from outside has no clock of its own; the shutdown request carries core 0's.
    auto shutdown = shutdown_ids_.find(r.id);
    n.start_ns = n.end_ns = shutdown != shutdown_ids_.end() ? shutdown->second : r.start_ns;
    n.name = shutdown != shutdown_ids_.end() ? "shutdown request" : "run start";
    return add(std::move(n));
  }

  void finish_sends() {
    for (size_t i : calls_) {
      const record& r = t_.records[i];
      size_t to = 0;
      auto ran = executed_.find(r.id);
      if (ran != executed_.end()) {
        to = ran->second;
      } else {
        node n;
        n.kind = node_kind::never_ran;
        n.id = std::string("q").append(std::to_string(r.id));
        n.core = r.target;
        n.step = r.step;
        n.start_ns = n.end_ns = r.start_ns;
        n.event = r.id;
        auto name = alloc_name_.find(r.id);
        n.name = name != alloc_name_.end() ? t_.names[name->second] : "";
        to = add(std::move(n));
      }
      g_.sends.push_back({sender_.at(r.id), to});
    }
  }

  const trace_log& t_;
  const build_options& opts_;
  graph g_;
  // Lookups only (std::map: ordered, so even an accidental iteration would be stable).
  std::map<std::pair<uint64_t, uint32_t>, size_t> container_;  // (step, core) -> node
  std::map<uint64_t, size_t> executed_;                        // event -> its execution
  std::map<uint64_t, size_t> sender_;                          // event -> the sending step
  std::map<uint64_t, uint64_t> shutdown_ids_;                  // event -> arrival time
  std::map<uint64_t, uint32_t> alloc_name_;
  std::vector<size_t> calls_;                                  // call records, in order
};

}  // namespace

graph build_graph(const trace_log& t, const build_options& opts) { return builder(t, opts).run(); }

graph slice_graph(const graph& g, const slice_options& opts, std::string* note) {
  std::vector<bool> keep(g.nodes.size(), true);
  note->clear();
  if (opts.around) {
    const uint64_t lo = opts.window_first();
    const uint64_t hi = opts.window_last();
    for (size_t i = 0; i < g.nodes.size(); ++i)
      keep[i] = keep[i] && g.nodes[i].step >= lo && g.nodes[i].step <= hi;
    *note = "steps " + std::to_string(lo) + ".." + std::to_string(hi);
  }
  if (opts.causal && !g.nodes.empty()) {
    // Happens-before predecessors: the previous node on the same core, and the sender of an
    // execution.
    std::vector<std::vector<size_t>> preds(g.nodes.size());
    std::map<uint32_t, size_t> last_on_core;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const uint32_t c = g.nodes[i].core;
      if (c == outside || g.nodes[i].kind == node_kind::never_ran) continue;
      auto it = last_on_core.find(c);
      if (it != last_on_core.end()) preds[i].push_back(it->second);
      last_on_core[c] = i;
    }
    for (const edge& e : g.sends) preds[e.to].push_back(e.from);
    size_t from = g.failure;
    if (from == SIZE_MAX) {
      // No failure: the past of the last step that ran.
      for (size_t i = g.nodes.size(); i-- > 0;)
        if (g.nodes[i].kind != node_kind::never_ran) {
          from = i;
          break;
        }
    }
    std::vector<uint64_t> hops(g.nodes.size(), UINT64_MAX);
    std::deque<size_t> todo;
    if (from != SIZE_MAX) {
      hops[from] = 0;
      todo.push_back(from);
    }
    while (!todo.empty()) {
      const size_t n = todo.front();
      todo.pop_front();
      if (hops[n] >= opts.depth) continue;
      for (size_t p : preds[n])
        if (hops[p] == UINT64_MAX) {
          hops[p] = hops[n] + 1;
          todo.push_back(p);
        }
    }
    for (size_t i = 0; i < g.nodes.size(); ++i) keep[i] = keep[i] && hops[i] != UINT64_MAX;
    if (!note->empty()) *note += ", ";
    *note += "causal past of " +
             (g.failure != SIZE_MAX ? std::string("the failure") : std::string("the last step")) +
             (opts.depth != UINT64_MAX ? " (" + std::to_string(opts.depth) + " hops)" : "");
  }
  if (!opts.around && !opts.causal) return g;

  graph out;
  out.cores = g.cores;
  std::vector<size_t> index(g.nodes.size(), SIZE_MAX);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!keep[i]) continue;
    index[i] = out.nodes.size();
    out.nodes.push_back(g.nodes[i]);
  }
  out.failure = g.failure == SIZE_MAX ? SIZE_MAX : index[g.failure];
  size_t kept = out.nodes.size();
  for (const edge& e : g.sends) {
    const bool from_kept = index[e.from] != SIZE_MAX;
    const bool to_kept = index[e.to] != SIZE_MAX;
    if (from_kept && to_kept) {
      out.sends.push_back({index[e.from], index[e.to]});
    } else if (from_kept != to_kept) {
      // The far end of a cut edge becomes a stub naming where it was.
      const node& far = g.nodes[from_kept ? e.to : e.from];
      node stub;
      stub.kind = node_kind::cut;
      stub.id = "c" + std::to_string(out.nodes.size() - kept);
      stub.core = outside;
      stub.step = far.step;
      stub.name = far.name;
      stub.detail = far.kind == node_kind::never_ran
                        ? "to core " + core_text(far.core) + ": never ran"
                        : (from_kept ? "to core " : "from core ") + core_text(far.core) +
                              ", step " + std::to_string(far.step);
      out.nodes.push_back(std::move(stub));
      const size_t s = out.nodes.size() - 1;
      out.sends.push_back(from_kept ? edge{index[e.from], s} : edge{s, index[e.to]});
    }
  }
  out.title = g.title + "\nslice: " + *note + " (" + std::to_string(kept) + " of " +
              std::to_string(g.nodes.size()) + " nodes)";
  return out;
}

}  // namespace lockstep::trace
