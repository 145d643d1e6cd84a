// The `sluice` binary: parses the command line and runs one subcommand.
#include "cli/commands.h"
#include "core/fd_limit.h"
#include "core/log.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
  CLI::App app{
      "Sluice: the AI-serving layer for Kubernetes (inference gateway, endpoint picker, "
      "model-server "
      "simulator, load benchmark, DRA allocator) in one binary."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sluice 0.1.0");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off (logs go to stderr)")
      ->capture_default_str();

  // Each subcommand registers its flags and hands back how to run it.
  const std::vector<std::pair<const char*, sluice::cli::Runner>> commands = {
      {"sim", sluice::cli::add_sim_command(app)},
      {"up", sluice::cli::add_up_command(app)},
      {"bench", sluice::cli::add_bench_command(app)},
      {"gateway", sluice::cli::add_gateway_command(app)},
      {"cel", sluice::cli::add_cel_command(app)},
      {"dra", sluice::cli::add_dra_command(app)},
      {"epp", sluice::cli::add_epp_command(app)},
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message; every usage error exits 2 (--help and --version exit 0).
    return app.exit(e) == 0 ? 0 : 2;
  }
  // Thousands of connections (bench streams, sim replicas, gateway upstreams) need descriptors.
  sluice::raise_fd_limit();
  // A closed pipe (an access log piped into `head`, say) must fail the write with EPIPE, which the
  // writer handles, instead of killing the process.
  std::signal(SIGPIPE, SIG_IGN);
  if (!sluice::log::set_level(log_level)) {
    std::cerr << "sluice: unknown --log-level '" << log_level << "'\n";
    return 2;
  }
  try {
    for (const auto& [name, run] : commands) {
      if (app.get_subcommand(name)->parsed()) {
        return run();
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "sluice: fatal: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
