// The routing decision for one OpenAI-style request, with no transport attached, shared by the
// HTTP gateway and the ext_proc Endpoint Picker:
//
//   peek the body (model, stream, prompt) -> model -> pool -> objective priority -> rewrite
//   (explicit header, else the pool's weighted canary rules) -> "is the model served here" ->
//   admission (a saturated pool sheds sheddable requests) -> prefix hashing and scheduling
//   -> ranked endpoints (primary, then fallbacks).
//
// A rejection carries the HTTP status, the OpenAI error body and the reason header value the
// reference EPP uses (`rejected-saturated`, `rejected-no-endpoints`). Runs on the caller's
// worker thread with the worker's own WorkerRouter: no locks.
#pragma once

#include "routing/routing_table.h"
#include "routing/worker_router.h"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::routing {

struct RouteInput {
  std::string_view body;       ///< the request body (JSON)
  std::size_t capacity = 0;    ///< bytes allocated behind body.data() (the parser reads padding)
  std::string_view objective;  ///< x-llm-d-inference-objective (or its alias)
  std::string_view model_rewrite;  ///< x-llm-d-model-name-rewrite (or its alias)
  std::string_view session_key;    ///< x-session-id / x-session-token
  /// When set, only endpoints it accepts may be chosen (the EPP's subset hints).
  const std::function<bool(const scheduling::EndpointView&)>* eligible = nullptr;
  std::size_t max_ranked = 1;  ///< primary plus fallbacks wanted (at most kMaxRanked)
  /// The pool every request goes to (an EPP serves one InferencePool); unset: by model.
  std::optional<std::uint32_t> pool;
};

enum class Rejection : std::uint8_t { kNone, kMalformed, kUnknownModel, kSaturated, kNoEndpoint };

struct RouteDecision {
  static constexpr std::size_t kMaxRanked = 8;
  static constexpr std::uint32_t kNoPool = UINT32_MAX;

  Rejection rejection = Rejection::kNone;
  int status = 0;                   ///< HTTP status of a rejection
  std::string error_body;           ///< OpenAI error JSON of a rejection
  std::string_view dropped_reason;  ///< x-llm-d-request-dropped-reason (429 / 503), else empty
  std::string_view error;           ///< short text for logs ("unknown model")

  std::uint32_t pool = kNoPool;
  std::string model;         ///< as the client asked
  std::string target_model;  ///< after rewrites
  bool stream = false;
  int priority = 0;
  std::string rewritten_body;  ///< non-empty when the model was rewritten in the body
  std::array<std::uint32_t, kMaxRanked> ranked{};  ///< endpoint indexes in the pool
  std::size_t ranked_count = 0;
  std::vector<std::uint64_t> hashes;  ///< prefix hashes, kept when there are fallbacks
  bool scheduled = false;             ///< the scheduler ran (its timings are worth recording)
  double scheduling_seconds = 0;
};

RouteDecision decide(const RoutingTable& table, WorkerRouter& router, const RouteInput& input);

}  // namespace sluice::routing
