// Fixture for tests/lint/tidy_test.py: each marked line names a limit max-first.
#pragma once
#include <cstdint>

namespace fixture {

inline constexpr uint32_t max_widgets = 8;  // BAD: max-first
constexpr uint64_t queue_max_depth{16};  // BAD: max in the middle
struct holder {
  static constexpr uint32_t max_slots = 4;  // BAD: a member too
  static constexpr uint32_t slots_max = 4;  // fine: unit first, limit last
};
inline constexpr uint32_t widgets_max = 8;  // fine
inline constexpr const char* max_label = "x";  // BAD: a pointer type too
[[deprecated("use widgets_max")]] inline constexpr uint32_t max_gadgets = 8;  // fine: an alias
uint32_t max_seen = 0;  // fine: a variable, not a limit
// constexpr uint32_t max_in_a_comment = 1;  (fine: a comment)

}  // namespace fixture
