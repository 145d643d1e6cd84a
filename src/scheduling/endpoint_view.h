// What the scheduler knows about one model-server endpoint. The pool module fills these from
// scraped metrics and discovery; the scheduler only reads them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::scheduling {

/// One endpoint's routing-relevant state. Plain data: the pool publishes a vector of these as an
/// immutable snapshot; `in_flight` is the only field the gateway itself maintains.
struct EndpointView {
  std::uint32_t id = 0;         ///< stable for the endpoint's lifetime (prefix-index key)
  std::string address;          ///< "host:port", what the gateway connects to
  bool healthy = true;          ///< health checks and passive ejection say it can take requests
  bool metrics_stale = false;   ///< last successful scrape is older than the staleness bound
  std::uint32_t waiting = 0;    ///< queue depth (vllm:num_requests_waiting)
  std::uint32_t running = 0;    ///< running batch size (vllm:num_requests_running)
  double kv_cache_usage = 0.0;  ///< 0..1 (vllm:kv_cache_usage_perc)
  std::uint32_t max_loras = 0;  ///< adapter slots (vllm:lora_requests_info max_lora)
  std::vector<std::string> running_adapters;  ///< adapters resident in GPU memory
  std::vector<std::string> waiting_adapters;  ///< adapters requested but not yet loaded
  std::vector<std::string> served_models;     ///< base models and adapters from /v1/models
  std::uint32_t in_flight = 0;  ///< requests this gateway has sent and not yet finished

  bool serves(std::string_view model) const { return contains(served_models, model); }
  bool adapter_running(std::string_view a) const { return contains(running_adapters, a); }
  bool adapter_waiting(std::string_view a) const { return contains(waiting_adapters, a); }

 private:
  static bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::any_of(v.begin(), v.end(), [s](const std::string& x) { return x == s; });
  }
};

}  // namespace sluice::scheduling
