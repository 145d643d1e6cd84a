#include "bench/request_metrics.h"

#include <charconv>
#include <cmath>
#include <string>

namespace sluice::bench {
namespace {

double seconds_between(TimePoint from, TimePoint to) { return to_seconds(to - from); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error slo_error(std::string_view spec, const std::string& why) {
  return make_error(ErrorCode::kInvalidArgument,
                    "invalid SLO spec '" + std::string(spec) + "': " + why, "slo");
}

}  // namespace

std::optional<double> RequestMetrics::mean_itl() const {
  if (itl_per_chunk.empty()) return std::nullopt;
  double sum = 0;
  for (double g : itl_per_chunk) sum += g;
  return sum / static_cast<double>(itl_per_chunk.size());
}

RequestMetrics compute_metrics(const RequestRecord& r) {
  RequestMetrics m;
  m.e2e = seconds_between(r.sent, r.end);
  m.schedule_delay = seconds_between(r.scheduled, r.sent);
  if (r.output_tokens > 0) m.ntpot = m.e2e / r.output_tokens;
  const auto& times = r.chunk_times;
  if (times.empty()) return m;
  m.ttft = seconds_between(r.sent, times.front());
  if (r.output_tokens > 1) {
    m.tpot = seconds_between(times.front(), times.back()) / (r.output_tokens - 1);
  }
  const std::size_t gaps = times.size() - 1;
  m.itl_per_chunk.reserve(gaps);
  std::size_t token_slots = 0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    const std::uint32_t k = i < r.chunk_tokens.size() ? r.chunk_tokens[i] : 1;
    token_slots += k == 0 ? 1 : k;
  }
  m.itl_per_token.reserve(token_slots);
  for (std::size_t i = 1; i < times.size(); ++i) {
    const double gap = seconds_between(times[i - 1], times[i]);
    m.itl_per_chunk.push_back(gap);
    std::uint32_t k = i < r.chunk_tokens.size() ? r.chunk_tokens[i] : 1;
    if (k == 0) k = 1;
    const double per_token = gap / k;
    m.itl_per_token.insert(m.itl_per_token.end(), k, per_token);
  }
  return m;
}

Result<Slo> Slo::parse(std::string_view spec) {
  Slo slo;
  std::string_view rest = spec;
  while (!trim(rest).empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      return slo_error(spec, "expected KEY=VALUE, got '" + std::string(item) + "'");
    }
    const std::string_view key = trim(item.substr(0, eq));
    const std::string_view value = trim(item.substr(eq + 1));
    std::optional<double>* target = nullptr;
    if (key == "ttft") target = &slo.ttft;
    if (key == "tpot") target = &slo.tpot;
    if (key == "itl") target = &slo.itl;
    if (key == "ntpot") target = &slo.ntpot;
    if (key == "e2e") target = &slo.e2e;
    if (target == nullptr) {
      return slo_error(
          spec, "unknown key '" + std::string(key) + "' (expected ttft, tpot, itl, ntpot or e2e)");
    }
    if (target->has_value()) return slo_error(spec, "key '" + std::string(key) + "' repeated");
    double number = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || ptr == value.data() || !std::isfinite(number)) {
      return slo_error(spec, "'" + std::string(key) + "' needs a number with a unit (s, ms, us)");
    }
    const std::string_view unit = trim(value.substr(static_cast<std::size_t>(ptr - value.data())));
    double scale = 0;
    if (unit == "s") scale = 1.0;
    if (unit == "ms") scale = 1e-3;
    if (unit == "us") scale = 1e-6;
    if (scale == 0) {
      return slo_error(spec, "'" + std::string(key) + "' has unit '" + std::string(unit) +
                                 "' (expected s, ms or us)");
    }
    if (number < 0) return slo_error(spec, "'" + std::string(key) + "' must be >= 0");
    *target = number * scale;
  }
  return slo;
}

bool Slo::met(const RequestMetrics& m) const {
  auto within = [](const std::optional<double>& limit, const std::optional<double>& value) {
    return !limit || (value && *value <= *limit);
  };
  return within(ttft, m.ttft) && within(tpot, m.tpot) && within(itl, m.mean_itl()) &&
         within(ntpot, m.ntpot) && within(e2e, std::optional<double>(m.e2e));
}

}  // namespace sluice::bench
