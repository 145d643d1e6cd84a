// One simulated model server: an Engine plus the HTTP API in front of it.
//
// Threading: a replica lives on exactly one worker (its "home" io_context). Its listener is pinned
// to that worker, so every connection, the engine, the request table and the metrics are touched
// by one thread only: no locks anywhere, like a GPU's single scheduler loop.
//
// Time: the engine is advanced with the real steady clock by a timer that fires at the end of each
// simulated step ("driver"). Token events wake the connection coroutines of their requests, which
// write whatever tokens are ready in one write (so zero-latency profiles coalesce naturally).
#pragma once

#include "net/server.h"
#include "openai/tokenizer.h"
#include "sim/engine.h"
#include "sim/server/output_plan.h"
#include "sim/server/sim_metrics.h"
#include "sim/server/sim_options.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace sluice::sim {

class Replica final : private EngineSink {
 public:
  Replica(boost::asio::io_context& home, const ReplicaSpec& spec, const SimOptions& options,
          std::uint64_t seed);
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;
  ~Replica() override;

  /// Entry point for every HTTP request of this replica (runs on the home worker).
  boost::asio::awaitable<void> handle(net::Exchange& exchange);

  /// One request between admission and its last byte (defined in replica.cpp).
  struct InFlight;

 private:
  struct ModelRef {
    std::size_t base_index = 0;  // into models_
    int adapter = -1;            // engine adapter id or -1
  };

  boost::asio::awaitable<void> serve_completion(net::Exchange& exchange, openai::ApiKind kind);
  boost::asio::awaitable<void> stream_answer(net::Exchange& exchange,
                                             std::shared_ptr<InFlight> request);
  boost::asio::awaitable<void> unary_answer(net::Exchange& exchange,
                                            std::shared_ptr<InFlight> request);
  boost::asio::awaitable<void> serve_models(net::Exchange& exchange);
  boost::asio::awaitable<void> serve_load_lora(net::Exchange& exchange);
  boost::asio::awaitable<void> serve_unload_lora(net::Exchange& exchange);
  boost::asio::awaitable<void> serve_metrics(net::Exchange& exchange);

  std::optional<ModelRef> resolve_model(std::string_view name) const;
  /// Index of base model `name` in models_, if this replica serves it.
  std::optional<std::size_t> base_model_index(std::string_view name) const;
  void abort(std::uint64_t id);
  void kick();
  void run_engine();

  // EngineSink
  void on_tokens(std::uint64_t id, std::uint32_t count, TimePoint at) override;
  void on_finished(std::uint64_t id, FinishReason reason, const SeqStats& stats) override;
  void on_step(const StepInfo& step) override;

  boost::asio::io_context& home_;
  std::vector<std::string> models_;
  std::unordered_map<std::string, std::size_t> adapter_base_;  // adapter name -> models_ index
  std::unordered_map<std::string, std::string> adapter_path_;
  Engine engine_;
  SimMetrics metrics_;
  openai::Tokenizer tokenizer_;
  FailureOptions failures_;
  std::uint64_t seed_;
  std::uint64_t rng_;
  std::uint64_t next_id_ = 1;
  std::int64_t created_unix_;
  std::uint64_t id_salt_;  // response ids differ across replicas and restarts
  std::unordered_map<std::uint64_t, std::shared_ptr<InFlight>> in_flight_;
  boost::asio::steady_timer step_timer_;
  bool driver_pending_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sluice::sim
