// The failure text of a unit (an event's or a poller's function) that an exception left.
//
// The reactor calls units from noexcept code: an exception leaving one would otherwise end the
// whole process in std::terminate, with nothing said about the run. The reactor catches it
// where it calls the unit, describes it here, leaves the catch block, and fails the run with
// the text (core::scheduling::unit_threw): in the simulator that run ends as failed, on the
// real backend the process aborts with the message.
#pragma once

namespace lockstep::core {

// Call inside a catch block only: records what is being handled in the calling thread's text —
// "uncaught exception: <what()>" for a std::exception, "uncaught exception of type <T>" for
// any other type (or "of unknown type" for an exception of another language).
void note_uncaught_exception() noexcept;

// Appends where the exception was thrown, " [thrown by the event function NAME]" (or "poller
// function"; NAME as traces name it: `spelled` when given, else the symbol of `fn`), and
// returns the calling thread's text, valid until the next note on this thread.
const char* uncaught_exception_text(const char* unit, const char* spelled,
                                    const void* fn) noexcept;

// As uncaught_exception_text, for code that is not a unit: appends " [thrown by WHERE]".
const char* uncaught_exception_text_in(const char* where) noexcept;

}  // namespace lockstep::core
