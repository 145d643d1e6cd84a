// Subcommands of the `sluice` binary. Each registers its flags on the CLI11 app and returns the
// function that runs it; main() only parses and dispatches. Commands print results to stdout,
// diagnostics to stderr, and return the process exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace sluice::cli {

using Runner = std::function<int()>;

Runner add_sim_command(CLI::App& app);
Runner add_up_command(CLI::App& app);
Runner add_bench_command(CLI::App& app);
Runner add_gateway_command(CLI::App& app);
Runner add_cel_command(CLI::App& app);
Runner add_dra_command(CLI::App& app);
Runner add_epp_command(CLI::App& app);

}  // namespace sluice::cli
