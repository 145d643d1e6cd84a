// Failure injection for the simulator (all off by default): a random error rate with a status mix,
// added latency, connections dropped mid-stream, and a request header that forces an outcome.
// Pure: decisions take the replica's PRNG state and the header value, so tests are deterministic.
#pragma once

#include "core/clock.h"
#include "core/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::sim {

/// Request header that forces an outcome: an HTTP status ("429", "500", "503", ...) answered with
/// an OpenAI-style error, or "drop" to cut a streaming response's connection after the first token.
inline constexpr std::string_view kForceErrorHeader = "x-sim-force-error";

struct FailureOptions {
  double error_rate = 0;  ///< fraction 0..1 of completion requests answered with an error
  /// Relative weights of the injected statuses (`--error-mix 429=1,500=1,503=2`).
  std::vector<std::pair<int, double>> status_mix = {{429, 1}, {500, 1}, {503, 1}};
  Duration added_latency{};  ///< extra delay before a completion request is processed
  double drop_rate = 0;      ///< fraction 0..1 of streaming responses cut mid-stream
};

/// Parses "429=1,500=2" into a status mix; statuses must be 4xx/5xx, weights > 0.
Result<std::vector<std::pair<int, double>>> parse_status_mix(std::string_view text);

struct FailureDecision {
  std::optional<int> status;                       ///< answer with this error instead of serving
  std::optional<std::uint32_t> drop_after_tokens;  ///< cut the stream after this many tokens
};

/// Decides what happens to one request. `forced` is the kForceErrorHeader value (empty if absent).
/// `output_tokens` bounds where a dropped stream is cut.
Result<FailureDecision> decide_failure(const FailureOptions& options, std::uint64_t& rng,
                                       std::string_view forced, std::uint32_t output_tokens);

/// The message of an injected error of `status`.
std::string injected_error_message(int status);

}  // namespace sluice::sim
