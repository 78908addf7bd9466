#include "uncaught_exception.hpp"

#include "../trace/function_names.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

namespace lockstep::core {
namespace {

// Per thread: a simulation runs on its thread, every lcore fails on its own. The failure path
// leaves the unit's frames without unwinding them, so the text may live nowhere in them.
thread_local std::string t_text;

}  // namespace

void note_uncaught_exception() noexcept {
  try {
    throw;
  } catch (const std::exception& e) {
    t_text = "uncaught exception: ";
    t_text += e.what();
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    if (type == nullptr) {
      t_text = "uncaught exception of unknown type";
      return;
    }
    int status = 0;
    char* readable = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
    t_text = "uncaught exception of type ";
    t_text += status == 0 && readable != nullptr ? readable : type->name();
    std::free(readable);
  }
}

const char* uncaught_exception_text(const char* unit, const char* spelled,
                                    const void* fn) noexcept {
  t_text += " [thrown by the ";
  t_text += unit;
  t_text += " function ";
  t_text += trace::traced_name(spelled, fn);
  t_text += "]";
  return t_text.c_str();
}

const char* uncaught_exception_text_in(const char* where) noexcept {
  t_text += " [thrown by ";
  t_text += where;
  t_text += "]";
  return t_text.c_str();
}

}  // namespace lockstep::core
