#include "core/log.h"
#include "net/server.h"
#include "net/worker_pool.h"
#include "sim/server/replica.h"
#include "sim/server/sim_options.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <set>

namespace sluice::sim {

Status validate(const SimOptions& options) {
  if (options.replicas.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "no replicas to run", "--replicas");
  }
  if (options.workers == 0) {
    return make_error(ErrorCode::kInvalidArgument, "--workers must be at least 1", "--workers");
  }
  const EngineConfig& e = options.engine;
  auto positive = [](int v, const char* flag) -> Status {
    if (v <= 0) {
      return make_error(ErrorCode::kInvalidArgument, std::string(flag) + " must be positive", flag);
    }
    return {};
  };
  for (const auto& [value, flag] :
       {std::pair{e.max_num_seqs, "--max-num-seqs"},
        std::pair{e.max_num_batched_tokens, "--max-num-batched-tokens"},
        std::pair{e.block_size, "--block-size"}, std::pair{e.num_gpu_blocks, "--num-gpu-blocks"},
        std::pair{e.max_loras, "--max-loras"}, std::pair{e.max_model_len, "--max-model-len"}}) {
    if (auto s = positive(value, flag); !s.ok()) {
      return s;
    }
  }
  if (options.failures.error_rate < 0 || options.failures.error_rate > 1 ||
      options.failures.drop_rate < 0 || options.failures.drop_rate > 1) {
    return make_error(ErrorCode::kInvalidArgument, "failure rates must be within 0..1",
                      "--error-rate");
  }
  std::set<std::uint16_t> ports;
  for (const auto& replica : options.replicas) {
    if (replica.models.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "at least one --model is required", "--model");
    }
    if (replica.port != 0 && !ports.insert(replica.port).second) {
      return make_error(ErrorCode::kInvalidArgument,
                        "port " + std::to_string(replica.port) + " is used twice", "--port");
    }
    for (const auto& lora : replica.loras) {
      bool parent_known = false;
      for (const auto& model : replica.models) {
        parent_known = parent_known || model == lora.parent;
      }
      if (!parent_known) {
        return make_error(ErrorCode::kInvalidArgument,
                          "adapter '" + lora.name + "' names parent '" + lora.parent +
                              "', which is not one of the --model names",
                          "--lora");
      }
      for (const auto& model : replica.models) {
        if (model == lora.name) {
          return make_error(ErrorCode::kInvalidArgument,
                            "adapter '" + lora.name + "' has the name of a base model", "--lora");
        }
      }
    }
  }
  return {};
}

Status run_sim(SimOptions options) {
  if (auto valid = validate(options); !valid.ok()) {
    return valid;
  }
  net::WorkerPool pool(options.workers);
  std::vector<std::unique_ptr<Replica>> replicas;
  std::vector<std::unique_ptr<net::Server>> servers;
  std::vector<std::uint16_t> ports;
  for (std::size_t i = 0; i < options.replicas.size(); ++i) {
    const std::size_t worker = i % pool.size();
    const ReplicaSpec& spec = options.replicas[i];
    auto replica = std::make_unique<Replica>(pool.context(worker), spec, options,
                                             options.seed * 1000003 + i + 1);
    Replica* raw = replica.get();
    auto server = std::make_unique<net::Server>(
        pool, [raw](net::Exchange& exchange) { return raw->handle(exchange); }, options.limits);
    auto port = server->listen_on_worker(options.host, spec.port, worker);
    if (!port.ok()) {
      return make_error(port.error().code,
                        "cannot listen on " + options.host + ":" + std::to_string(spec.port) +
                            ": " + port.error().message,
                        "--port");
    }
    ports.push_back(*port);
    replicas.push_back(std::move(replica));
    servers.push_back(std::move(server));
  }
  if (options.on_ready) {
    options.on_ready(ports);
  }

  // Graceful shutdown: every server drains in parallel; the pool stops when the last one is done.
  auto remaining = std::make_shared<std::size_t>(servers.size());
  pool.on_shutdown_signal([&servers, &pool, remaining, grace = options.shutdown_grace] {
    log::info("sim: shutting down (grace {} ms)",
              std::chrono::duration_cast<std::chrono::milliseconds>(grace).count());
    for (auto& server : servers) {
      server->shutdown(grace, [&pool, remaining] {
        // on_done may run on any worker thread.
        boost::asio::post(pool.context(0), [&pool, remaining] {
          if (--*remaining == 0) {
            pool.stop();
          }
        });
      });
    }
  });
  pool.run();
  log::info("sim: stopped");
  return {};
}

}  // namespace sluice::sim
