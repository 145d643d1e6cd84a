// `sluice sim`: run one or more vLLM-compatible simulated model servers.
#include "cli/commands.h"
#include "cli/sim_flags.h"
#include "sim/server/sim_options.h"

#include <iostream>
#include <memory>

namespace sluice::cli {

Runner add_sim_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "sim",
      "Run a vLLM-compatible model-server simulator: OpenAI API, vLLM metrics, continuous "
      "batching, "
      "KV cache with prefix caching, LoRA slots, failure injection. No GPU needed.");
  cmd->footer(
      "Examples:\n"
      "  sluice sim --port 8000 --model meta-llama/Llama-3.1-8B-Instruct\n"
      "  sluice sim --model base --lora sql=base --max-loras 2 --replicas 4\n"
      "  sluice sim --model m --profile fixed --ttft-ms 20 --itl-ms 5\n"
      "  curl -N localhost:8000/v1/chat/completions -H 'content-type: application/json' \\\n"
      "    -d '{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
      "\"stream\":true}'");
  auto flags = std::make_shared<SimFlags>();
  flags->host = "0.0.0.0";
  cmd->add_option("--host", flags->host, "address to listen on")->capture_default_str();
  cmd->add_option("--port", flags->port, "port of the first replica (replica i uses port+i)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--model", flags->models, "served base model name (repeatable)");
  cmd->add_option("--lora", flags->loras,
                  "preloaded LoRA adapter NAME=PARENT (repeatable; PARENT defaults to the first "
                  "--model)");
  cmd->add_option("--replicas", flags->replicas,
                  "independent simulated servers on consecutive ports, in this one process")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  add_engine_flags(*cmd, *flags);
  return [cmd, flags]() -> int {
    if (flags->list_profiles) {
      print_profiles(std::cout);
      return 0;
    }
    if (flags->models.empty()) {
      std::cerr << "sluice sim: at least one --model is required\n" << cmd->help();
      return 2;
    }
    auto options = build_sim_options(*flags);
    if (!options.ok()) {
      std::cerr << "sluice sim: " << options.error().message << "\n";
      return 2;
    }
    auto loras = parse_loras(flags->loras, flags->models);
    if (!loras.ok()) {
      std::cerr << "sluice sim: " << loras.error().message << "\n";
      return 2;
    }
    if (flags->port != 0 && flags->port + flags->replicas - 1 > 65535) {
      std::cerr << "sluice sim: --port + --replicas runs past port 65535\n";
      return 2;
    }
    for (int i = 0; i < flags->replicas; ++i) {
      sim::ReplicaSpec spec;
      spec.port = flags->port == 0 ? 0 : static_cast<std::uint16_t>(flags->port + i);
      spec.models = flags->models;
      spec.loras = *loras;
      options->replicas.push_back(std::move(spec));
    }
    const std::string host = options->host;
    const std::string profile = options->engine.profile.name;
    const std::vector<std::string> models = flags->models;
    options->on_ready = [host, profile, models](const std::vector<std::uint16_t>& ports) {
      for (std::size_t i = 0; i < ports.size(); ++i) {
        std::cout << "sluice sim: replica " << i << " serving";
        for (const auto& m : models) {
          std::cout << ' ' << m;
        }
        std::cout << " on http://" << host << ':' << ports[i] << " (profile " << profile << ")\n";
      }
      std::cout << std::flush;
    };
    const Status status = sim::run_sim(std::move(*options));
    if (!status.ok()) {
      std::cerr << "sluice sim: " << status.error().message << "\n";
      return 1;
    }
    return 0;
  };
}

}  // namespace sluice::cli
