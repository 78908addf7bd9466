// SPDK reactor masks ("0x3", "[0-1,3]") to lcore lists.
#include <lockstep/spdk_compat.hpp>

#include "../../core/limits.hpp"

#include <cctype>
#include <cstring>

namespace lockstep::spdk_compat {
namespace {

bool parse_list(const char* text, bool (&selected)[core::core_id_count], std::string* error) {
  const char* p = text;
  while (true) {
    auto number = [&](uint32_t* out) {
      if (!std::isdigit(static_cast<unsigned char>(*p))) return false;
      uint32_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(*p))) {
        v = v * 10 + static_cast<uint32_t>(*p - '0');
        if (v >= core::core_id_count) return false;
        ++p;
      }
      *out = v;
      return true;
    };
    uint32_t first = 0, last = 0;
    if (!number(&first)) {
      *error = "reactor mask '" + std::string(text) + "': expected an lcore number (0.." +
               std::to_string(core::core_id_count - 1) + ") at '" + p + "'";
      return false;
    }
    last = first;
    if (*p == '-') {
      ++p;
      if (!number(&last) || last < first) {
        *error = "reactor mask '" + std::string(text) + "': bad range ending at '" + p + "'";
        return false;
      }
    }
    for (uint32_t c = first; c <= last; ++c) selected[c] = true;
    if (*p == '\0') return true;
    if (*p != ',') {
      *error = "reactor mask '" + std::string(text) + "': unexpected '" + p + "'";
      return false;
    }
    ++p;
  }
}

bool parse_hex(const char* text, bool (&selected)[core::core_id_count], std::string* error) {
  const char* digits = text;
  if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) digits += 2;
  const size_t n = std::strlen(digits);
  if (n == 0) {
    *error = "reactor mask '" + std::string(text) + "': no hex digits";
    return false;
  }
  // The last digit holds lcores 0-3, the one before it 4-7, and so on.
  for (size_t i = 0; i < n; ++i) {
    const char c = digits[n - 1 - i];
    int v = 0;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      *error = "reactor mask '" + std::string(text) + "': '" + c + "' is not a hex digit";
      return false;
    }
    for (uint32_t bit = 0; bit < 4; ++bit) {
      if ((v & (1 << bit)) == 0) continue;
      const size_t core_id = i * 4 + bit;
      if (core_id >= core::core_id_count) {
        *error = "reactor mask '" + std::string(text) + "' selects lcore " +
                 std::to_string(core_id) + "; lcores are 0.." +
                 std::to_string(core::core_id_count - 1);
        return false;
      }
      selected[core_id] = true;
    }
  }
  return true;
}

}  // namespace

std::vector<uint32_t> parse_reactor_mask(const char* mask, std::string* error) {
  std::string scratch;
  if (error == nullptr) error = &scratch;
  if (mask == nullptr || *mask == '\0') {
    *error = "reactor mask is empty";
    return {};
  }
  bool selected[core::core_id_count] = {};
  bool ok = false;
  const size_t len = std::strlen(mask);
  if (mask[0] == '[') {
    if (mask[len - 1] != ']') {
      *error = "reactor mask '" + std::string(mask) + "': '[' without a closing ']'";
      return {};
    }
    const std::string inner(mask + 1, len - 2);
    ok = parse_list(inner.c_str(), selected, error);
  } else if (std::strpbrk(mask, ",-") != nullptr) {
    ok = parse_list(mask, selected, error);  // a bare lcore list, as DPDK's -l takes
  } else {
    ok = parse_hex(mask, selected, error);   // SPDK's default reading: a hex mask
  }
  if (!ok) return {};
  std::vector<uint32_t> cores;
  for (uint32_t c = 0; c < core::core_id_count; ++c)
    if (selected[c]) cores.push_back(c);
  if (cores.empty()) *error = "reactor mask '" + std::string(mask) + "' selects no lcore";
  return cores;
}

}  // namespace lockstep::spdk_compat
