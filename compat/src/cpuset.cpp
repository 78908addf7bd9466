// spdk/cpuset.h: sets of cpu ids as bitmaps.
#include "spdk/cpuset.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace {

constexpr uint32_t bytes = SPDK_CPUSET_SIZE / 8;

// Parses "[a-b,c,...]" (brackets already checked and stripped: [begin, end)).
int parse_list(spdk_cpuset* set, const char* begin, const char* end) {
  const char* p = begin;
  while (p < end) {
    while (p < end && std::isspace(static_cast<unsigned char>(*p))) ++p;
    if (p == end || !std::isdigit(static_cast<unsigned char>(*p))) return -1;
    char* next = nullptr;
    unsigned long first = std::strtoul(p, &next, 10);
    p = next;
    unsigned long last = first;
    if (p < end && *p == '-') {
      ++p;
      if (p == end || !std::isdigit(static_cast<unsigned char>(*p))) return -1;
      last = std::strtoul(p, &next, 10);
      p = next;
    }
    if (first > last || last >= SPDK_CPUSET_SIZE) return -1;
    for (unsigned long c = first; c <= last; ++c)
      spdk_cpuset_set_cpu(set, static_cast<uint32_t>(c), true);
    while (p < end && std::isspace(static_cast<unsigned char>(*p))) ++p;
    if (p < end) {
      if (*p != ',') return -1;
      ++p;
      if (p == end) return -1;
    }
  }
  return 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

extern "C" {

struct spdk_cpuset* spdk_cpuset_alloc(void) {
  return static_cast<spdk_cpuset*>(std::calloc(1, sizeof(spdk_cpuset)));
}

void spdk_cpuset_free(struct spdk_cpuset* set) { std::free(set); }

bool spdk_cpuset_equal(const struct spdk_cpuset* set1, const struct spdk_cpuset* set2) {
  return std::memcmp(set1->cpus, set2->cpus, bytes) == 0;
}

void spdk_cpuset_copy(struct spdk_cpuset* dst, const struct spdk_cpuset* src) {
  std::memcpy(dst->cpus, src->cpus, bytes);
}

void spdk_cpuset_and(struct spdk_cpuset* dst, const struct spdk_cpuset* src) {
  for (uint32_t i = 0; i < bytes; ++i) dst->cpus[i] &= src->cpus[i];
}

void spdk_cpuset_or(struct spdk_cpuset* dst, const struct spdk_cpuset* src) {
  for (uint32_t i = 0; i < bytes; ++i) dst->cpus[i] |= src->cpus[i];
}

void spdk_cpuset_xor(struct spdk_cpuset* dst, const struct spdk_cpuset* src) {
  for (uint32_t i = 0; i < bytes; ++i) dst->cpus[i] ^= src->cpus[i];
}

void spdk_cpuset_negate(struct spdk_cpuset* set) {
  for (uint32_t i = 0; i < bytes; ++i) set->cpus[i] = static_cast<uint8_t>(~set->cpus[i]);
}

void spdk_cpuset_zero(struct spdk_cpuset* set) { std::memset(set->cpus, 0, bytes); }

void spdk_cpuset_set_cpu(struct spdk_cpuset* set, uint32_t cpu, bool state) {
  if (cpu >= SPDK_CPUSET_SIZE) return;
  const auto bit = static_cast<uint8_t>(1u << (cpu % 8));
  if (state) {
    set->cpus[cpu / 8] |= bit;
  } else {
    set->cpus[cpu / 8] &= static_cast<uint8_t>(~bit);
  }
}

bool spdk_cpuset_get_cpu(const struct spdk_cpuset* set, uint32_t cpu) {
  if (cpu >= SPDK_CPUSET_SIZE) return false;
  return (set->cpus[cpu / 8] >> (cpu % 8)) & 1u;
}

uint32_t spdk_cpuset_count(const struct spdk_cpuset* set) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < bytes; ++i) n += static_cast<uint32_t>(__builtin_popcount(set->cpus[i]));
  return n;
}

const char* spdk_cpuset_fmt(struct spdk_cpuset* set) {
  static const char digits[] = "0123456789abcdef";
  char* out = set->str;
  bool started = false;
  for (int nibble = SPDK_CPUSET_SIZE / 4 - 1; nibble >= 0; --nibble) {
    const unsigned v = (set->cpus[nibble / 2] >> ((nibble % 2) * 4)) & 0xfu;
    if (v != 0 || started) {
      *out++ = digits[v];
      started = true;
    }
  }
  if (!started) *out++ = '0';
  *out = '\0';
  return set->str;
}

int spdk_cpuset_parse(struct spdk_cpuset* set, const char* mask) {
  if (set == nullptr || mask == nullptr) return -1;
  spdk_cpuset_zero(set);
  const char* p = mask;
  while (std::isspace(static_cast<unsigned char>(*p))) ++p;
  const char* end = p + std::strlen(p);
  while (end > p && std::isspace(static_cast<unsigned char>(end[-1]))) --end;
  if (p == end) return -1;
  if (*p == '[') {
    if (end[-1] != ']') return -1;
    return parse_list(set, p + 1, end - 1);
  }
  if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
  if (p == end) return -1;
  uint32_t cpu = 0;
  for (const char* q = end; q > p; --q) {
    const int v = hex_value(q[-1]);
    if (v < 0) return -1;
    for (int b = 0; b < 4; ++b, ++cpu) {
      if ((v >> b) & 1) {
        if (cpu >= SPDK_CPUSET_SIZE) return -1;
        spdk_cpuset_set_cpu(set, cpu, true);
      }
    }
  }
  return 0;
}

}  // extern "C"
