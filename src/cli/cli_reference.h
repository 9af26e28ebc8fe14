#pragma once
// docs/cli.md, generated from the parser itself (`nnrecipe --cli-reference`),
// so the reference cannot drift from what the commands accept; a test
// compares the two.
#include <CLI/CLI.hpp>

#include <string>

namespace nnrecipe::cli {

/// Every visible command: its one-line summary, its details, usage and a
/// table of its options; then the global options and the exit codes.
std::string cli_reference_markdown(const CLI::App& app);

}  // namespace nnrecipe::cli
