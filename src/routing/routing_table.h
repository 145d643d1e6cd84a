// The gateway's routing state built once from a GatewayConfig: per pool its live EndpointPool,
// scheduling profile, saturation detector, rewrite rules and in-flight counters; plus the lookups
// the request path needs (model -> pool, objective -> priority), as hash maps built at start.
//
// Immutable after create() except for what is designed to change concurrently: the pools publish
// snapshots on their own executor, and in-flight counters are relaxed atomics. Every worker reads
// it without locks.
#pragma once

#include "config/gateway_config.h"
#include "core/result.h"
#include "flow/saturation_detector.h"
#include "net/asio.h"
#include "net/url.h"
#include "pool/endpoint_pool.h"
#include "scheduling/profile.h"

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::routing {

/// One endpoint's in-flight count, alone on its cache line (workers on different cores bump
/// neighbouring endpoints).
struct alignas(64) InFlightCounter {
  std::atomic<std::uint32_t> value{0};
};

struct PoolRoute {
  std::string name;
  std::unique_ptr<pool::EndpointPool> endpoints;
  std::vector<std::string> base_urls;  ///< "http://host:port" per endpoint index
  std::vector<net::HttpUrl> origins;   ///< the same, parsed once for the upstream client
  std::shared_ptr<const scheduling::Profile> profile;
  flow::SaturationDetector saturation;
  std::vector<const config::RewriteRule*> rewrites;  ///< this pool's rules, precedence order
  std::unique_ptr<InFlightCounter[]> in_flight;      ///< per endpoint index
};

/// What the configuration says about one model name.
struct ModelInfo {
  std::uint32_t pool = 0;
  const config::ModelRouteEntry* route = nullptr;  ///< null when routed by the default pool
};

/// Transparent hashing so lookups by string_view build no std::string on the request path.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

class RoutingTable {
 public:
  /// Builds every pool (not started), every profile (plugin errors name the config file, line and
  /// plugin) and the lookup maps. The pools run on `pool_executor`.
  static Result<std::unique_ptr<RoutingTable>> create(
      std::shared_ptr<const config::GatewayConfig> config,
      net::asio::any_io_executor pool_executor);

  /// Starts scraping every pool.
  void start();
  /// Stops every pool; `on_stopped` runs (on the pool executor) when all have stopped.
  void stop(std::function<void()> on_stopped);

  /// The pool a model goes to: its ModelRoute, else the default pool; nullopt if neither.
  std::optional<ModelInfo> model(std::string_view name) const;
  /// Priority of an InferenceObjective by name; unknown or empty names get 0 (llm-d's default).
  int priority(std::string_view objective) const;
  /// The rewritten model name for `model` in `pool` (weighted by `draw`, any 64-bit random
  /// number), or nullptr when no rule matches.
  const std::string* rewrite(std::uint32_t pool, std::string_view model, std::uint64_t draw) const;

  std::vector<PoolRoute>& pools() { return pools_; }
  const std::vector<PoolRoute>& pools() const { return pools_; }
  const config::GatewayConfig& config() const { return *config_; }
  /// Unique in the process, never reused (unlike an address): a key for per-thread state.
  std::uint64_t id() const { return id_; }

 private:
  static std::uint64_t next_id();

  const std::uint64_t id_ = next_id();
  std::shared_ptr<const config::GatewayConfig> config_;
  std::vector<PoolRoute> pools_;
  StringMap<ModelInfo> models_;
  std::optional<std::uint32_t> default_pool_;
  StringMap<int> priorities_;
};

/// Builds the scheduling profile of a pool from its EndpointPickerConfig (first scheduling
/// profile), or the built-in default profile when the pool has none. Errors carry the plugin's
/// `file:line:col`.
Result<std::shared_ptr<const scheduling::Profile>> profile_for(const config::GatewayConfig& config,
                                                               const config::InferencePool& pool);

}  // namespace sluice::routing
