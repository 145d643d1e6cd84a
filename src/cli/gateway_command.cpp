// `sluice gateway`: the inference gateway. This first version is the quick start of issue #4:
// --endpoint URLs, models discovered from each endpoint, least-in-flight routing per model.
#include "cli/commands.h"
#include "gateway/gateway_server.h"

#include <iostream>
#include <memory>

namespace sluice::cli {

Runner add_gateway_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "gateway",
      "OpenAI-compatible inference gateway: routes each request by its model (base or LoRA "
      "adapter) to the least-loaded endpoint serving it, streams answers through, retries the "
      "next endpoint when one fails before answering.");
  cmd->footer(
      "Examples:\n"
      "  sluice gateway --port 8080 --endpoint http://127.0.0.1:8000 --endpoint "
      "http://127.0.0.1:8001\n"
      "Each endpoint's /v1/models is read at start; GET /v1/models on the gateway lists them all.");
  auto options = std::make_shared<gateway::GatewayOptions>();
  auto host = std::make_shared<std::string>("0.0.0.0");
  auto port = std::make_shared<int>(8080);
  auto workers = std::make_shared<std::size_t>(1);
  auto timeout_s = std::make_shared<double>(600);
  cmd->add_option("--host", *host, "address to listen on")->capture_default_str();
  cmd->add_option("--port", *port, "port to listen on (0 picks a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--endpoint", options->endpoints,
                  "model server base URL, e.g. http://127.0.0.1:8000 (repeatable)")
      ->required();
  cmd->add_option("--workers", *workers, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--max-attempts", options->max_attempts,
                  "endpoints tried per request (retries happen only before any byte was relayed)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));
  cmd->add_option("--timeout", *timeout_s, "per-request upstream timeout in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return [options, host, port, workers, timeout_s]() -> int {
    options->host = *host;
    options->port = static_cast<std::uint16_t>(*port);
    options->workers = *workers;
    options->request_timeout = from_seconds(*timeout_s);
    const std::string shown_host = *host == "0.0.0.0" ? "127.0.0.1" : *host;
    options->on_ready = [shown_host](std::uint16_t bound) {
      std::cout << "sluice gateway: listening on http://" << shown_host << ':' << bound << "\n"
                << std::flush;
    };
    const Status status = gateway::run_gateway(*options);
    if (!status.ok()) {
      std::cerr << "sluice gateway: " << status.error().message << "\n";
      return 1;
    }
    return 0;
  };
}

}  // namespace sluice::cli
