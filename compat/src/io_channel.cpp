// spdk/thread.h: io_devices, their per-thread io_channels, and spdk_for_each_channel.
//
// SPDK's rules: a channel is reference counted per (thread, device); the last put releases it
// later, by a message to its thread (a get in between keeps it); a device's unregistration
// finishes — its callback runs on the unregistering thread, as a message — once its last channel
// is released and no spdk_for_each_channel walks it.
#include "thread_world.hpp"

#include <cstring>
#include <new>

using namespace lockstep::spdk_compat::detail;

struct spdk_io_channel_iter {
  void* io_device;
  device_state* dev;
  spdk_channel_msg fn;
  int status;
  void* ctx;
  spdk_io_channel* ch;
  spdk_thread* cur_thread;
  uint64_t cur_index;  // cur_thread's position in world::threads
  bool turn_open;      // fn was called for this turn and has not continued yet
  spdk_thread* orig_thread;
  spdk_channel_for_each_cpl cpl;
  const char* fn_name;
  const char* cpl_name;
};

namespace {

void finish_unregister(void* arg) {
  auto* dev = static_cast<device_state*>(arg);
  world& w = *current_world();
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    --dev->unregister_thread->pending_unregisters;
  }
  dev->unregister_cb(dev->io_device);
}

// The device is gone: its callback, if any, goes to the unregistering thread. Not under mutex.
void device_free(world& w, device_state* dev) {
  if (dev->unregister_cb == nullptr) return;
  send_framework_message(w, dev->unregister_thread, finish_unregister, dev,
                         name_of(reinterpret_cast<const void*>(dev->unregister_cb)),
                         "spdk_io_device_unregister");
}

// The channel's release, on its thread: unless a get took it again meanwhile, destroy_cb, then
// the channel is freed, and the device's unregistration may finish.
void release_channel(void* arg) {
  auto* ch = static_cast<spdk_io_channel*>(arg);
  world& w = *current_world();
  device_state* dev = ch->dev;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    --ch->destroy_ref;
    if (ch->ref > 0 || ch->destroy_ref > 0) return;
    ch->thread->channels.erase(dev);
  }
  ch->destroy_cb(dev->io_device, spdk_io_channel_get_ctx(ch));
  bool last;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    --dev->refcnt;
    last = dev->unregistered && !dev->pending_unregister && dev->refcnt == 0 && !dev->freed;
    if (last) dev->freed = true;
  }
  ::operator delete(static_cast<void*>(ch));
  if (last) device_free(w, dev);
}

void unregister_now(world& w, device_state* dev, spdk_thread* thread) {
  bool free_now;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    dev->unregistered = true;
    dev->pending_unregister = false;
    w.devices.erase(dev->io_device);
    if (dev->unregister_cb != nullptr) ++thread->pending_unregisters;
    free_now = dev->refcnt == 0;
    if (free_now) dev->freed = true;
  }
  if (free_now) device_free(w, dev);
}

void pending_unregister(void* arg) {
  auto* dev = static_cast<device_state*>(arg);
  unregister_now(*current_world(), dev, dev->unregister_thread);
}

void call_completion(void* arg) {
  auto* i = static_cast<spdk_io_channel_iter*>(arg);
  if (i->cpl != nullptr) i->cpl(i, i->status);
  delete i;
}

void call_channel(void* arg) {
  auto* i = static_cast<spdk_io_channel_iter*>(arg);
  world& w = *current_world();
  spdk_io_channel* ch = nullptr;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    auto it = i->cur_thread->channels.find(i->dev);
    if (it != i->cur_thread->channels.end()) ch = it->second;
  }
  i->ch = ch;
  i->turn_open = true;
  if (ch != nullptr) {
    i->fn(i);
  } else {  // released before its turn: skipped
    spdk_for_each_channel_continue(i, 0);
  }
}

// The next thread after position `from` with a channel to i->dev; sets i's turn. Under mutex.
bool next_turn(world& w, spdk_io_channel_iter* i, uint64_t from) {
  for (uint64_t k = from; k < w.threads.size(); ++k) {
    spdk_thread* t = w.threads[k].get();
    auto it = t->channels.find(i->dev);
    if (it != t->channels.end()) {
      i->cur_thread = t;
      i->cur_index = k;
      i->ch = it->second;
      return true;
    }
  }
  return false;
}

spdk_thread* caller_thread(world& w, const char* call) {
  spdk_thread* t = thread_of_caller(w);
  if (t == nullptr) misuse("%s called from a non-SPDK thread (not a reactor core)", call);
  return t;
}

}  // namespace

extern "C" {

void spdk_io_device_register(void* io_device, spdk_io_channel_create_cb create_cb,
                             spdk_io_channel_destroy_cb destroy_cb, uint32_t ctx_size,
                             const char* name) {
  world* w = world_for("spdk_io_device_register");
  if (w == nullptr) return;
  if (io_device == nullptr || create_cb == nullptr || destroy_cb == nullptr)
    misuse("spdk_io_device_register(%s): io_device, create_cb and destroy_cb must be given",
           name != nullptr ? name : "NULL");
  caller_thread(*w, "spdk_io_device_register");
  auto dev = std::make_unique<device_state>();
  dev->io_device = io_device;
  dev->name = name != nullptr ? name : "io_device_" + std::to_string(w->all_devices.size() + 1);
  dev->create_cb = create_cb;
  dev->destroy_cb = destroy_cb;
  dev->ctx_size = ctx_size;
  dev->release_name = intern("spdk_put_io_channel(" + dev->name + ")");
  bool duplicate;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    duplicate = w->devices.count(io_device) != 0;
    if (!duplicate) {
      w->devices[io_device] = dev.get();
      w->all_devices.push_back(std::move(dev));
    }
  }
  if (duplicate) SPDK_ERRLOG("io_device %s already registered\n", name != nullptr ? name : "");
}

void spdk_io_device_unregister(void* io_device, spdk_io_device_unregister_cb unregister_cb) {
  world* w = world_for("spdk_io_device_unregister");
  if (w == nullptr) return;
  spdk_thread* thread = caller_thread(*w, "spdk_io_device_unregister");
  device_state* dev = nullptr;
  bool again = false;
  bool defer = false;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    auto it = w->devices.find(io_device);
    if (it != w->devices.end()) {
      dev = it->second;
      again = dev->pending_unregister;
      if (!again) {
        dev->unregister_cb = unregister_cb;
        dev->unregister_thread = thread;
        defer = dev->for_each_count > 0;
        if (defer) dev->pending_unregister = true;
      }
    }
  }
  if (dev == nullptr)
    misuse("spdk_io_device_unregister: io_device %p is not registered (never registered, or "
           "unregistered already)", io_device);
  if (again)
    misuse("spdk_io_device_unregister(%s): already unregistered (its unregistration waits for "
           "spdk_for_each_channel walks)", dev->name.c_str());
  if (defer) {
    SPDK_WARNLOG("io_device %s has %u for_each calls outstanding\n", dev->name.c_str(),
                 dev->for_each_count);
    return;
  }
  unregister_now(*w, dev, thread);
}

struct spdk_io_channel* spdk_get_io_channel(void* io_device) {
  world* w = world_for("spdk_get_io_channel");
  if (w == nullptr) return nullptr;
  spdk_thread* thread = thread_of_caller(*w);
  if (thread == nullptr) {
    SPDK_ERRLOG("No thread allocated\n");
    return nullptr;
  }
  device_state* dev = nullptr;
  spdk_io_channel* ch = nullptr;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    auto it = w->devices.find(io_device);
    if (it != w->devices.end() && !it->second->pending_unregister) dev = it->second;
    if (dev != nullptr && thread->state.load() != thread_state::exited) {
      auto c = thread->channels.find(dev);
      if (c != thread->channels.end()) {
        ch = c->second;
        ++ch->ref;
        return ch;
      }
      void* mem = ::operator new(sizeof(spdk_io_channel) + dev->ctx_size, std::nothrow);
      if (mem == nullptr) {
        dev = nullptr;
      } else {
        std::memset(mem, 0, sizeof(spdk_io_channel) + dev->ctx_size);
        ch = static_cast<spdk_io_channel*>(mem);
        ch->thread = thread;
        ch->dev = dev;
        ch->ref = 1;
        ch->destroy_cb = dev->destroy_cb;
        thread->channels[dev] = ch;
        ++dev->refcnt;
      }
    }
  }
  if (ch == nullptr) {
    if (thread->state.load() == thread_state::exited)
      SPDK_ERRLOG("Thread %s is marked as exited\n", thread->name.c_str());
    else
      SPDK_ERRLOG("could not find io_device %p\n", io_device);
    return nullptr;
  }
  if (dev->create_cb(dev->io_device, spdk_io_channel_get_ctx(ch)) != 0) {
    {
      std::lock_guard<std::mutex> lock(w->mutex);
      thread->channels.erase(dev);
      --dev->refcnt;
    }
    ::operator delete(static_cast<void*>(ch));
    return nullptr;
  }
  return ch;
}

void spdk_put_io_channel(struct spdk_io_channel* ch) {
  world* w = world_for("spdk_put_io_channel");
  if (w == nullptr) return;
  if (ch == nullptr) misuse("spdk_put_io_channel(NULL)");
  spdk_thread* thread = caller_thread(*w, "spdk_put_io_channel");
  if (ch->thread != thread)
    misuse("spdk_put_io_channel(%s): the channel belongs to thread %s (id %llu), put from "
           "thread %s (id %llu)", ch->dev->name.c_str(), ch->thread->name.c_str(),
           static_cast<unsigned long long>(ch->thread->id), thread->name.c_str(),
           static_cast<unsigned long long>(thread->id));
  bool release = false;
  bool unreferenced;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    unreferenced = ch->ref == 0;
    if (!unreferenced) {
      --ch->ref;
      release = ch->ref == 0;
      if (release) ++ch->destroy_ref;
    }
  }
  if (unreferenced)
    misuse("spdk_put_io_channel(%s): a put without a reference (more puts than gets)",
           ch->dev->name.c_str());
  if (release) send_framework_message(*w, thread, release_channel, ch, ch->dev->release_name,
                                      "spdk_put_io_channel");
}

struct spdk_io_channel* spdk_io_channel_from_ctx(void* ctx) {
  return reinterpret_cast<spdk_io_channel*>(static_cast<uint8_t*>(ctx) -
                                            sizeof(spdk_io_channel));
}

struct spdk_thread* spdk_io_channel_get_thread(struct spdk_io_channel* ch) { return ch->thread; }

void* spdk_io_channel_get_io_device(struct spdk_io_channel* ch) { return ch->dev->io_device; }

int spdk_io_channel_get_ref_count(struct spdk_io_channel* ch) {
  return static_cast<int>(ch->ref);
}

void spdk_for_each_channel(void* io_device, spdk_channel_msg fn, void* ctx,
                           spdk_channel_for_each_cpl cpl) {
  world* w = world_for("spdk_for_each_channel");
  if (w == nullptr) return;
  if (fn == nullptr) misuse("spdk_for_each_channel: no fn given");
  spdk_thread* origin = caller_thread(*w, "spdk_for_each_channel");
  auto* i = new spdk_io_channel_iter{};
  i->io_device = io_device;
  i->fn = fn;
  i->ctx = ctx;
  i->cpl = cpl;
  i->orig_thread = origin;
  i->fn_name = name_of(reinterpret_cast<const void*>(fn));
  i->cpl_name = cpl != nullptr ? name_of(reinterpret_cast<const void*>(cpl))
                               : "spdk_for_each_channel completion";
  bool found_dev;
  bool turn = false;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    auto it = w->devices.find(io_device);
    found_dev = it != w->devices.end();
    if (found_dev) {
      i->dev = it->second;
      if (i->dev->pending_unregister) {
        i->status = -ENODEV;
      } else {
        turn = next_turn(*w, i, 0);
        if (turn) ++i->dev->for_each_count;
      }
    }
  }
  if (!found_dev) {
    delete i;
    misuse("spdk_for_each_channel: io_device %p is not registered", io_device);
  }
  if (i->status != 0) SPDK_ERRLOG("io_device %s has a pending unregister\n", i->dev->name.c_str());
  if (turn) {
    send_framework_message(*w, i->cur_thread, call_channel, i, i->fn_name,
                           "spdk_for_each_channel");
  } else {
    send_framework_message(*w, origin, call_completion, i, i->cpl_name,
                           "spdk_for_each_channel's completion");
  }
}

void* spdk_io_channel_iter_get_io_device(struct spdk_io_channel_iter* i) { return i->io_device; }
struct spdk_io_channel* spdk_io_channel_iter_get_channel(struct spdk_io_channel_iter* i) {
  return i->ch;
}
void* spdk_io_channel_iter_get_ctx(struct spdk_io_channel_iter* i) { return i->ctx; }

void spdk_for_each_channel_continue(struct spdk_io_channel_iter* i, int status) {
  world* w = world_for("spdk_for_each_channel_continue");
  if (w == nullptr) return;
  if (i == nullptr) misuse("spdk_for_each_channel_continue(NULL)");
  spdk_thread* self = thread_of_caller(*w);
  if (!i->turn_open)
    misuse("spdk_for_each_channel_continue: called twice for one turn (or outside a turn) of "
           "the walk over %s", i->dev->name.c_str());
  if (self != i->cur_thread)
    misuse("spdk_for_each_channel_continue: the turn belongs to thread %s, continued from "
           "thread %s", i->cur_thread->name.c_str(), self != nullptr ? self->name.c_str() : "(none)");
  i->turn_open = false;
  i->status = status;
  device_state* dev = i->dev;
  bool turn = false;
  bool unregister_next;
  spdk_thread* unregister_thread;
  {
    std::lock_guard<std::mutex> lock(w->mutex);
    if (status == 0) turn = next_turn(*w, i, i->cur_index + 1);
    if (!turn) {
      --dev->for_each_count;
      i->ch = nullptr;
    }
    unregister_next = !turn && dev->pending_unregister && dev->for_each_count == 0;
    unregister_thread = dev->unregister_thread;
  }
  if (turn) {
    send_framework_message(*w, i->cur_thread, call_channel, i, i->fn_name,
                           "spdk_for_each_channel");
    return;
  }
  send_framework_message(*w, i->orig_thread, call_completion, i, i->cpl_name,
                         "spdk_for_each_channel's completion");
  if (unregister_next)
    send_framework_message(*w, unregister_thread, pending_unregister, dev,
                           intern("spdk_io_device_unregister(" + dev->name + ")"),
                           "spdk_io_device_unregister");
}

}  // extern "C"
