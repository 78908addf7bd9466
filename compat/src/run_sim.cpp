// run_sim: an SPDK-style start function as the first event of a simulation.
#include <lockstep/spdk_compat.hpp>

#include "log_level.hpp"

namespace lockstep::spdk_compat {

sim::result run_sim(const sim::options& opts, spdk_msg_fn start_fn, void* ctx,
                    const sim_log& log) {
  // The print level belongs to this thread for the run: parallel explorations stay quiet, and
  // the process's level (spdk_log_set_print_level) is left as it was.
  detail::thread_print_level level(log.print_level);
  if (start_fn == nullptr) return sim::run(opts, {});  // sim::run names the empty start
  return sim::run(opts, [start_fn, ctx] { start_fn(ctx); });
}

}  // namespace lockstep::spdk_compat
