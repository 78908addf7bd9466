// The rules every trace obeys, whoever made it: an event is allocated once, called once and
// only after its allocation, run once, only after its call and only on the core it was called
// for; a check that failed in an event names an event that was called. The reader refuses a
// trace that breaks one (naming the line); the real backend's merge of its per-lcore lanes
// leaves out what a full lane made unplaceable, by the same rules.
//
// Feed the records in trace order to admit(). Lookups only (no iteration over the sets): the
// verdicts depend on the records alone.
#pragma once

#include "format.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace lockstep::trace {

class causality {
 public:
  // Empty when `r` keeps the rules given the records admitted before it (and then takes it in);
  // otherwise why not, e.g. "event 7 runs but was never called" (and `r` is not taken in).
  std::string admit(const record& r);

  bool allocated(uint64_t event_id) const { return allocated_.count(event_id) != 0; }
  bool called(uint64_t event_id) const { return target_of_call_.count(event_id) != 0; }

 private:
  std::unordered_set<uint64_t> allocated_;
  std::unordered_map<uint64_t, uint32_t> target_of_call_;  // event id -> the core called for
  std::unordered_set<uint64_t> executed_;
};

}  // namespace lockstep::trace
