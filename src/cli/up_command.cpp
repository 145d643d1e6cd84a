// `sluice up`: the embedded default. A simulated GPU fleet (4 endpoints, 2 base models, one of
// them with 2 LoRA adapters) and the gateway in front of it on :8080, in one process: the fleet
// runs on its own thread, the gateway on the main thread; Ctrl-C stops both.
#include "cli/commands.h"
#include "cli/sim_flags.h"
#include "cli/up_config.h"
#include "gateway/gateway_server.h"
#include "sim/server/sim_options.h"

#include <atomic>
#include <csignal>
#include <future>
#include <iostream>
#include <memory>
#include <thread>

namespace sluice::cli {
namespace {

constexpr const char* kLlama = "meta-llama/Llama-3.1-8B-Instruct";
constexpr const char* kMistral = "mistralai/Mistral-7B-Instruct-v0.3";

std::vector<sim::ReplicaSpec> default_fleet(int base_port) {
  auto port = [base_port](int i) {
    return base_port == 0 ? std::uint16_t{0} : static_cast<std::uint16_t>(base_port + i);
  };
  const std::vector<sim::LoraSpec> llama_adapters = {{"sql-lora", kLlama}, {"food-review", kLlama}};
  return {
      {port(0), {kLlama}, llama_adapters},
      {port(1), {kLlama}, llama_adapters},
      {port(2), {kMistral}, {}},
      {port(3), {kMistral}, {}},
  };
}

void print_banner(const std::string& host, const std::vector<sim::ReplicaSpec>& fleet,
                  const std::vector<std::uint16_t>& ports, const std::string& profile,
                  std::uint16_t gateway_port) {
  std::cout << "sluice up: simulated GPU fleet (profile " << profile
            << ") behind the gateway (configuration: sluice up --print-config)\n\n";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    std::cout << "  endpoint " << i << "  http://" << host << ':' << ports[i] << "  "
              << fleet[i].models.front();
    for (const auto& lora : fleet[i].loras) {
      std::cout << " +" << lora.name;
    }
    std::cout << "\n";
  }
  const std::string url = "http://" + host + ':' + std::to_string(gateway_port);
  std::cout << "  gateway     " << url << "  routes by model and adapter to the endpoints above\n"
            << "\nTry it:\n"
            << "  curl " << url << "/v1/models\n"
            << "  curl -N " << url
            << "/v1/chat/completions -H 'content-type: application/json' -d '{\"model\":\""
            << kLlama
            << "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}],\"max_tokens\":20,"
               "\"stream\":true}'\n"
            << "  curl " << url
            << "/v1/completions -H 'content-type: application/json' -d "
               "'{\"model\":\"sql-lora\",\"prompt\":\"SELECT\",\"max_tokens\":8}'\n"
            << "  sluice bench --url " << url << " --model " << kMistral
            << " --rate 20 --duration 10 --report-dir bench-out\n"
            << "\nPress Ctrl-C to stop.\n"
            << std::flush;
}

}  // namespace

Runner add_up_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "up",
      "Start the embedded default on this machine: a simulated GPU fleet of 4 vLLM-compatible "
      "endpoints (Llama-3.1-8B with LoRA adapters sql-lora and food-review on two, Mistral-7B on "
      "two) and the gateway in front of it on :8080, ready for curl and sluice bench.");
  auto flags = std::make_shared<SimFlags>();
  cmd->add_option("--host", flags->host, "address to listen on")->capture_default_str();
  auto gateway_port = std::make_shared<int>(8080);
  cmd->add_option("--port", *gateway_port, "gateway port (0 = any)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--fleet-port", flags->port,
                  "port of endpoint 0 (endpoint i uses port+i; 0 = any)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65532));
  auto print_config = std::make_shared<bool>(false);
  cmd->add_flag("--print-config", *print_config,
                "print the embedded gateway configuration (YAML) and exit");
  add_engine_flags(*cmd, *flags);
  return [flags, gateway_port, print_config]() -> int {
    if (*print_config) {
      std::cout << up_config_yaml();
      return 0;
    }
    if (flags->list_profiles) {
      print_profiles(std::cout);
      return 0;
    }
    auto options = build_sim_options(*flags);
    if (!options.ok()) {
      std::cerr << "sluice up: " << options.error().message << "\n";
      return 2;
    }
    options->replicas = default_fleet(flags->port);
    const auto fleet = options->replicas;
    const std::string host = options->host;
    const std::string profile = options->engine.profile.name;

    // The fleet starts first (its own thread); the gateway then discovers it.
    std::promise<std::vector<std::uint16_t>> fleet_ready;
    std::atomic<bool> ready_reported{false};
    options->on_ready = [&](const std::vector<std::uint16_t>& ports) {
      if (!ready_reported.exchange(true)) fleet_ready.set_value(ports);
    };
    Status fleet_status;
    std::thread fleet_thread([&] {
      fleet_status = sim::run_sim(std::move(*options));
      if (!ready_reported.exchange(true)) fleet_ready.set_value({});  // failed before ready
    });
    const std::vector<std::uint16_t> ports = fleet_ready.get_future().get();
    if (ports.empty()) {
      fleet_thread.join();
      std::cerr << "sluice up: " << fleet_status.error().message << "\n";
      return 1;
    }
    gateway::GatewayOptions gw;
    gw.host = host;
    gw.port = static_cast<std::uint16_t>(*gateway_port);
    auto config = up_config(host, ports);
    if (!config.ok()) {
      std::cerr << "sluice up: " << config.error().message << "\n";
      std::raise(SIGTERM);
      fleet_thread.join();
      return 1;
    }
    gw.config = std::make_shared<const config::GatewayConfig>(std::move(*config));
    gw.on_ready = [&](std::uint16_t bound) { print_banner(host, fleet, ports, profile, bound); };
    const Status gateway_status = gateway::run_gateway(std::move(gw));
    if (!gateway_status.ok()) {
      std::cerr << "sluice up: " << gateway_status.error().message << "\n";
      std::raise(SIGTERM);  // stops the fleet, which listens for it
    }
    fleet_thread.join();
    if (!gateway_status.ok() || !fleet_status.ok()) {
      return 1;
    }
    return 0;
  };
}

}  // namespace sluice::cli
