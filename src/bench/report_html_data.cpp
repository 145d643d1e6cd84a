#include "bench/report_html_data.h"

#include "bench/stats.h"
#include "openai/json_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace sluice::bench {
namespace {

void append_key(std::string& out, std::string_view key) {
  openai::append_json_string(out, key);
  out += ':';
}

void append_field(std::string& out, std::string_view key, double v) {
  append_key(out, key);
  openai::append_json_number(out, v);
  out += ',';
}

void append_field(std::string& out, std::string_view key, std::uint64_t v) {
  append_key(out, key);
  openai::append_json_uint(out, v);
  out += ',';
}

void append_field(std::string& out, std::string_view key, std::string_view v) {
  append_key(out, key);
  openai::append_json_string(out, v);
  out += ',';
}

// Replaces the trailing ',' of an object's last field with the closing brace.
void close_object(std::string& out) {
  if (!out.empty() && out.back() == ',') {
    out.back() = '}';
  } else {
    out += '}';
  }
}

void append_summary(std::string& out, std::string_view name, const Summary& s) {
  append_key(out, name);
  out += '{';
  append_field(out, "count", static_cast<std::uint64_t>(s.count));
  const std::pair<const char*, double> fields[] = {{"mean", s.mean}, {"min", s.min}, {"p50", s.p50},
                                                   {"p90", s.p90},   {"p95", s.p95}, {"p99", s.p99},
                                                   {"p999", s.p999}, {"max", s.max}};
  for (const auto& [key, value] : fields) {
    append_field(out, key, value);
  }
  close_object(out);
  out += ',';
}

void append_histogram(std::string& out, const TtftHistogram& h) {
  append_key(out, "ttft_histogram");
  out += '{';
  append_field(out, "lo", h.lo);
  append_field(out, "width", h.width);
  append_field(out, "overflow", h.overflow);
  append_key(out, "counts");
  out += '[';
  const char* sep = "";
  for (std::uint64_t c : h.counts) {
    out += sep;
    sep = ",";
    openai::append_json_uint(out, c);
  }
  out += "]}";
}

void append_stage(std::string& out, const StageReport& r) {
  out += '{';
  append_field(out, "name", r.name);
  append_field(out, "target_rate", r.target_rate);
  append_field(out, "achieved_rate", r.achieved_rate);
  append_field(out, "duration_s", r.duration_s);
  append_key(out, "concurrency");
  openai::append_json_int(out, r.concurrency);
  out += r.interrupted ? ",\"interrupted\":true," : ",\"interrupted\":false,";
  append_field(out, "completed", r.completed);
  append_field(out, "failed", r.failed);
  append_field(out, "requests_per_s", r.requests_per_s);
  append_field(out, "input_tokens_per_s", r.input_tokens_per_s);
  append_field(out, "output_tokens_per_s", r.output_tokens_per_s);
  append_field(out, "goodput_requests_per_s", r.goodput_requests_per_s);
  append_key(out, "errors");
  out += '{';
  for (const auto& [type, count] : r.errors) {
    append_field(out, type, count);
  }
  close_object(out);
  out += ",\"latency\":{";
  append_summary(out, "ttft", r.ttft);
  append_summary(out, "tpot", r.tpot);
  append_summary(out, "itl", r.itl);
  append_summary(out, "e2e", r.e2e);
  close_object(out);
  out += ',';
  append_histogram(out, ttft_histogram(r.ttft_values));
  out += '}';
}

}  // namespace

TtftHistogram ttft_histogram(const std::vector<double>& values, int bins) {
  bins = std::max(bins, 1);
  TtftHistogram h;
  // The driver hands over an ascending, finite sample; anything else is sorted into a copy
  // rather than trusted, because the percentile below needs order.
  const std::vector<double>* sorted = &values;
  std::vector<double> copy;
  const auto finite = [](double v) { return std::isfinite(v); };
  if (!std::all_of(values.begin(), values.end(), finite) ||
      !std::is_sorted(values.begin(), values.end())) {
    std::copy_if(values.begin(), values.end(), std::back_inserter(copy), finite);
    std::sort(copy.begin(), copy.end());
    sorted = &copy;
  }
  if (sorted->empty()) {
    return h;
  }
  h.lo = sorted->front();
  double top = percentile_sorted(*sorted, 99.9);
  double span = top - h.lo;
  if (!(span > 0)) {  // every value (up to p99.9) equal: one narrow, visible first bin
    top = h.lo;
    span = std::max(std::abs(h.lo) * 0.01, 1e-6);
  }
  h.width = span / bins;
  h.counts.assign(static_cast<std::size_t>(bins), 0);
  const auto last = static_cast<std::size_t>(bins - 1);
  for (double v : *sorted) {
    if (v > top) {
      ++h.overflow;
      continue;
    }
    // (v - lo) / width is in [0, bins] here; the top edge itself belongs to the last bin.
    const auto idx = static_cast<std::size_t>((v - h.lo) / h.width);
    ++h.counts[std::min(idx, last)];
  }
  return h;
}

std::string report_data_json(const std::vector<StageReport>& stages, const ReportContext& context) {
  std::string out = "{\"context\":{";
  append_field(out, "title", context.title);
  append_field(out, "command_line", context.command_line);
  append_field(out, "target_url", context.target_url);
  append_field(out, "dataset", context.dataset);
  append_field(out, "started_at", context.started_at);
  close_object(out);
  out += ",\"stages\":[";
  const char* sep = "";
  for (const StageReport& r : stages) {
    out += sep;
    sep = ",";
    append_stage(out, r);
  }
  out += "]}";
  // '<' only occurs inside JSON strings, where \u003c means the same character to JSON.parse but
  // gives the HTML tokenizer nothing to end the script element with.
  if (out.find('<') == std::string::npos) {
    return out;
  }
  std::string safe;
  safe.reserve(out.size() + 64);
  for (char c : out) {
    if (c == '<') {
      safe += "\\u003c";
    } else {
      safe += c;
    }
  }
  return safe;
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace sluice::bench
