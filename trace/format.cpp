#include "format.hpp"

namespace lockstep::trace {

static_assert(sizeof(layouts) / sizeof(layouts[0]) == kind_count);
static_assert(layout_of(kind::check_failed).kind == kind::check_failed &&
                  layout_of(kind::alloc).kind == kind::alloc,
              "layouts[] is in the order of the kinds' numbers");

const char* to_string(kind k) noexcept {
  const auto i = static_cast<uint32_t>(k);
  return i < kind_count ? layouts[i].word.data() : "?";
}

const char* to_string(alloc_reason r) noexcept {
  return r == alloc_reason::not_a_core ? "not_a_core" : "no_event";
}

const char* to_string(failed_in f) noexcept {
  switch (f) {
    case failed_in::event: return "event";
    case failed_in::poller: return "poller";
    case failed_in::none: return "none";
  }
  return "none";
}

}  // namespace lockstep::trace
