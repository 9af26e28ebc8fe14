// The nnrecipe executable: parses the command line, sets up the runtime and
// dispatches to a command. Every error ends here as one message on stderr:
// exit code 2 for bad input or usage, 3 for a failure that is not the
// input's (the system's, or a bug: "internal error ... please report"); no
// stack traces, no aborts.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <new>
#include <string>

#include "cli/cli_reference.h"
#include "cli/commands.h"
#include "cli/common_options.h"
#include "nnrecipe/error.h"
#include "nnrecipe/parallel.h"
#include "nnrecipe/progress.h"
#include "nnrecipe/runtime.h"

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void print_version() {
  fmt::print("nnrecipe {}\n", nnrecipe::nnrecipe_version());
  fmt::print("  LibTorch {}\n", nnrecipe::torch_version());
  fmt::print("  xgboost  {}\n", nnrecipe::xgboost_version());
  fmt::print("  BLAS     {}\n", nnrecipe::blas_info());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nnrecipe::cli;
  CLI::App app{
      "nnrecipe: the recipe for training neural networks, automated, and loud when training is silently wrong.",
      "nnrecipe"};
  app.set_help_all_flag("--help-all", "Show the help of every command");
  GlobalOptions& global = global_options();
  app.add_option("--threads", global.threads,
                 "Threads for parsing and LibTorch (default: train.threads, else the cores available)")
      ->check(CLI::NonNegativeNumber)
      ->default_str("cores");
  app.add_flag("--quiet", global.quiet,
               "Print only the result, the findings and errors: no progress or per-epoch lines");
  bool cli_reference = false;
  app.add_flag("--cli-reference", cli_reference, "Print the reference of every command as Markdown (docs/cli.md)")
      ->group("");  // hidden: for the docs
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version and the LibTorch, xgboost and BLAS it runs on");
  app.fallthrough();  // global options are accepted after the command too
  app.footer(std::string("\nExit codes: ") + kExitCodesHelp +
             "\n\nExamples:\n"
             "  nnrecipe run examples/data/credit_data.csv --target Status --budget 10\n"
             "  nnrecipe inspect examples/data/credit_data.csv --target Status\n"
             "  nnrecipe inspect /usr/share/datasets/fashion-mnist --json schema.json\n"
             "  nnrecipe <command> --help      options of one command");

  // Each command registers itself; remember which subcommand runs what.
  std::map<CLI::App*, CommandRunner> commands;
  for (auto add : {add_run_command, add_inspect_command, add_config_command, add_train_command, add_predict_command,
                   add_baseline_command, add_check_command, add_checks_command, add_tune_command,
                   add_tune_trial_command, add_prune_command}) {
    CommandRunner run = add(app);
    commands[app.get_subcommands({}).back()] = std::move(run);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }

  if (cli_reference) {
    std::cout << cli_reference_markdown(app);
    return kExitOk;
  }
  if (global.quiet) nnrecipe::ProgressLine::turn_off();
  if (show_version) {
    print_version();
    return kExitOk;
  }
  const auto chosen = app.get_subcommands();
  if (chosen.empty()) {
    std::cerr << app.help() << "\nnrecipe: error: no command given\n";
    return kExitBadInput;
  }

  try {
    nnrecipe::keep_freed_memory();
    nnrecipe::configure_threads(global.threads);
    return commands.at(chosen.front())();
  } catch (const nnrecipe::InputError& e) {
    std::cerr << "nnrecipe: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const nnrecipe::SystemError& e) {
    std::cerr << "nnrecipe: error: " << e.what() << "\n";
  } catch (const std::bad_alloc&) {
    std::cerr << "nnrecipe: error: out of memory\n";
  } catch (const std::exception& e) {
    // Anything else is a bug of ours (LibTorch's and xgboost's errors on
    // input we validated included). LibTorch appends a stack trace to its
    // messages: the first line says what happened.
    std::cerr << "nnrecipe: internal error: " << first_line(e.what()) << "\nPlease report it with the command line "
              << "and `nnrecipe --version`.\n";
  }
  return kExitFailure;
}
