// `sluice up`: the embedded default. Today a simulated GPU fleet (4 endpoints, 2 base models, one
// of them with 2 LoRA adapters); the gateway joins it in front of the fleet in a later release.
#include "cli/commands.h"
#include "cli/sim_flags.h"
#include "sim/server/sim_options.h"

#include <iostream>
#include <memory>

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
                  const std::vector<std::uint16_t>& ports, const std::string& profile) {
  std::cout << "sluice up: simulated GPU fleet is ready (profile " << profile << ")\n\n";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    std::cout << "  endpoint " << i << "  http://" << host << ':' << ports[i] << "  "
              << fleet[i].models.front();
    for (const auto& lora : fleet[i].loras) {
      std::cout << " +" << lora.name;
    }
    std::cout << "\n";
  }
  const std::string url = "http://" + host + ':' + std::to_string(ports.front());
  std::cout << "\nTry it:\n"
            << "  curl " << url << "/v1/models\n"
            << "  curl -N " << url
            << "/v1/chat/completions -H 'content-type: application/json' -d '{\"model\":\""
            << kLlama
            << "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}],\"max_tokens\":20,"
               "\"stream\":true}'\n"
            << "  curl " << url
            << "/v1/completions -H 'content-type: application/json' -d "
               "'{\"model\":\"sql-lora\",\"prompt\":\"SELECT\",\"max_tokens\":8}'\n"
            << "  curl " << url << "/metrics\n"
            << "\nPress Ctrl-C to stop.\n"
            << std::flush;
}

}  // namespace

Runner add_up_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "up",
      "Start the embedded default on this machine: a simulated GPU fleet of 4 vLLM-compatible "
      "endpoints (Llama-3.1-8B with LoRA adapters sql-lora and food-review on two, Mistral-7B on "
      "two), ready for curl and benchmarks.");
  auto flags = std::make_shared<SimFlags>();
  cmd->add_option("--host", flags->host, "address to listen on")->capture_default_str();
  cmd->add_option("--port", flags->port, "port of endpoint 0 (endpoint i uses port+i; 0 = any)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65532));
  add_engine_flags(*cmd, *flags);
  return [flags]() -> int {
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
    options->on_ready = [fleet, host, profile](const std::vector<std::uint16_t>& ports) {
      print_banner(host, fleet, ports, profile);
    };
    const Status status = sim::run_sim(std::move(*options));
    if (!status.ok()) {
      std::cerr << "sluice up: " << status.error().message << "\n";
      return 1;
    }
    return 0;
  };
}

}  // namespace sluice::cli
