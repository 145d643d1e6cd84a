// The per-request input to scheduling: only what routing needs, all borrowed (no copies).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sluice::scheduling {

/// What the gateway extracted from one request. Every view must outlive the `Scheduler::pick`
/// call that reads it.
struct SchedulingRequest {
  std::string_view model;       ///< target model after rewrites (base model or adapter name)
  bool is_adapter = false;      ///< `model` is a LoRA adapter
  std::string_view base_model;  ///< the adapter's base model (empty for base-model requests)
  /// Prompt prefix block hashes from prompt_block_hashes() (may be empty: no prefix scoring).
  std::span<const std::uint64_t> prefix_hashes;
  std::string_view session_key;  ///< optional: sticky-session key (e.g. x-session-id)
  /// Optional: the endpoint this session used last (e.g. from a gateway-issued cookie).
  std::optional<std::uint32_t> session_endpoint;
  int priority = 0;                 ///< InferenceObjective priority; negative = sheddable
  std::uint64_t size_estimate = 0;  ///< request size estimate (prompt bytes or tokens)
};

}  // namespace sluice::scheduling
