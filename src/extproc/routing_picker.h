// The Picker `sluice epp` uses: the gateway's routing core (routing::decide over the same
// RoutingTable, pools and scheduling profiles), so that the EPP and `sluice gateway` choose the
// same endpoint for the same state and request. Each stream runs on the worker thread of its
// connection; every thread gets its own WorkerRouter (scheduler, RNG, prefix index) the first
// time it picks, so no lock is taken per request.
#pragma once

#include "extproc/epp_request_metrics.h"
#include "extproc/picker.h"
#include "routing/routing_table.h"

#include <atomic>
#include <cstdint>
#include <optional>

namespace sluice::extproc {

struct PickerCounters {
  std::atomic<std::uint64_t> routed{0};
  std::atomic<std::uint64_t> rejected_saturated{0};
  std::atomic<std::uint64_t> rejected_no_endpoint{0};
  std::atomic<std::uint64_t> rejected_other{0};
  std::atomic<std::uint64_t> finished{0};
  std::atomic<std::uint64_t> cancelled{0};
};

class RoutingPicker final : public Picker {
 public:
  /// `table` must outlive the picker. `pool`: the one pool this EPP serves (its InferencePool);
  /// unset, requests go to the pool of their model.
  explicit RoutingPicker(routing::RoutingTable& table, std::optional<std::uint32_t> pool = {})
      : table_(table), pool_(pool) {}

  PickResult pick(const PickRequest& request) override;
  void finish(const PickResult& pick, const RequestOutcome& outcome) override;
  void chunk_gap(const PickResult& pick, std::chrono::nanoseconds gap) override;

  const PickerCounters& counters() const { return counters_; }
  const EppRequestMetrics& request_metrics() const { return request_metrics_; }
  EppRequestMetrics& request_metrics() { return request_metrics_; }

 private:
  PickResult decide(const PickRequest& request);

  routing::RoutingTable& table_;
  std::optional<std::uint32_t> pool_;
  PickerCounters counters_;
  EppRequestMetrics request_metrics_;
};

}  // namespace sluice::extproc
