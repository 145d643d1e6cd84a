// Options of `sluice sim` / `sluice up`: which simulated servers to run and how they behave.
#pragma once

#include "core/clock.h"
#include "net/server.h"
#include "sim/engine.h"
#include "sim/server/failure_injection.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sluice::sim {

/// A LoRA adapter preloaded at start-up (`--lora NAME=PARENT`).
struct LoraSpec {
  std::string name;
  std::string parent;  ///< one of the replica's base models
};

/// One simulated model server: its port, the base models it serves and its preloaded adapters.
struct ReplicaSpec {
  std::uint16_t port = 0;  ///< 0 picks a free port (tests)
  std::vector<std::string> models;
  std::vector<LoraSpec> loras;
};

struct SimOptions {
  std::string host = "127.0.0.1";
  std::vector<ReplicaSpec> replicas;
  std::size_t workers = 1;  ///< replica i runs on worker i % workers
  EngineConfig engine;      ///< every replica gets its own engine with this config
  std::uint64_t seed = 0;   ///< output text is a function of (seed, request seed or prompt)
  FailureOptions failures;
  net::ServerLimits limits;
  Duration shutdown_grace = std::chrono::seconds(10);
  /// Called once every replica listens, with the bound ports in replica order.
  std::function<void(const std::vector<std::uint16_t>&)> on_ready;
};

/// Checks the options (non-empty models, adapters' parents exist, engine limits sane).
Status validate(const SimOptions& options);

/// Runs the simulated servers until SIGINT/SIGTERM, then drains within shutdown_grace.
/// Returns an error if a port cannot be bound; otherwise success after a clean shutdown.
Status run_sim(SimOptions options);

}  // namespace sluice::sim
