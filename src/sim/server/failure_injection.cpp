#include "sim/server/failure_injection.h"

#include "core/hash.h"

#include <charconv>
#include <string>

namespace sluice::sim {
namespace {

double uniform01(std::uint64_t& rng) {
  return static_cast<double>(splitmix64(rng) >> 11) * 0x1.0p-53;
}

std::optional<int> parse_status(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 400 || value > 599) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Result<std::vector<std::pair<int, double>>> parse_status_mix(std::string_view text) {
  std::vector<std::pair<int, double>> mix;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    const auto status = parse_status(item.substr(0, eq));
    double weight = 1;
    if (eq != std::string_view::npos) {
      const std::string_view w = item.substr(eq + 1);
      auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
      if (ec != std::errc() || end != w.data() + w.size()) {
        weight = -1;
      }
    }
    if (!status || !(weight > 0)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "bad status mix item '" + std::string(item) +
                            "': expected STATUS=WEIGHT with a 4xx/5xx status and a weight > 0",
                        "--error-mix");
    }
    mix.emplace_back(*status, weight);
  }
  if (mix.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "empty status mix", "--error-mix");
  }
  return mix;
}

Result<FailureDecision> decide_failure(const FailureOptions& options, std::uint64_t& rng,
                                       std::string_view forced, std::uint32_t output_tokens) {
  FailureDecision decision;
  if (!forced.empty()) {
    if (forced == "drop") {
      decision.drop_after_tokens = 1;
      return decision;
    }
    const auto status = parse_status(forced);
    if (!status) {
      return make_error(ErrorCode::kInvalidArgument,
                        "header " + std::string(kForceErrorHeader) +
                            " must be an HTTP status 400-599 or 'drop', got '" +
                            std::string(forced) + "'",
                        std::string(kForceErrorHeader));
    }
    decision.status = *status;
    return decision;
  }
  if (options.error_rate > 0 && uniform01(rng) < options.error_rate) {
    double total = 0;
    for (const auto& [status, weight] : options.status_mix) {
      total += weight;
    }
    double pick = uniform01(rng) * total;
    for (const auto& [status, weight] : options.status_mix) {
      decision.status = status;
      pick -= weight;
      if (pick < 0) {
        break;
      }
    }
    return decision;
  }
  if (options.drop_rate > 0 && uniform01(rng) < options.drop_rate) {
    const std::uint32_t limit = output_tokens > 1 ? output_tokens : 1;
    decision.drop_after_tokens = 1 + static_cast<std::uint32_t>(splitmix64(rng) % limit);
  }
  return decision;
}

std::string injected_error_message(int status) {
  switch (status) {
    case 429:
      return "Simulated rate limit: too many requests (failure injection).";
    case 500:
      return "Simulated internal server error (failure injection).";
    case 503:
      return "Simulated service unavailable (failure injection).";
    default:
      return "Simulated error " + std::to_string(status) + " (failure injection).";
  }
}

}  // namespace sluice::sim
