#include "extproc/epp_request_metrics.h"

#include "core/clock.h"
#include "metrics/buckets.h"
#include "metrics/label_value.h"

#include <algorithm>
#include <cstdio>

namespace sluice::extproc {
namespace {

/// The error_code label values counted on their own; anything else is "other".
constexpr std::array<int, 9> kErrorCodes = {400, 404, 408, 413, 429, 500, 502, 503, 504};

std::atomic<std::uint64_t> next_instance_id{1};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds)
      : bounds_(bounds), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size())) {}

  void observe(double v) {
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
      if (v <= bounds_[i]) {
        buckets_[i].fetch_add(1, std::memory_order_relaxed);
        break;
      }
    }
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
  }

  /// Cumulative buckets, +Inf, _sum and _count; `labels` ends with a comma or is empty.
  void render(std::string& out, const std::string& name, const std::string& labels) const {
    const std::uint64_t count = count_.load(std::memory_order_relaxed);
    if (count == 0) return;
    std::uint64_t cumulative = 0;
    char le[32];
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += buckets_[i].load(std::memory_order_relaxed);
      std::snprintf(le, sizeof le, "%g", bounds_[i]);
      out += name + "_bucket{" + labels + "le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    // Observations landing while this runs may put the buckets ahead of the count read first:
    // +Inf and _count take the larger, so the page stays monotonic.
    const std::uint64_t total = std::max(count, cumulative);
    out += name + "_bucket{" + labels + "le=\"+Inf\"} " + std::to_string(total) + "\n";
    char sum[32];
    std::snprintf(sum, sizeof sum, "%.9g", sum_.load(std::memory_order_relaxed));
    const std::string plain = labels.empty() ? "" : "{" + labels.substr(0, labels.size() - 1) + "}";
    out += name + "_sum" + plain + " " + sum + "\n";
    out += name + "_count" + plain + " " + std::to_string(total) + "\n";
  }

 private:
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

const std::vector<double>& token_buckets() {
  static const std::vector<double> buckets = metrics::buckets_1_2_5(1'000'000);
  return buckets;
}

/// The EPP's own work: 10 µs to 1 s.
const std::vector<double>& overhead_buckets() {
  static const std::vector<double> buckets = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
                                              0.001,   0.0025,   0.005,   0.01,   0.025,   0.05,
                                              0.1,     0.25,     0.5,     1.0};
  return buckets;
}

/// Stream durations: an ext_proc stream lives as long as its HTTP request.
const std::vector<double>& stream_buckets() {
  static const std::vector<double> buckets = {0.001, 0.005, 0.01, 0.05, 0.1,   0.5,   1.0,
                                              5.0,   10.0,  30.0, 60.0, 300.0, 1800.0};
  return buckets;
}

/// The gRPC codes a stream can end with here, in label order.
constexpr std::array<GrpcCode, 7> kStreamCodes = {GrpcCode::kOk,
                                                  GrpcCode::kCancelled,
                                                  GrpcCode::kInvalidArgument,
                                                  GrpcCode::kResourceExhausted,
                                                  GrpcCode::kUnimplemented,
                                                  GrpcCode::kInternal,
                                                  GrpcCode::kUnavailable};

const std::vector<double>& byte_buckets() {
  static const std::vector<double> buckets = metrics::buckets_1_2_5(1'000'000'000);
  return buckets;
}

std::string labels_of(std::string_view model, std::string_view target) {
  std::string out = "model_name=\"";
  metrics::append_label_value(out, model);
  out += "\",target_model_name=\"";
  metrics::append_label_value(out, target);
  out += "\",";
  return out;
}

}  // namespace

struct EppRequestMetrics::Series {
  Series(std::string_view model, std::string_view target)
      : labels(labels_of(model, target)),
        duration(metrics::request_latency_buckets()),
        ttft(metrics::ttft_buckets()),
        input_tokens(token_buckets()),
        output_tokens(token_buckets()),
        cached_tokens(token_buckets()),
        ntpot(metrics::itl_buckets()),
        streaming_tpot(metrics::itl_buckets()),
        streaming_itl(metrics::itl_buckets()),
        request_size(byte_buckets()),
        response_size(byte_buckets()) {}

  const std::string labels;  ///< `model_name="..",target_model_name="..",`
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::int64_t> running{0};
  std::array<std::atomic<std::uint64_t>, kErrorCodes.size() + 1> errors{};  ///< last: other
  Histogram duration;
  Histogram ttft;
  Histogram input_tokens;
  Histogram output_tokens;
  Histogram cached_tokens;
  Histogram ntpot;
  Histogram streaming_tpot;
  Histogram streaming_itl;
  Histogram request_size;
  Histogram response_size;
};

struct EppRequestMetrics::Overhead {
  Histogram scheduling{overhead_buckets()};
  std::atomic<std::uint64_t> scheduled{0};
  std::atomic<std::uint64_t> not_scheduled{0};
  Histogram request_processing{overhead_buckets()};
  Histogram response_processing{overhead_buckets()};
  std::array<std::atomic<std::uint64_t>, kStreamCodes.size()> streams{};
  Histogram stream_duration{stream_buckets()};
};

EppRequestMetrics::EppRequestMetrics()
    : id_(next_instance_id.fetch_add(1)), overhead_(std::make_unique<Overhead>()) {
  series_[kOther].store(new Series("other", "other"), std::memory_order_release);
}

EppRequestMetrics::~EppRequestMetrics() {
  for (auto& s : series_) delete s.load(std::memory_order_acquire);
}

std::uint32_t EppRequestMetrics::series(std::string_view model, std::string_view target) {
  struct Cache {
    std::uint64_t owner = 0;
    std::unordered_map<std::string, std::uint32_t> map;
    std::string key;  ///< reused: no allocation per lookup once it is large enough
  };
  thread_local Cache cache;
  if (cache.owner != id_) {
    cache.map.clear();
    cache.owner = id_;
  }
  cache.key.assign(model);
  cache.key += '\0';
  cache.key += target;
  if (auto it = cache.map.find(cache.key); it != cache.map.end()) return it->second;
  if (full_.load(std::memory_order_acquire)) return kOther;
  const std::uint32_t index = register_series(cache.key, model, target);
  if (index != kOther) cache.map.emplace(cache.key, index);
  return index;
}

std::uint32_t EppRequestMetrics::register_series(const std::string& key, std::string_view model,
                                                 std::string_view target) {
  std::lock_guard<std::mutex> lock(registry_mutex_);
  if (auto it = registry_.find(key); it != registry_.end()) return it->second;
  const std::uint32_t index = used_.load(std::memory_order_relaxed);
  if (index > kMaxSeries) {
    full_.store(true, std::memory_order_release);
    return kOther;
  }
  series_[index].store(new Series(model, target), std::memory_order_release);
  used_.store(index + 1, std::memory_order_release);
  registry_.emplace(key, index);
  return index;
}

EppRequestMetrics::Series& EppRequestMetrics::at(std::uint32_t s) {
  Series* series = s <= kMaxSeries ? series_[s].load(std::memory_order_acquire) : nullptr;
  return series != nullptr ? *series : *series_[kOther].load(std::memory_order_relaxed);
}

void EppRequestMetrics::count_request(std::uint32_t s) {
  at(s).requests.fetch_add(1, std::memory_order_relaxed);
}

void EppRequestMetrics::add_running(std::uint32_t s, int delta) {
  at(s).running.fetch_add(delta, std::memory_order_relaxed);
}

void EppRequestMetrics::count_error(std::uint32_t s, int http_status) {
  std::size_t slot = kErrorCodes.size();
  for (std::size_t i = 0; i < kErrorCodes.size(); ++i) {
    if (kErrorCodes[i] == http_status) slot = i;
  }
  at(s).errors[slot].fetch_add(1, std::memory_order_relaxed);
}

void EppRequestMetrics::observe(std::uint32_t s, const Finished& f) {
  Series& series = at(s);
  series.duration.observe(to_seconds(f.duration));
  if (f.ttft) series.ttft.observe(to_seconds(*f.ttft));
  if (f.input_tokens) series.input_tokens.observe(static_cast<double>(*f.input_tokens));
  if (f.cached_tokens) series.cached_tokens.observe(static_cast<double>(*f.cached_tokens));
  if (f.output_tokens) series.output_tokens.observe(static_cast<double>(*f.output_tokens));
  if (f.output_tokens && *f.output_tokens > 0) {  // per-token times need a token
    const auto tokens = static_cast<double>(*f.output_tokens);
    series.ntpot.observe(to_seconds(f.duration) / tokens);
    if (f.ttft && *f.output_tokens > 1 && f.duration >= *f.ttft)
      series.streaming_tpot.observe(to_seconds(f.duration - *f.ttft) / (tokens - 1));
  }
  series.request_size.observe(static_cast<double>(f.request_bytes));
  series.response_size.observe(static_cast<double>(f.response_bytes));
}

void EppRequestMetrics::observe_itl(std::uint32_t s, std::chrono::nanoseconds gap) {
  at(s).streaming_itl.observe(to_seconds(gap));
}

void EppRequestMetrics::observe_scheduling(std::chrono::nanoseconds took, bool routed) {
  overhead_->scheduling.observe(to_seconds(took));
  (routed ? overhead_->scheduled : overhead_->not_scheduled)
      .fetch_add(1, std::memory_order_relaxed);
}

void EppRequestMetrics::observe_processing(std::chrono::nanoseconds request_path,
                                           std::chrono::nanoseconds response_path) {
  overhead_->request_processing.observe(to_seconds(request_path));
  overhead_->response_processing.observe(to_seconds(response_path));
}

void EppRequestMetrics::observe_stream(GrpcCode code, std::chrono::nanoseconds lasted) {
  for (std::size_t i = 0; i < kStreamCodes.size(); ++i) {
    if (kStreamCodes[i] == code) overhead_->streams[i].fetch_add(1, std::memory_order_relaxed);
  }
  overhead_->stream_duration.observe(to_seconds(lasted));
}

void EppRequestMetrics::render(std::string& out) const {
  const std::uint32_t used = used_.load(std::memory_order_acquire);
  auto each = [&](auto&& f) {
    for (std::uint32_t i = 0; i < used; ++i) f(*series_[i].load(std::memory_order_acquire));
  };
  auto header = [&out](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  header("llm_d_epp_request_total", "counter", "Requests the Endpoint Picker decided.");
  each([&](const Series& s) {
    const std::uint64_t n = s.requests.load(std::memory_order_relaxed);
    if (n > 0) {
      out += "llm_d_epp_request_total{" + s.labels.substr(0, s.labels.size() - 1) + "} " +
             std::to_string(n) + "\n";
    }
  });
  header("llm_d_epp_request_error_total", "counter",
         "Requests answered with an error, by HTTP status (the EPP's or the model server's).");
  each([&](const Series& s) {
    for (std::size_t i = 0; i < s.errors.size(); ++i) {
      const std::uint64_t n = s.errors[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string code = i < kErrorCodes.size() ? std::to_string(kErrorCodes[i]) : "other";
      out += "llm_d_epp_request_error_total{" + s.labels + "error_code=\"" + code + "\"} " +
             std::to_string(n) + "\n";
    }
  });
  header("llm_d_epp_request_running", "gauge", "Routed requests whose response has not ended.");
  each([&](const Series& s) {
    if (s.requests.load(std::memory_order_relaxed) == 0) return;
    out += "llm_d_epp_request_running{" + s.labels.substr(0, s.labels.size() - 1) + "} " +
           std::to_string(s.running.load(std::memory_order_relaxed)) + "\n";
  });
  struct HistogramFamily {
    const char* name;
    const char* help;
    const Histogram Series::*histogram;
    const char* extra_labels;
  };
  static constexpr HistogramFamily kHistograms[] = {
      {"llm_d_epp_request_duration_seconds",
       "From the routing decision to the end of the response.", &Series::duration, ""},
      {"llm_d_epp_request_ttft_seconds",
       "From the routing decision to the first response byte, streaming responses.", &Series::ttft,
       "streaming=\"true\","},
      {"llm_d_epp_request_input_tokens", "Prompt tokens, from the response's usage.",
       &Series::input_tokens, ""},
      {"llm_d_epp_request_output_tokens", "Completion tokens, from the response's usage.",
       &Series::output_tokens, ""},
      {"llm_d_epp_request_cached_tokens",
       "Prompt tokens served from the model server's prefix cache, from the response's usage.",
       &Series::cached_tokens, ""},
      {"llm_d_epp_request_ntpot_seconds",
       "Request duration divided by its output tokens (normalized time per output token).",
       &Series::ntpot, ""},
      {"llm_d_epp_request_streaming_tpot_seconds",
       "Streaming: time after the first token divided by the output tokens after it.",
       &Series::streaming_tpot, ""},
      {"llm_d_epp_request_streaming_itl_seconds",
       "Streaming: the time between two response chunks, one observation per gap.",
       &Series::streaming_itl, ""},
      {"llm_d_epp_request_size_bytes", "Request body size, as the client sent it.",
       &Series::request_size, ""},
      {"llm_d_epp_response_size_bytes", "Response body size.", &Series::response_size, ""},
  };
  for (const HistogramFamily& family : kHistograms) {
    header(family.name, "histogram", family.help);
    each([&](const Series& s) {
      (s.*family.histogram).render(out, family.name, s.labels + family.extra_labels);
    });
  }

  const Overhead& o = *overhead_;
  header("llm_d_epp_scheduler_e2e_duration_seconds", "histogram",
         "One routing decision: admission, scheduling and fallbacks.");
  o.scheduling.render(out, "llm_d_epp_scheduler_e2e_duration_seconds", "");
  header("llm_d_epp_scheduler_attempts_total", "counter",
         "Routing decisions: success routed the request, failure rejected it.");
  out += "llm_d_epp_scheduler_attempts_total{status=\"success\"} " +
         std::to_string(o.scheduled.load(std::memory_order_relaxed)) + "\n";
  out += "llm_d_epp_scheduler_attempts_total{status=\"failure\"} " +
         std::to_string(o.not_scheduled.load(std::memory_order_relaxed)) + "\n";
  header("llm_d_epp_request_processing_duration_seconds", "histogram",
         "The EPP's time on a routed request's request headers, body and trailers.");
  o.request_processing.render(out, "llm_d_epp_request_processing_duration_seconds", "");
  header("llm_d_epp_response_processing_duration_seconds", "histogram",
         "The EPP's time on a routed request's response headers, body and trailers.");
  o.response_processing.render(out, "llm_d_epp_response_processing_duration_seconds", "");
  header("llm_d_epp_extproc_streams_total", "counter", "ext_proc streams ended, by gRPC status.");
  for (std::size_t i = 0; i < kStreamCodes.size(); ++i) {
    const std::uint64_t n = o.streams[i].load(std::memory_order_relaxed);
    if (n == 0) continue;
    out += std::string("llm_d_epp_extproc_streams_total{code=\"") +
           grpc_code_name(kStreamCodes[i]) + "\"} " + std::to_string(n) + "\n";
  }
  header("llm_d_epp_extproc_stream_duration_seconds", "histogram",
         "ext_proc streams, from open to end.");
  o.stream_duration.render(out, "llm_d_epp_extproc_stream_duration_seconds", "");
}

}  // namespace sluice::extproc
