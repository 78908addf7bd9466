// Function names for traces: a trace says `send_result_to_origin`, not an address.
//
// Names come from the symbol table of the module (executable or shared library) that holds the
// function: the ELF .symtab, which lists static functions too, read once per module and cached
// for the life of the process; then the dynamic linker (dladdr); then "fn@<module>+0x<offset>",
// which is at least stable across processes of one build, unlike an address.
// Threading: callable from any thread (the cache is guarded by a mutex). The lookup reads files
// and takes a lock, never a decision: it cannot change a simulated schedule.
#pragma once

#include <string>

namespace lockstep::trace {

// The readable name of the function at `fn`: demangled, without its parameter list and without
// "(anonymous namespace)::" (e.g. "cross_core::handlers::complete_task").
std::string function_name(const void* fn);

// The name a trace records for an event or poller function: `spelled` (what the caller passed to
// LOCKSTEP_EVENT_ALLOCATE, a leading '&' dropped) when given, else function_name(fn).
std::string traced_name(const char* spelled, const void* fn);

// A demangled C++ name (or a plain C name) cut down for a trace label: the parameter list and
// "(anonymous namespace)::" removed. Exposed for tests.
std::string readable_symbol(const char* symbol);

}  // namespace lockstep::trace
