// `sluice gateway`: the inference gateway, from a YAML configuration (--config) or the quick
// start (--endpoint URL ...: one pool, models discovered from the endpoints).
#include "cli/commands.h"
#include "config/loader.h"
#include "gateway/gateway_server.h"

#include <iostream>
#include <memory>

namespace sluice::cli {
namespace {

void print_summary(const config::GatewayConfig& cfg) {
  std::cout << "configuration OK: " << cfg.pools.size() << " pool(s), " << cfg.models.size()
            << " model route(s), " << cfg.objectives.size() << " objective(s), "
            << cfg.rewrites.size() << " rewrite rule(s), " << cfg.picker_configs.size()
            << " picker config(s)\n";
  for (const config::InferencePool& p : cfg.pools) {
    std::cout << "  pool " << p.name << ": " << p.endpoints.size() << " endpoint(s)";
    for (const config::PoolEndpoint& e : p.endpoints) {
      std::cout << ' ' << e.address();
    }
    std::cout << "\n";
  }
}

}  // namespace

Runner add_gateway_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "gateway",
      "OpenAI-compatible inference gateway: routes each request by model, LoRA adapter, endpoint "
      "health, queue depth, KV-cache load and prompt-prefix locality to a pool of model servers, "
      "streams answers through, retries the next endpoint when one fails before answering, sheds "
      "sheddable requests when a pool is saturated, and serves /metrics.");
  cmd->footer(
      "Examples:\n"
      "  sluice gateway --config examples/gateway/multi_pool.yaml\n"
      "  sluice gateway --config gateway.yaml --check      # validate and exit\n"
      "  sluice gateway --port 8080 --endpoint http://127.0.0.1:8000 --endpoint "
      "http://127.0.0.1:8001\n"
      "The configuration format is in docs/gateway.md. With --endpoint, every model each "
      "endpoint lists in /v1/models is routed, with the default scheduling profile.");
  auto options = std::make_shared<gateway::GatewayOptions>();
  auto config_files = std::make_shared<std::vector<std::string>>();
  auto endpoints = std::make_shared<std::vector<std::string>>();
  auto host = std::make_shared<std::string>();
  auto port = std::make_shared<int>(-1);
  auto timeout_s = std::make_shared<double>(3600);
  auto check = std::make_shared<bool>(false);
  cmd->add_option("--config,-c", *config_files,
                  "YAML configuration file (repeatable: the files form one configuration)");
  cmd->add_option("--endpoint", *endpoints,
                  "quick start without a config: model server base URL, e.g. "
                  "http://127.0.0.1:8000 (repeatable)");
  cmd->add_option("--host", *host, "address to listen on (default: the config's, else 0.0.0.0)");
  cmd->add_option("--port", *port,
                  "port to listen on (default: the config's, else 8080; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--workers", options->workers, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--access-log", options->access_log,
                  "write one JSON line per request to this file ('-' = stdout)");
  cmd->add_option("--timeout", *timeout_s,
                  "bound on a whole upstream exchange in seconds (the config's connect, "
                  "first-byte and stream-idle timeouts apply within it)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--check", *check, "validate the configuration, print a summary and exit");
  return [options, config_files, endpoints, host, port, timeout_s, check]() -> int {
    if (config_files->empty() == endpoints->empty()) {
      std::cerr << "sluice gateway: give either --config FILE or --endpoint URL (see --help)\n";
      return 2;
    }
    auto cfg = config_files->empty() ? gateway::quick_start_config(*endpoints)
                                     : config::load_gateway_config(*config_files);
    if (!cfg.ok()) {
      std::cerr << "sluice gateway: " << cfg.error().message << "\n";
      return 2;
    }
    options->config = std::make_shared<const config::GatewayConfig>(std::move(*cfg));
    if (*check) {
      if (const Status valid = gateway::check_config(options->config); !valid.ok()) {
        std::cerr << "sluice gateway: " << valid.error().message << "\n";
        return 2;
      }
      print_summary(*options->config);
      return 0;
    }
    if (!host->empty()) options->host = *host;
    if (*port >= 0) options->port = static_cast<std::uint16_t>(*port);
    options->request_timeout = from_seconds(*timeout_s);
    const std::string listen = options->host.value_or(options->config->gateway.listen_address);
    const std::string shown_host = listen == "0.0.0.0" ? "127.0.0.1" : listen;
    options->on_ready = [shown_host](std::uint16_t bound) {
      std::cout << "sluice gateway: listening on http://" << shown_host << ':' << bound << "\n"
                << std::flush;
    };
    const Status status = gateway::run_gateway(*options);
    if (!status.ok()) {
      std::cerr << "sluice gateway: " << status.error().message << "\n";
      return status.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
    }
    return 0;
  };
}

}  // namespace sluice::cli
