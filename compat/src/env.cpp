// spdk/env.h beyond cores and ticks: the main core, delays, and SPDK's allocation functions.
#include "spdk/env.h"

#include "app_frame.hpp"

#include <lockstep/lockstep.hpp>

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace {

inline void cpu_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

constexpr size_t min_alignment = 64;  // SPDK's buffers are aligned to a cache line at least

// A buffer's size lives just before it, so that realloc can copy it; the header takes one
// alignment unit so that the buffer keeps the alignment asked for. The offset back to the
// block malloc gave sits right before the size.
struct header {
  size_t offset;  // from the malloc'ed block to the buffer
  size_t size;
};

void* allocate(size_t size, size_t align, bool zero) {
  if (size == 0) return nullptr;
  if (align == 0) align = min_alignment;
  if ((align & (align - 1)) != 0) return nullptr;  // not a power of two
  if (align < min_alignment) align = min_alignment;
  void* block = nullptr;
  if (posix_memalign(&block, align, size + align) != 0) return nullptr;
  auto* buf = static_cast<char*>(block) + align;
  auto* h = reinterpret_cast<header*>(buf) - 1;
  h->offset = align;
  h->size = size;
  if (zero) std::memset(buf, 0, size);
  return buf;
}

header* header_of(void* buf) { return reinterpret_cast<header*>(buf) - 1; }

}  // namespace

extern "C" {

uint32_t spdk_env_get_main_core(void) {
  const auto& f = lockstep::spdk_compat::detail::frame();
  if (lockstep::core_count() != 0) {
    // In a run of spdk_app_start, the main core it chose; in a run_sim, core 0 (the lowest).
    return f.running ? f.main_core : lockstep::first_core();
  }
  return f.cores.empty() ? UINT32_MAX : f.main_core;
}

void spdk_delay_us(unsigned int us) {
  if (lockstep::core_count() == 0) {
    usleep(us);
    return;
  }
  // A busy wait on the backend clock. A clock that does not move while an event runs (the
  // simulator's: a core's virtual time moves between steps) ends the wait at once.
  const uint64_t wait_ns = uint64_t{us} * 1000;
  const uint64_t start_ns = lockstep::now_ns();
  for (uint32_t unchanged = 0;;) {
    const uint64_t now = lockstep::now_ns();
    if (now - start_ns >= wait_ns) return;
    if (now == start_ns && ++unchanged > 1000) return;
    cpu_pause();
  }
}

void spdk_pause(void) { cpu_pause(); }

uint32_t spdk_env_get_socket_id(uint32_t) { return 0; }

void* spdk_malloc(size_t size, size_t align, uint64_t* phys_addr, int, uint32_t) {
  void* buf = allocate(size, align, false);
  if (buf != nullptr && phys_addr != nullptr) *phys_addr = reinterpret_cast<uintptr_t>(buf);
  return buf;
}

void* spdk_zmalloc(size_t size, size_t align, uint64_t* phys_addr, int, uint32_t) {
  void* buf = allocate(size, align, true);
  if (buf != nullptr && phys_addr != nullptr) *phys_addr = reinterpret_cast<uintptr_t>(buf);
  return buf;
}

void* spdk_realloc(void* buf, size_t size, size_t align) {
  if (buf == nullptr) return allocate(size, align, false);
  if (size == 0) return nullptr;
  void* grown = allocate(size, align, false);
  if (grown == nullptr) return nullptr;
  const size_t old_size = header_of(buf)->size;
  std::memcpy(grown, buf, old_size < size ? old_size : size);
  spdk_free(buf);
  return grown;
}

void spdk_free(void* buf) {
  if (buf == nullptr) return;
  std::free(static_cast<char*>(buf) - header_of(buf)->offset);
}

void* spdk_dma_malloc(size_t size, size_t align, uint64_t* phys_addr) {
  return spdk_malloc(size, align, phys_addr, SPDK_ENV_SOCKET_ID_ANY, SPDK_MALLOC_DMA);
}
void* spdk_dma_malloc_socket(size_t size, size_t align, uint64_t* phys_addr, int socket_id) {
  return spdk_malloc(size, align, phys_addr, socket_id, SPDK_MALLOC_DMA);
}
void* spdk_dma_zmalloc(size_t size, size_t align, uint64_t* phys_addr) {
  return spdk_zmalloc(size, align, phys_addr, SPDK_ENV_SOCKET_ID_ANY, SPDK_MALLOC_DMA);
}
void* spdk_dma_zmalloc_socket(size_t size, size_t align, uint64_t* phys_addr, int socket_id) {
  return spdk_zmalloc(size, align, phys_addr, socket_id, SPDK_MALLOC_DMA);
}
void* spdk_dma_realloc(void* buf, size_t size, size_t align, uint64_t* phys_addr) {
  void* out = spdk_realloc(buf, size, align);
  if (out != nullptr && phys_addr != nullptr) *phys_addr = reinterpret_cast<uintptr_t>(out);
  return out;
}
void spdk_dma_free(void* buf) { spdk_free(buf); }

}  // extern "C"
