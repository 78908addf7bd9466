// lockstep::spdk_app_sim: linking this object into a program makes its spdk_app_start run in
// the simulator (see docs/spdk_compat.md, "SPDK programs in the simulator"). It is an object,
// not an archive member, so that it is always linked: nothing in the program refers to it.
#include <lockstep/spdk_compat.hpp>

namespace {

[[maybe_unused]] const bool selected = [] {
  lockstep::spdk_compat::set_app_backend(lockstep::spdk_compat::app_backend::sim);
  return true;
}();

}  // namespace
