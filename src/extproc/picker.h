// What the ext_proc stream asks of the routing brain: given one request (its headers, its whole
// body, and the candidate restrictions Envoy or a conformance test put on it), an ordered list of
// endpoints or a rejection. The gateway's scheduler stands behind it in `sluice epp`; tests use
// their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::extproc {

/// Request headers as Envoy sent them: names lower-cased, values from raw_value (or value).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// The value of header `name` (lower-case), or nullopt.
std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view name);

struct PickRequest {
  const HeaderList* headers = nullptr;
  std::string_view body;  ///< the whole request body; empty without one
  /// Readable bytes from body.data() (>= body.size()); the JSON parser reads past the end.
  std::size_t body_capacity = 0;
  bool has_body = false;  ///< false: the request ended with its headers (route at random)
  /// envoy.lb.subset_hint: only these "ip:port" endpoints may be chosen (set = present, even
  /// empty).
  std::optional<std::vector<std::string>> subset;
  /// `test-epp-endpoint-selection`: only endpoints with these IPs (conformance hook).
  std::optional<std::vector<std::string>> only_ips;
};

struct PickResult {
  /// 0: routed to `endpoints`. Otherwise the HTTP status of an ImmediateResponse (400, 404, 429,
  /// 503) with `error_body` (OpenAI error JSON) and `dropped_reason`
  /// (x-llm-d-request-dropped-reason, may be empty).
  int status = 0;
  std::vector<std::string> endpoints;  ///< "ip:port", primary first, then fallbacks in order
  /// Non-empty: the body to send upstream instead of the client's (a model rewrite)...
  std::string rewritten_body;
  /// ...in which case the response's `"model":"<target_model>"` goes back as the client's name.
  std::string client_model;
  std::string target_model;
  std::string error_body;
  std::string dropped_reason;
  /// Opaque to the stream; given back to Picker::finish().
  std::uint64_t ticket = 0;
  std::uint32_t series = 0;
};

/// How a routed request ended, reported once per routed request.
struct RequestOutcome {
  std::string served;  ///< the endpoint that served it (from Envoy's metadata), else the primary
  int status = 0;      ///< upstream HTTP status (0 if no response came back)
  bool stream = false;
  std::chrono::nanoseconds duration{0};          ///< from the routing decision to the end
  std::uint64_t request_bytes = 0;               ///< the request body as the client sent it
  std::uint64_t response_bytes = 0;              ///< response body bytes seen on the way back
  std::optional<std::chrono::nanoseconds> ttft;  ///< first response body byte, for streams
  std::optional<std::uint64_t> prompt_tokens;
  std::optional<std::uint64_t> completion_tokens;
  std::optional<std::uint64_t> cached_tokens;  ///< prompt tokens the server had cached
  /// The EPP's own time on this request's messages: request path, response path.
  std::chrono::nanoseconds request_processing{0};
  std::chrono::nanoseconds response_processing{0};
  bool cancelled = false;  ///< the stream ended before the response did
};

class Picker {
 public:
  virtual ~Picker() = default;
  virtual PickResult pick(const PickRequest& request) = 0;
  /// Called once for every request pick() routed (status 0).
  virtual void finish(const PickResult& pick, const RequestOutcome& outcome) = 0;
  /// A streaming response's chunk came `gap` after the one before it.
  virtual void chunk_gap(const PickResult& /*pick*/, std::chrono::nanoseconds /*gap*/) {}
};

}  // namespace sluice::extproc
