// Bit-mask helpers of the simulator's scheduler: sets of cores are 64-bit masks.
#pragma once

#include <array>
#include <cstdint>

namespace lockstep::sim {

namespace detail {

struct byte_bits {
  uint8_t count;
  uint8_t position[8];  // of the k-th set bit, k < count
};

constexpr std::array<byte_bits, 256> make_byte_bits() {
  std::array<byte_bits, 256> t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint8_t n = 0;
    for (uint8_t i = 0; i < 8; ++i)
      if (b & (1u << i)) t[b].position[n++] = i;
    t[b].count = n;
  }
  return t;
}

inline constexpr std::array<byte_bits, 256> byte_bits_table = make_byte_bits();

}  // namespace detail

// The number of bits set (std::popcount is a library call on baseline x86-64). Up to 8 cores a
// mask is one byte, and its count one lookup in the table nth_set_bit reads anyway.
inline uint32_t bits_set(uint64_t v) noexcept {
  if (v < 256) [[likely]] return detail::byte_bits_table[v].count;
  v = v - ((v >> 1) & 0x5555555555555555ull);
  v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
  v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<uint32_t>((v * 0x0101010101010101ull) >> 56);
}

// The index of the k-th (from 0, lowest first) set bit of mask; k < bits_set(mask). A table
// lookup per byte instead of clearing k bits one by one: for up to 8 cores, one lookup and no
// branch whose direction depends on k (the drawn choice).
inline uint32_t nth_set_bit(uint64_t mask, uint64_t k) noexcept {
  uint32_t base = 0;
  for (;;) {
    const detail::byte_bits& b = detail::byte_bits_table[mask & 0xFF];
    if (k < b.count) return base + b.position[k];
    k -= b.count;
    mask >>= 8;
    base += 8;
  }
}

}  // namespace lockstep::sim
