// `sluice epp`: the Endpoint Picker for Envoy-based Kubernetes gateways (Gateway API Inference
// Extension protocol over ext_proc), from the same configuration as `sluice gateway`.
#include "cli/commands.h"
#include "config/loader.h"
#include "extproc/epp_server.h"
#include "gateway/gateway_server.h"

#include <iostream>
#include <memory>

namespace sluice::cli {

Runner add_epp_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "epp",
      "Endpoint Picker for Envoy (Inference Gateway protocol over ext_proc gRPC): picks the "
      "model server for each request with the gateway's routing, answers "
      "x-gateway-destination-endpoint, serves gRPC health and /metrics.");
  cmd->footer(
      "Examples:\n"
      "  sluice epp --config examples/gateway/llm_d_picker.yaml\n"
      "  sluice epp --endpoint http://10.0.0.5:8000 --endpoint http://10.0.0.6:8000\n"
      "Envoy wiring (ext_proc filter, ORIGINAL_DST cluster, health check): deploy/envoy/ and "
      "docs/epp.md. The configuration format is the gateway's (docs/gateway.md).");
  auto options = std::make_shared<extproc::EppOptions>();
  auto config_files = std::make_shared<std::vector<std::string>>();
  auto endpoints = std::make_shared<std::vector<std::string>>();
  auto grpc_port = std::make_shared<int>(9002);
  auto health_port = std::make_shared<int>(9003);
  auto metrics_port = std::make_shared<int>(9090);
  cmd->add_option("--config,-c", *config_files,
                  "YAML configuration file, as for `sluice gateway` (repeatable)");
  cmd->add_option("--endpoint", *endpoints,
                  "quick start without a config: model server base URL (repeatable)");
  cmd->add_option("--host", options->host, "address to listen on")->capture_default_str();
  cmd->add_option("--pool", options->pool,
                  "the InferencePool this EPP picks for: every request goes to its endpoints "
                  "(default: each request to the pool of its model, as the gateway routes)");
  cmd->add_option("--workers", options->workers,
                  "threads serving ext_proc and /metrics (Envoy's connections are spread over "
                  "them)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--busy-poll", options->busy_poll,
                "workers poll for requests instead of sleeping: the lowest latency, for a whole "
                "core per worker (give the EPP dedicated CPUs)");
  cmd->add_option("--grpc-port", *grpc_port, "ext_proc gRPC port (0 picks a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--health-port", *health_port, "gRPC health port (0 picks a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--metrics-port", *metrics_port, "Prometheus /metrics port (0 picks a free one)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  return [options, config_files, endpoints, grpc_port, health_port, metrics_port]() -> int {
    if (config_files->empty() == endpoints->empty()) {
      std::cerr << "sluice epp: give either --config FILE or --endpoint URL (see --help)\n";
      return 2;
    }
    auto cfg = config_files->empty() ? gateway::quick_start_config(*endpoints)
                                     : config::load_gateway_config(*config_files);
    if (!cfg.ok()) {
      std::cerr << "sluice epp: " << cfg.error().message << "\n";
      return 2;
    }
    options->config = std::make_shared<const config::GatewayConfig>(std::move(*cfg));
    options->ports = {static_cast<std::uint16_t>(*grpc_port),
                      static_cast<std::uint16_t>(*health_port),
                      static_cast<std::uint16_t>(*metrics_port)};
    options->on_ready = [](const extproc::EppPorts& p) {
      std::cout << "sluice epp: ext_proc on port " << p.grpc << ", health on port " << p.health
                << ", metrics on port " << p.metrics << "\n"
                << std::flush;
    };
    const Status status = extproc::run_epp(*options);
    if (!status.ok()) {
      std::cerr << "sluice epp: " << status.error().message << "\n";
      return status.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
    }
    return 0;
  };
}

}  // namespace sluice::cli
