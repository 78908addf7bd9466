// spdk/env.h's memory pools and rings: the same on both backends, a lock around plain
// containers. Elements leave a pool lowest address first and come back last-in first-out, so a
// simulation takes them in one order every time (no per-core caches whose state would depend on
// which OS thread ran what).
#include "spdk/env.h"

#include "thread_world.hpp"

#include <lockstep/lockstep.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

struct spdk_mempool {
  const void* run = nullptr;       // the run it was made in (nullptr: outside any run)
  std::string name;
  size_t count = 0;
  size_t stride = 0;               // bytes from one element to the next (ele_size, 64-aligned)
  unsigned char* block = nullptr;  // count * stride bytes
  mutable std::mutex mutex;
  std::vector<void*> free;         // a stack: the next get takes the back
  std::vector<bool> in_pool;       // by element index: whether it is free
};

struct spdk_ring {
  std::mutex mutex;
  std::vector<void*> slots;
  size_t head = 0;  // the oldest queued object's slot
  size_t used = 0;
};

namespace {

constexpr size_t element_alignment = 64;

// The pools by (run, name) for spdk_mempool_lookup and the name check: each run (an
// exploration runs many at once, one per job) has names of its own, as each SPDK process does;
// pools made outside a run share the key nullptr. Its own lock, never held with a pool's.
using pool_key = std::pair<const void*, std::string>;
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<pool_key, spdk_mempool*>& registry() {
  static std::map<pool_key, spdk_mempool*> r;
  return r;
}

// The run the caller is in, as a key (nullptr outside a run).
const void* current_run() noexcept {
  lockstep::spdk_compat::detail::world* w = lockstep::spdk_compat::detail::current_world();
  return w != nullptr ? static_cast<const void*>(&w->rt) : nullptr;
}

// Misuse of a pool: a failed check naming the call (in a run it ends the run; outside one it
// aborts, as lockstep's checks do).
[[noreturn]] void pool_misuse(const char* call, const spdk_mempool* mp, const void* ele,
                              const char* what) {
  thread_local char text[256];
  std::snprintf(text, sizeof text, "%s(pool '%s', element %p): %s", call, mp->name.c_str(), ele,
                what);
  lockstep::detail::check_failed("spdk_mempool rules", text, __FILE__, __LINE__);
}

// The element index of `ele` in mp, after checking that it is one of mp's elements.
size_t index_of(const spdk_mempool* mp, const void* ele, const char* call) {
  const auto* p = static_cast<const unsigned char*>(ele);
  if (p < mp->block || p >= mp->block + mp->count * mp->stride ||
      static_cast<size_t>(p - mp->block) % mp->stride != 0)
    pool_misuse(call, mp, ele, "not an element of this pool");
  return static_cast<size_t>(p - mp->block) / mp->stride;
}

}  // namespace

extern "C" {

struct spdk_mempool* spdk_mempool_create_ctor(const char* name, size_t count, size_t ele_size,
                                              size_t, int, spdk_mempool_obj_cb_t* obj_init,
                                              void* obj_init_arg) {
  if (name == nullptr || name[0] == '\0' || count == 0 || ele_size == 0) {
    errno = EINVAL;
    return nullptr;
  }
  if (std::strlen(name) > SPDK_MEMPOOL_NAME_MAX) {
    errno = ENAMETOOLONG;
    return nullptr;
  }
  const size_t stride = (ele_size + element_alignment - 1) / element_alignment * element_alignment;
  if (stride < ele_size || count > SIZE_MAX / stride) {
    errno = ENOMEM;
    return nullptr;
  }
  const void* run = current_run();
  std::lock_guard<std::mutex> lock(registry_mutex());
  if (registry().count({run, name}) != 0) {
    errno = EEXIST;
    return nullptr;
  }
  void* block = nullptr;
  if (posix_memalign(&block, element_alignment, count * stride) != 0) {
    errno = ENOMEM;
    return nullptr;
  }
  auto* mp = new spdk_mempool;
  mp->run = run;
  mp->name = name;
  mp->count = count;
  mp->stride = stride;
  mp->block = static_cast<unsigned char*>(block);
  mp->free.reserve(count);
  for (size_t i = count; i-- > 0;) mp->free.push_back(mp->block + i * stride);
  mp->in_pool.assign(count, true);
  if (obj_init != nullptr)
    for (size_t i = 0; i < count; ++i)
      obj_init(mp, obj_init_arg, mp->block + i * stride, static_cast<unsigned>(i));
  registry()[{run, mp->name}] = mp;
  return mp;
}

struct spdk_mempool* spdk_mempool_create(const char* name, size_t count, size_t ele_size,
                                         size_t cache_size, int socket_id) {
  return spdk_mempool_create_ctor(name, count, ele_size, cache_size, socket_id, nullptr, nullptr);
}

char* spdk_mempool_get_name(struct spdk_mempool* mp) { return mp->name.data(); }

void spdk_mempool_free(struct spdk_mempool* mp) {
  if (mp == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto it = registry().find({mp->run, mp->name});
    if (it != registry().end() && it->second == mp) registry().erase(it);
  }
  std::free(mp->block);
  delete mp;
}

void* spdk_mempool_get(struct spdk_mempool* mp) {
  std::lock_guard<std::mutex> lock(mp->mutex);
  if (mp->free.empty()) return nullptr;
  void* ele = mp->free.back();
  mp->free.pop_back();
  mp->in_pool[static_cast<size_t>(static_cast<unsigned char*>(ele) - mp->block) / mp->stride] =
      false;
  return ele;
}

int spdk_mempool_get_bulk(struct spdk_mempool* mp, void** ele_arr, size_t count) {
  std::lock_guard<std::mutex> lock(mp->mutex);
  if (mp->free.size() < count) return -ENOMEM;
  for (size_t i = 0; i < count; ++i) {
    ele_arr[i] = mp->free.back();
    mp->free.pop_back();
    mp->in_pool[static_cast<size_t>(static_cast<unsigned char*>(ele_arr[i]) - mp->block) /
                mp->stride] = false;
  }
  return 0;
}

void spdk_mempool_put(struct spdk_mempool* mp, void* ele) {
  const size_t i = index_of(mp, ele, "spdk_mempool_put");
  {
    std::lock_guard<std::mutex> lock(mp->mutex);
    if (!mp->in_pool[i]) {
      mp->in_pool[i] = true;
      mp->free.push_back(ele);
      return;
    }
  }
  pool_misuse("spdk_mempool_put", mp, ele, "the element is already in the pool (put twice)");
}

void spdk_mempool_put_bulk(struct spdk_mempool* mp, void** ele_arr, size_t count) {
  for (size_t i = 0; i < count; ++i) spdk_mempool_put(mp, ele_arr[i]);
}

size_t spdk_mempool_count(const struct spdk_mempool* pool) {
  std::lock_guard<std::mutex> lock(pool->mutex);
  return pool->free.size();
}

uint32_t spdk_mempool_obj_iter(struct spdk_mempool* mp, spdk_mempool_obj_cb_t obj_cb,
                               void* obj_cb_arg) {
  for (size_t i = 0; i < mp->count; ++i)
    obj_cb(mp, obj_cb_arg, mp->block + i * mp->stride, static_cast<unsigned>(i));
  return static_cast<uint32_t>(mp->count);
}

uint32_t spdk_mempool_mem_iter(struct spdk_mempool* mp, spdk_mempool_mem_cb_t mem_cb,
                               void* mem_cb_arg) {
  mem_cb(mp, mem_cb_arg, mp->block, reinterpret_cast<uintptr_t>(mp->block),
         mp->count * mp->stride, 0);
  return 1;
}

struct spdk_mempool* spdk_mempool_lookup(const char* name) {
  if (name == nullptr) return nullptr;
  const void* run = current_run();
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto it = registry().find({run, name});
  if (it == registry().end() && run != nullptr) it = registry().find({nullptr, name});
  return it == registry().end() ? nullptr : it->second;
}

struct spdk_ring* spdk_ring_create(enum spdk_ring_type type, size_t count, int) {
  if (type != SPDK_RING_TYPE_SP_SC && type != SPDK_RING_TYPE_MP_SC &&
      type != SPDK_RING_TYPE_MP_MC) {
    errno = EINVAL;
    return nullptr;
  }
  if (count == 0) {
    errno = EINVAL;
    return nullptr;
  }
  auto* ring = new spdk_ring;
  ring->slots.resize(count);
  return ring;
}

void spdk_ring_free(struct spdk_ring* ring) { delete ring; }

size_t spdk_ring_count(struct spdk_ring* ring) {
  std::lock_guard<std::mutex> lock(ring->mutex);
  return ring->used;
}

size_t spdk_ring_enqueue(struct spdk_ring* ring, void** objs, size_t count, size_t* free_space) {
  std::lock_guard<std::mutex> lock(ring->mutex);
  const size_t size = ring->slots.size();
  size_t queued = 0;
  if (count <= size - ring->used) {
    for (size_t i = 0; i < count; ++i) ring->slots[(ring->head + ring->used + i) % size] = objs[i];
    ring->used += count;
    queued = count;
  }
  if (free_space != nullptr) *free_space = size - ring->used;
  return queued;
}

size_t spdk_ring_dequeue(struct spdk_ring* ring, void** objs, size_t count) {
  std::lock_guard<std::mutex> lock(ring->mutex);
  const size_t n = count < ring->used ? count : ring->used;
  for (size_t i = 0; i < n; ++i) objs[i] = ring->slots[(ring->head + i) % ring->slots.size()];
  ring->head = (ring->head + n) % ring->slots.size();
  ring->used -= n;
  return n;
}

}  // extern "C"

namespace lockstep::spdk_compat::detail {

void forget_run_pools(const void* run) noexcept {
  // The run is over: its pool names go (a later run may reuse the runtime's address); the pools
  // themselves stay until spdk_mempool_free, as the application may still hold them.
  std::lock_guard<std::mutex> lock(registry_mutex());
  for (auto it = registry().begin(); it != registry().end();)
    it = it->first.first == run ? registry().erase(it) : std::next(it);
}

}  // namespace lockstep::spdk_compat::detail
