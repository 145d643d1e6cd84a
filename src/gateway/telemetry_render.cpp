// GatewayTelemetry::render(): the Prometheus text page. Not on the request path (it runs once per
// scrape), so it favours clarity, but still appends into one caller-owned string.
#include "gateway/telemetry.h"
#include "metrics/label_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace sluice::gateway {
namespace {

constexpr std::string_view kPrefix = "sluice_gateway_";

void append_uint(std::string& out, std::uint64_t value) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof(buf), value).ptr;
  out.append(buf, end);
}

void append_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof(buf), value).ptr;
    out.append(buf, end);
  }
}

// `le` values in plain decimal ("0.0025", "7680"), the shortest that round-trips.
void append_bound(std::string& out, double value) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed);
  out.append(buf, result.ptr);
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += kPrefix;
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += kPrefix;
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// `sluice_gateway_<name><suffix>{<labels>[,<extra>]} ` (value not yet written).
void sample_start(std::string& out, std::string_view name, std::string_view suffix,
                  std::string_view labels, std::string_view extra = {}) {
  out += kPrefix;
  out += name;
  out += suffix;
  if (!labels.empty() || !extra.empty()) {
    out += '{';
    out += labels;
    if (!labels.empty() && !extra.empty()) {
      out += ',';
    }
    out += extra;
    out += '}';
  }
  out += ' ';
}

}  // namespace

void GatewayTelemetry::render(std::string& out, const RenderInputs& inputs) const {
  const auto pools = static_cast<std::uint32_t>(pool_labels_.size());

  // Counters keyed by a status slot: only statuses that were seen get a series.
  const auto status_counter = [&](std::string_view name, std::string_view help, std::uint32_t base,
                                  const std::vector<std::string>& labels) {
    header(out, name, "counter", help);
    std::string extra;
    for (std::uint32_t i = 0; i < labels.size(); ++i) {
      for (std::uint32_t s = 0; s < status_slots(); ++s) {
        const std::uint64_t value = sum_shards(base + i * status_slots() + s);
        if (value == 0) {
          continue;
        }
        extra = "status=\"";
        extra += status_label(s);
        extra += '"';
        sample_start(out, name, "", labels[i], extra);
        append_uint(out, value);
        out += '\n';
      }
    }
  };
  const auto plain_counter = [&](std::string_view name, std::string_view help, std::uint32_t base,
                                 const std::vector<std::string>& labels) {
    header(out, name, "counter", help);
    for (std::uint32_t i = 0; i < labels.size(); ++i) {
      sample_start(out, name, "", labels[i]);
      append_uint(out, sum_shards(base + i));
      out += '\n';
    }
  };
  const auto histogram = [&](std::string_view name, std::string_view help,
                             const HistogramFamily& family,
                             const std::vector<std::string>& labels) {
    header(out, name, "histogram", help);
    std::string le;
    for (std::uint32_t i = 0; i < family.series; ++i) {
      const std::uint32_t base = family.base + i * family.stride;
      std::uint64_t count = 0;
      for (std::uint32_t b = 0; b + 1 < family.stride; ++b) {
        count += sum_shards(base + b);
      }
      if (count == 0) {
        continue;
      }
      // The count is the sum of the same bucket loads, so +Inf == _count even while workers
      // keep recording.
      std::uint64_t cumulative = 0;
      for (std::uint32_t b = 0; b + 1 < family.stride; ++b) {
        cumulative += sum_shards(base + b);
        le = "le=\"";
        if (b < family.bounds.size()) {
          append_bound(le, family.bounds[b]);
        } else {
          le += "+Inf";
        }
        le += '"';
        sample_start(out, name, "_bucket", labels[i], le);
        append_uint(out, b + 2 == family.stride ? count : std::min(cumulative, count));
        out += '\n';
      }
      sample_start(out, name, "_sum", labels[i]);
      append_double(out, sum_shards_double(base + family.stride - 1));
      out += '\n';
      sample_start(out, name, "_count", labels[i]);
      append_uint(out, count);
      out += '\n';
    }
  };

  status_counter("requests_total",
                 "Client requests finished by the gateway, by requested model and HTTP status.",
                 requests_, model_labels_);
  status_counter("endpoint_requests_total",
                 "Routed requests by the endpoint that served the last attempt and HTTP status.",
                 endpoint_requests_, endpoint_labels_);
  histogram("request_duration_seconds", "End-to-end request latency at the gateway.", duration_,
            model_labels_);
  histogram("time_to_first_token_seconds",
            "Time from request arrival to the first relayed response byte (streaming).", ttft_,
            model_labels_);
  histogram("inter_token_latency_seconds", "Gap between consecutive relayed stream chunks.", itl_,
            model_labels_);
  histogram("time_per_output_token_seconds",
            "Mean time per output token after the first, per request.", tpot_, model_labels_);
  plain_counter("input_tokens_total", "Prompt tokens reported by the model servers' usage.",
                input_tokens_, model_labels_);
  plain_counter("output_tokens_total", "Completion tokens reported by the model servers' usage.",
                output_tokens_, model_labels_);
  histogram("scheduling_duration_seconds", "Time to pick an endpoint (filters, scorers, picker).",
            scheduling_, pool_labels_);
  histogram("plugin_duration_seconds", "Time spent in one scheduling plugin per decision.", plugin_,
            plugin_labels_);
  plain_counter("retries_total", "Extra upstream attempts made after a failed attempt.", retries_,
                pool_labels_);

  header(out, "rejected_requests_total", "counter",
         "Requests refused before reaching an endpoint, by reason.");
  std::string extra;
  for (std::uint32_t p = 0; p < pools; ++p) {
    for (std::uint32_t r = 0; r < kRejectReasonCount; ++r) {
      extra = "reason=\"";
      extra += reject_reason_name(static_cast<RejectReason>(r));
      extra += '"';
      sample_start(out, "rejected_requests_total", "", pool_labels_[p], extra);
      const std::uint32_t slot =
          rejections_ + p * static_cast<std::uint32_t>(kRejectReasonCount) + r;
      append_uint(out, sum_shards(slot));
      out += '\n';
    }
  }

  render_endpoints(out, inputs);
}

void GatewayTelemetry::render_endpoints(std::string& out, const RenderInputs& inputs) const {
  // Snapshot endpoints are labelled by their own addresses: the snapshot is the truth about
  // which endpoint the numbers belong to.
  struct Row {
    const pool::EndpointState* state;
    std::string labels;
  };
  std::vector<Row> rows;
  for (std::size_t p = 0; p < pool_labels_.size() && p < inputs.pools.size(); ++p) {
    if (inputs.pools[p] == nullptr) {
      continue;
    }
    for (const pool::EndpointState& state : inputs.pools[p]->endpoints) {
      if (state.config == nullptr) {
        continue;
      }
      std::string labels = pool_labels_[p];
      labels += ",endpoint=\"";
      metrics::append_label_value(labels, state.address());
      labels += '"';
      rows.push_back(Row{&state, std::move(labels)});
    }
  }

  // Writes one family over every row; `value` returns false to leave a row out.
  const auto family = [&](std::string_view name, std::string_view type, std::string_view help,
                          auto value) {
    header(out, name, type, help);
    for (const Row& row : rows) {
      double v = 0;
      if (!value(*row.state, v)) {
        continue;
      }
      sample_start(out, name, "", row.labels);
      append_double(out, v);
      out += '\n';
    }
  };
  const auto count = [](std::uint64_t n) { return static_cast<double>(n); };

  family("endpoint_healthy", "gauge", "1 if the endpoint takes traffic, 0 while ejected.",
         [](const pool::EndpointState& s, double& v) {
           v = s.healthy() ? 1 : 0;
           return true;
         });
  family("endpoint_metrics_stale", "gauge",
         "1 if the endpoint's scraped metrics are missing or too old (treated as saturated).",
         [](const pool::EndpointState& s, double& v) {
           v = s.stale ? 1 : 0;
           return true;
         });
  family("endpoint_waiting_requests", "gauge", "Queued requests the model server reported.",
         [](const pool::EndpointState& s, double& v) {
           v = s.metrics.waiting;
           return s.metrics.has(pool::kFieldWaiting);
         });
  family("endpoint_running_requests", "gauge", "Running requests the model server reported.",
         [](const pool::EndpointState& s, double& v) {
           v = s.metrics.running;
           return s.metrics.has(pool::kFieldRunning);
         });
  family("endpoint_kv_cache_usage_ratio", "gauge",
         "KV-cache utilisation (0 to 1) the model server reported.",
         [](const pool::EndpointState& s, double& v) {
           v = s.metrics.kv_cache_usage;
           return s.metrics.has(pool::kFieldKvCache);
         });
  family("endpoint_ejections_total", "counter", "Times the endpoint was ejected.",
         [&](const pool::EndpointState& s, double& v) {
           v = count(s.ejections_total);
           return true;
         });
  family("endpoint_scrapes_total", "counter", "Metrics scrapes of the endpoint.",
         [&](const pool::EndpointState& s, double& v) {
           v = count(s.scrapes_total);
           return true;
         });
  family("endpoint_scrape_failures_total", "counter", "Failed metrics scrapes of the endpoint.",
         [&](const pool::EndpointState& s, double& v) {
           v = count(s.scrape_failures_total);
           return true;
         });
  family("endpoint_passive_failures_total", "counter",
         "Proxy errors the gateway reported against the endpoint.",
         [&](const pool::EndpointState& s, double& v) {
           v = count(s.passive_failures_total);
           return true;
         });

  if (inputs.in_flight) {
    header(out, "endpoint_in_flight_requests", "gauge",
           "Requests the gateway has in flight to the endpoint.");
    for (std::uint32_t p = 0; p < layout_.pools.size(); ++p) {
      for (std::uint32_t e = 0; e < layout_.pools[p].endpoints.size(); ++e) {
        sample_start(out, "endpoint_in_flight_requests", "",
                     endpoint_labels_[endpoint_base_[p] + e]);
        append_uint(out, inputs.in_flight(p, e));
        out += '\n';
      }
    }
  }

  if (inputs.now) {
    header(out, "pool_snapshot_age_seconds", "gauge",
           "Age of the pool snapshot the gateway routes on.");
    for (std::size_t p = 0; p < pool_labels_.size() && p < inputs.pools.size(); ++p) {
      if (inputs.pools[p] == nullptr) {
        continue;
      }
      sample_start(out, "pool_snapshot_age_seconds", "", pool_labels_[p]);
      append_double(out, std::max(to_seconds(*inputs.now - inputs.pools[p]->published_at), 0.0));
      out += '\n';
    }
  }
}

}  // namespace sluice::gateway
