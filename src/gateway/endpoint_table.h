// The quick-start endpoint set (`sluice gateway --endpoint URL ...`): which models each endpoint
// serves (discovered from its /v1/models at start), how many requests each has in flight, and a
// passive ejection after consecutive failures. Read per request from every worker thread without
// locks: the model map is immutable after construction, the counters are atomics.
//
// Ranking is the baseline the scheduling module replaces: least in-flight first, ties broken by
// rotation, ejected endpoints last (they are still tried when nothing else serves the model).
#pragma once

#include "core/clock.h"
#include "openai/models.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::gateway {

struct EndpointInfo {
  std::string url;  ///< base URL, e.g. http://10.0.0.7:8000
  std::vector<openai::ModelCard> models;
};

class EndpointTable {
 public:
  /// After this many consecutive failures an endpoint is ejected for kEjectionTime.
  static constexpr std::uint32_t kEjectAfterFailures = 3;
  static constexpr Duration kEjectionTime = std::chrono::seconds(5);

  explicit EndpointTable(std::vector<EndpointInfo> endpoints);

  std::size_t size() const { return endpoints_.size(); }
  const std::string& url(std::size_t index) const { return endpoints_[index]->info.url; }

  /// Indexes of the endpoints serving `model` (a base model or an adapter), best first.
  /// Empty if no endpoint serves it.
  void rank(std::string_view model, TimePoint now, std::vector<std::size_t>& out) const;

  void request_started(std::size_t index);
  /// `ok`: the endpoint answered (any status below 500); otherwise it counts as a failure.
  void request_finished(std::size_t index, bool ok, TimePoint now);
  std::int64_t in_flight(std::size_t index) const;
  bool ejected(std::size_t index, TimePoint now) const;

  /// Every model and adapter of every endpoint, once (the first endpoint's card wins).
  std::vector<openai::ModelCard> models() const;

 private:
  struct Endpoint {
    EndpointInfo info;
    std::atomic<std::int64_t> in_flight{0};
    std::atomic<std::uint32_t> consecutive_failures{0};
    std::atomic<std::int64_t> ejected_until{0};  // steady-clock ticks
  };
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_model_;
  mutable std::atomic<std::uint64_t> rotation_{0};
};

}  // namespace sluice::gateway
