#include "pool/endpoint_metrics.h"

#include "core/strings.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace sluice::pool {
namespace {

constexpr std::string_view kVllmWaiting = "vllm:num_requests_waiting";
constexpr std::string_view kVllmRunning = "vllm:num_requests_running";
constexpr std::string_view kVllmKv = "vllm:kv_cache_usage_perc";
constexpr std::string_view kVllmKvOld = "vllm:gpu_cache_usage_perc";
constexpr std::string_view kVllmLora = "vllm:lora_requests_info";
constexpr std::string_view kSglangWaiting = "sglang:num_queue_reqs";
constexpr std::string_view kSglangRunning = "sglang:num_running_reqs";
constexpr std::string_view kSglangKv = "sglang:token_usage";
constexpr std::string_view kAllNames[] = {kVllmWaiting, kVllmRunning,   kVllmKv,        kVllmKvOld,
                                          kVllmLora,    kSglangWaiting, kSglangRunning, kSglangKv};

// Calls f(sample) for every sample of metric `name`. Samples are sorted by series and a series
// starts with its name, so the family is a contiguous run found by binary search (other names
// sharing the prefix may sit inside the run, hence the name check).
template <typename F>
bool for_each_sample(const metrics::PromSnapshot& page, std::string_view name, F&& f) {
  auto it = std::lower_bound(
      page.samples.begin(), page.samples.end(), name,
      [](const metrics::PromSample& s, std::string_view n) { return s.series < n; });
  bool found = false;
  for (; it != page.samples.end() && std::string_view(it->series).substr(0, name.size()) == name;
       ++it) {
    if (it->name != name) continue;
    found = true;
    f(*it);
  }
  return found;
}

double non_negative(double v) { return std::isnan(v) || v < 0 ? 0.0 : v; }

std::uint32_t to_count(double v) {
  v = non_negative(v);
  constexpr double kMax = std::numeric_limits<std::uint32_t>::max();
  return v >= kMax ? std::numeric_limits<std::uint32_t>::max()
                   : static_cast<std::uint32_t>(std::llround(v));
}

// Sums a count family; false if the page has none of it.
bool sum_family(const metrics::PromSnapshot& page, std::string_view name, std::uint32_t& out) {
  double total = 0;
  const bool found = for_each_sample(
      page, name, [&](const metrics::PromSample& s) { total += non_negative(s.value); });
  if (found) out = to_count(total);
  return found;
}

bool max_fraction(const metrics::PromSnapshot& page, std::string_view name, double& out) {
  double best = 0;
  const bool found = for_each_sample(page, name, [&](const metrics::PromSample& s) {
    best = std::max(best, std::min(1.0, non_negative(s.value)));
  });
  if (found) out = best;
  return found;
}

// The unescaped value of label `key` in a series spelled `name{a="x",b="y"}` (values still
// escaped as exposed, see PromSample::series), or nullopt.
std::optional<std::string> label_value(std::string_view series, std::string_view key) {
  std::size_t pos = series.find('{');
  if (pos == std::string_view::npos) return std::nullopt;
  ++pos;
  while (pos < series.size() && series[pos] != '}') {
    const std::size_t eq = series.find('=', pos);
    if (eq == std::string_view::npos || eq + 1 >= series.size() || series[eq + 1] != '"') {
      return std::nullopt;
    }
    const std::string_view name = series.substr(pos, eq - pos);
    std::string value;
    std::size_t i = eq + 2;
    for (; i < series.size() && series[i] != '"'; ++i) {
      if (series[i] == '\\' && i + 1 < series.size()) {
        ++i;
        value.push_back(series[i] == 'n' ? '\n' : series[i]);
      } else {
        value.push_back(series[i]);
      }
    }
    if (name == key) return value;
    pos = i + 1;  // past the closing quote
    if (pos < series.size() && series[pos] == ',') ++pos;
  }
  return std::nullopt;
}

void extract_lora(const metrics::PromSnapshot& page, EndpointMetrics& out) {
  const metrics::PromSample* latest = nullptr;
  for_each_sample(page, kVllmLora, [&](const metrics::PromSample& s) {
    if (std::isnan(s.value)) return;
    if (latest == nullptr || s.value > latest->value) latest = &s;
  });
  if (latest == nullptr) return;
  out.present |= kFieldLora;
  if (auto running = label_value(latest->series, "running_lora_adapters")) {
    out.running_adapters = split_list(*running, kMaxAdaptersPerList);
  }
  if (auto waiting = label_value(latest->series, "waiting_lora_adapters")) {
    out.waiting_adapters = split_list(*waiting, kMaxAdaptersPerList);
  }
  if (auto max = label_value(latest->series, "max_lora")) {
    std::uint64_t n = 0;
    bool digits = !max->empty() && max->size() <= 9;
    for (char c : *max) {
      if (c < '0' || c > '9') {
        digits = false;
        break;
      }
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (digits) out.max_loras = static_cast<std::uint32_t>(n);
  }
}

}  // namespace

std::span<const std::string_view> endpoint_metric_names() { return kAllNames; }

EndpointMetrics extract_endpoint_metrics(const metrics::PromSnapshot& page) {
  EndpointMetrics out;
  if (sum_family(page, kVllmWaiting, out.waiting) ||
      sum_family(page, kSglangWaiting, out.waiting)) {
    out.present |= kFieldWaiting;
  }
  if (sum_family(page, kVllmRunning, out.running) ||
      sum_family(page, kSglangRunning, out.running)) {
    out.present |= kFieldRunning;
  }
  // The current vLLM name wins over the pre-v0.10 one when a server exposes both.
  if (max_fraction(page, kVllmKv, out.kv_cache_usage) ||
      max_fraction(page, kVllmKvOld, out.kv_cache_usage) ||
      max_fraction(page, kSglangKv, out.kv_cache_usage)) {
    out.present |= kFieldKvCache;
  }
  extract_lora(page, out);
  return out;
}

}  // namespace sluice::pool
