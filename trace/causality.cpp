#include "causality.hpp"

namespace lockstep::trace {

std::string causality::admit(const record& r) {
  const auto event = [&] { return "event " + std::to_string(r.id); };
  switch (r.kind) {
    case kind::alloc:
      if (!allocated_.insert(r.id).second) return event() + " is allocated a second time";
      return {};
    case kind::call:
      if (!allocated(r.id)) return event() + " is called but was never allocated";
      if (!target_of_call_.emplace(r.id, r.target).second)
        return event() + " is called a second time";
      return {};
    case kind::exec: {
      const auto call = target_of_call_.find(r.id);
      if (call == target_of_call_.end()) return event() + " runs but was never called";
      if (call->second != r.core)
        return event() + " runs on core " + std::to_string(r.core) + " but was called for core " +
               std::to_string(call->second);
      if (!executed_.insert(r.id).second) return event() + " runs a second time";
      return {};
    }
    case kind::check_failed:
      if (r.in == failed_in::event && !called(r.id))
        return "the failing event " + std::to_string(r.id) + " was never called";
      return {};
    case kind::alloc_failed:
    case kind::poller:
    case kind::timer:
    case kind::stop:
    case kind::shutdown_request:
      return {};
  }
  return {};
}

}  // namespace lockstep::trace
