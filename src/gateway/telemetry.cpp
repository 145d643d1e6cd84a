#include "gateway/telemetry.h"

#include "core/hash.h"
#include "metrics/buckets.h"
#include "metrics/label_value.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <string>

namespace sluice::gateway {
namespace {

// Codes a gateway sends or relays often enough to deserve their own series.
constexpr std::array<int, 28> kCommonStatuses = {200, 201, 202, 204, 206, 301, 302, 304, 307, 308,
                                                 400, 401, 403, 404, 405, 408, 409, 413, 415, 422,
                                                 429, 431, 499, 500, 501, 502, 503, 504};
constexpr std::array<std::string_view, 6> kFallbackLabels = {"1xx", "2xx", "3xx",
                                                             "4xx", "5xx", "other"};
constexpr std::uint32_t kStatusSlots = kCommonStatuses.size() + kFallbackLabels.size();
constexpr std::uint32_t kOtherStatusSlot = kStatusSlots - 1;

constexpr std::array<std::uint8_t, 600> make_status_table() {
  std::array<std::uint8_t, 600> table{};
  for (int code = 0; code < 600; ++code) {
    table[static_cast<std::size_t>(code)] =
        code < 100 ? static_cast<std::uint8_t>(kOtherStatusSlot)
                   : static_cast<std::uint8_t>(kCommonStatuses.size() +
                                               static_cast<std::size_t>(code / 100 - 1));
  }
  for (std::size_t i = 0; i < kCommonStatuses.size(); ++i) {
    table[static_cast<std::size_t>(kCommonStatuses[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}
constexpr std::array<std::uint8_t, 600> kStatusTable = make_status_table();

// 1-2.5-5 per decade from 1 us to 100 ms: a pick takes microseconds, a slow plugin milliseconds.
constexpr std::array<double, 16> kSchedulingBuckets = {1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5,
                                                       1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3,
                                                       1e-2, 2.5e-2, 5e-2, 1e-1};

}  // namespace

std::string_view reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::kSaturated:
      return "saturated";
    case RejectReason::kNoEndpoint:
      return "no_endpoint";
    case RejectReason::kQueueFull:
      return "queue_full";
    case RejectReason::kQueueTimeout:
      return "queue_timeout";
  }
  return "unknown";
}

std::uint32_t GatewayTelemetry::status_slot(int status) {
  if (status < 0 || status >= static_cast<int>(kStatusTable.size())) {
    return kOtherStatusSlot;
  }
  return kStatusTable[static_cast<std::size_t>(status)];
}

std::string_view GatewayTelemetry::status_label(std::uint32_t slot) {
  static const std::array<std::string, kCommonStatuses.size()> kNames = [] {
    std::array<std::string, kCommonStatuses.size()> names;
    for (std::size_t i = 0; i < kCommonStatuses.size(); ++i) {
      names[i] = std::to_string(kCommonStatuses[i]);
    }
    return names;
  }();
  if (slot < kNames.size()) {
    return kNames[slot];
  }
  return kFallbackLabels[std::min<std::size_t>(slot - kNames.size(), kFallbackLabels.size() - 1)];
}

std::uint32_t GatewayTelemetry::status_slots() { return kStatusSlots; }

std::size_t GatewayTelemetry::StringHash::operator()(std::string_view s) const {
  return static_cast<std::size_t>(hash64(s));
}

namespace {

std::string label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  metrics::append_label_value(out, value);
  out += '"';
  return out;
}

}  // namespace

GatewayTelemetry::GatewayTelemetry(TelemetryLayout layout)
    : layout_(std::move(layout)), workers_(std::max<std::size_t>(layout_.workers, 1)) {
  model_labels_.push_back(label("model", "other"));
  for (const std::string& model : layout_.models) {
    if (model == "other" || model_index_.contains(model)) {
      continue;
    }
    model_index_.emplace(model, static_cast<std::uint32_t>(model_labels_.size()));
    model_labels_.push_back(label("model", model));
  }
  for (const TelemetryLayout::Pool& pool : layout_.pools) {
    pool_labels_.push_back(label("pool", pool.name));
    endpoint_base_.push_back(static_cast<std::uint32_t>(endpoint_labels_.size()));
    for (const std::string& endpoint : pool.endpoints) {
      endpoint_labels_.push_back(pool_labels_.back() + ',' + label("endpoint", endpoint));
    }
    plugin_base_.push_back(static_cast<std::uint32_t>(plugin_slot_.size()));
    for (std::size_t i = 0; i < pool.plugins.size(); ++i) {
      const auto earlier =
          std::find(pool.plugins.begin(), pool.plugins.begin() + static_cast<std::ptrdiff_t>(i),
                    pool.plugins[i]);
      if (earlier != pool.plugins.begin() + static_cast<std::ptrdiff_t>(i)) {
        plugin_slot_.push_back(
            plugin_slot_[plugin_base_.back() +
                         static_cast<std::size_t>(earlier - pool.plugins.begin())]);
        continue;
      }
      plugin_slot_.push_back(static_cast<std::uint32_t>(plugin_labels_.size()));
      plugin_labels_.push_back(pool_labels_.back() + ',' + label("plugin", pool.plugins[i]));
    }
  }
  endpoint_count_ = endpoint_labels_.size();

  const auto models = static_cast<std::uint32_t>(model_labels_.size());
  const auto pools = static_cast<std::uint32_t>(pool_labels_.size());
  requests_ = allocate(models * kStatusSlots);
  endpoint_requests_ = allocate(static_cast<std::uint32_t>(endpoint_count_) * kStatusSlots);
  input_tokens_ = allocate(models);
  output_tokens_ = allocate(models);
  retries_ = allocate(pools);
  rejections_ = allocate(pools * static_cast<std::uint32_t>(kRejectReasonCount));
  duration_ = allocate_histogram(metrics::request_latency_buckets(), models);
  ttft_ = allocate_histogram(metrics::ttft_buckets(), models);
  itl_ = allocate_histogram(metrics::itl_buckets(), models);
  tpot_ = allocate_histogram(metrics::itl_buckets(), models);
  scheduling_ = allocate_histogram(kSchedulingBuckets, pools);
  plugin_ =
      allocate_histogram(kSchedulingBuckets, static_cast<std::uint32_t>(plugin_labels_.size()));

  lines_per_shard_ = std::max<std::size_t>((slots_ + 7) / 8, 1);
  lines_ = std::make_unique<Line[]>(workers_ * lines_per_shard_);
}

std::uint32_t GatewayTelemetry::allocate(std::uint32_t count) {
  const std::uint32_t base = slots_;
  slots_ += count;
  return base;
}

GatewayTelemetry::HistogramFamily GatewayTelemetry::allocate_histogram(
    std::span<const double> bounds, std::uint32_t series) {
  HistogramFamily family;
  family.stride = static_cast<std::uint32_t>(bounds.size()) + 2;  // buckets, +Inf, sum
  family.series = series;
  family.bounds = bounds;
  family.base = allocate(family.stride * series);
  return family;
}

std::uint32_t GatewayTelemetry::model_index(std::string_view model) const {
  const auto it = model_index_.find(model);
  return it == model_index_.end() ? kOtherModel : it->second;
}

void GatewayTelemetry::observe(std::size_t worker, const HistogramFamily& family,
                               std::uint32_t series, double value) const {
  if (series >= family.series || std::isnan(value)) {
    return;
  }
  value = std::max(value, 0.0);
  // First bound >= value: Prometheus buckets are "less than or equal".
  const auto bucket = static_cast<std::uint32_t>(
      std::lower_bound(family.bounds.begin(), family.bounds.end(), value) - family.bounds.begin());
  const std::uint32_t base = family.base + series * family.stride;
  add(worker, base + bucket, 1);
  std::atomic<std::uint64_t>& sum = at(worker, base + family.stride - 1);
  const double total = std::bit_cast<double>(sum.load(std::memory_order_relaxed)) + value;
  sum.store(std::bit_cast<std::uint64_t>(total), std::memory_order_relaxed);
}

void GatewayTelemetry::record_request(std::size_t worker, const RequestRecord& r) {
  worker = shard_of(worker);
  const std::uint32_t model =
      r.model < model_labels_.size() ? r.model : static_cast<std::uint32_t>(kOtherModel);
  const std::uint32_t status = status_slot(r.status);
  add(worker, requests_ + model * kStatusSlots + status, 1);
  if (r.input_tokens != 0) {
    add(worker, input_tokens_ + model, r.input_tokens);
  }
  if (r.output_tokens != 0) {
    add(worker, output_tokens_ + model, r.output_tokens);
  }
  observe(worker, duration_, model, r.duration_seconds);
  if (r.ttft_seconds) {
    observe(worker, ttft_, model, *r.ttft_seconds);
  }
  if (r.tpot_seconds) {
    observe(worker, tpot_, model, *r.tpot_seconds);
  }
  if (r.pool >= pool_labels_.size()) {
    return;
  }
  if (r.retries != 0) {
    add(worker, retries_ + r.pool, r.retries);
  }
  if (r.endpoint < layout_.pools[r.pool].endpoints.size()) {
    const std::uint32_t flat = endpoint_base_[r.pool] + r.endpoint;
    add(worker, endpoint_requests_ + flat * kStatusSlots + status, 1);
  }
}

void GatewayTelemetry::observe_itl(std::size_t worker, std::uint32_t model, double seconds) {
  observe(shard_of(worker), itl_, model < model_labels_.size() ? model : kOtherModel, seconds);
}

void GatewayTelemetry::observe_scheduling(std::size_t worker, std::uint32_t pool, double seconds) {
  observe(shard_of(worker), scheduling_, pool, seconds);
}

void GatewayTelemetry::observe_plugin(std::size_t worker, std::uint32_t pool, std::uint32_t plugin,
                                      double seconds) {
  if (pool >= pool_labels_.size() || plugin >= layout_.pools[pool].plugins.size()) {
    return;
  }
  observe(shard_of(worker), plugin_, plugin_slot_[plugin_base_[pool] + plugin], seconds);
}

void GatewayTelemetry::count_rejection(std::size_t worker, std::uint32_t pool,
                                       RejectReason reason) {
  const auto r = static_cast<std::uint32_t>(reason);
  if (pool >= pool_labels_.size() || r >= kRejectReasonCount) {
    return;
  }
  add(shard_of(worker), rejections_ + pool * static_cast<std::uint32_t>(kRejectReasonCount) + r, 1);
}

std::uint64_t GatewayTelemetry::sum_shards(std::uint32_t slot) const {
  std::uint64_t total = 0;
  for (std::size_t w = 0; w < workers_; ++w) {
    total += at(w, slot).load(std::memory_order_relaxed);
  }
  return total;
}

double GatewayTelemetry::sum_shards_double(std::uint32_t slot) const {
  double total = 0;
  for (std::size_t w = 0; w < workers_; ++w) {
    total += std::bit_cast<double>(at(w, slot).load(std::memory_order_relaxed));
  }
  return total;
}

std::uint64_t GatewayTelemetry::requests_total(std::uint32_t model, int status) const {
  if (model >= model_labels_.size()) {
    return 0;
  }
  return sum_shards(requests_ + model * kStatusSlots + status_slot(status));
}

}  // namespace sluice::gateway
