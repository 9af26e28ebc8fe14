#include "nnrecipe/interrupt.h"

#include <csignal>

namespace nnrecipe {
namespace {

// Written by the signal handler: a lock-free atomic int is async-signal-safe.
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_interrupt(int signal_number) {
  if (g_signal != 0) {
    // The second signal: stop now, as if no handler had been installed.
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  g_signal = signal_number;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking wait (waitpid for tune's workers) returns
  // EINTR and sees the flag.
  action.sa_flags = 0;
  for (int signal_number : {SIGINT, SIGTERM}) {
    // A signal the parent set to be ignored stays ignored (a shell starts
    // background jobs with SIGINT ignored, so that Ctrl-C spares them).
    struct sigaction old {};
    sigaction(signal_number, nullptr, &old);
    if (old.sa_handler == SIG_IGN) continue;
    sigaction(signal_number, &action, nullptr);
  }
}

bool interrupt_requested() { return g_signal != 0; }

std::string interrupt_name() {
  switch (g_signal) {
    case 0: return "";
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "interrupt";
  }
}

void request_interrupt(int signal_number) { g_signal = signal_number; }

void clear_interrupt() { g_signal = 0; }

}  // namespace nnrecipe
