// run_sim: an SPDK-style start function as the first event of a simulation.
#include <lockstep/spdk_compat.hpp>

#include "log_level.hpp"
#include "thread_world.hpp"

namespace lockstep::spdk_compat {

sim::result run_sim(const sim::options& opts, spdk_msg_fn start_fn, void* ctx,
                    const sim_log& log) {
  // The print level belongs to this thread for the run: parallel explorations stay quiet, and
  // the process's level (spdk_log_set_print_level) is left as it was.
  detail::thread_print_level level(log.print_level);
  // SPDK code keeps per-core state in __thread variables (as on DPDK lcores): each core runs on
  // a thread of its own unless the options say otherwise, at the same print level.
  sim::options o = opts;
  if (!o.thread_per_core) o.thread_per_core = true;
  if (*o.thread_per_core) {
    o.core_thread_setup = [setup = std::move(o.core_thread_setup), print_level = log.print_level] {
      detail::set_thread_print_level(print_level);  // the thread ends with the run
      if (setup) setup();
    };
  }
  if (start_fn == nullptr) return sim::run(o, {});  // sim::run names the empty start
  return sim::run(o, [start_fn, ctx] {
    detail::current_world()->one_unit_at_a_time.store(true, std::memory_order_relaxed);
    start_fn(ctx);
  });
}

}  // namespace lockstep::spdk_compat
