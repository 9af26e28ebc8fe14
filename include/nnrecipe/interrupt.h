#pragma once
/// @file
/// @brief Graceful interrupt: SIGINT (Ctrl-C) or SIGTERM asks the long commands to stop soon and keep their work.
///
/// As Lightning and AutoGluon do, the first signal only sets a flag that the
/// trainer checks at every step and the recipe's budget at every decision; a
/// second one ends the process at once (the default action), for when stopping
/// gracefully takes too long.
///
/// @code
/// nnrecipe::install_interrupt_handlers();
/// for (int64_t step = 0; step < steps && !nnrecipe::interrupt_requested(); ++step) train_one_step();
/// if (nnrecipe::interrupt_requested()) std::cerr << "stopped by " << nnrecipe::interrupt_name() << "\n";
/// @endcode
#include <string>

namespace nnrecipe {

/// Installs the SIGINT and SIGTERM handlers (idempotent).
void install_interrupt_handlers();

/// True once SIGINT or SIGTERM arrived (or request_interrupt was called).
bool interrupt_requested();

/// "SIGINT" or "SIGTERM" (or "interrupt" when requested in-process); "" if none.
std::string interrupt_name();

/// Sets the flag as a signal would (tests, embedding applications).
void request_interrupt(int signal_number);

/// Clears the flag (tests).
void clear_interrupt();

}  // namespace nnrecipe
