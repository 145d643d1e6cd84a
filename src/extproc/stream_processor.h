// One ext_proc stream (one HTTP request through Envoy) as the Inference Gateway's Endpoint Picker
// protocol wants it, with Envoy's FULL_DUPLEX_STREAMED body mode:
//
//   request headers   -> nothing yet (or, with no body, pick at once)
//   request body      -> accumulated to end_of_stream; then pick and answer, in this order, the
//                        request headers (clear_route_cache, x-gateway-destination-endpoint =
//                        primary,fallback,..., the same value as dynamic metadata envoy.lb) and
//                        the body echoed in chunks of at most 62,000 bytes; the routing control
//                        headers (x-llm-d-*, x-gateway-*) removed
//   request trailers  -> an empty trailers response, after the body
//   response headers  -> status and streaming noted; x-conformance-test-served-endpoint added
//   response body     -> every chunk echoed at once (after a model rewrite, with the client's
//                        model name back); usage and time to first token read on the way
//   response trailers -> an empty trailers response
//
// A rejection is an ImmediateResponse (503 no endpoint, 429 shed with
// x-llm-d-request-dropped-reason, 413 body too large, 400/404 from the picker), after which the
// stream is done. Answers are appended to the caller's buffer already framed for gRPC, and body
// messages are read and echoed without protobuf objects (body_wire.h), so a body is copied once on
// the way in and once on the way out. Pure: no sockets, no clock but std::chrono::steady_clock, so
// it is unit-tested message by message; the gRPC server (grpc_h2_server.h) only moves bytes.
#pragma once

#include "envoy/service/ext_proc/v3/external_processor.pb.h"
#include "extproc/body_wire.h"
#include "extproc/picker.h"
#include "openai/usage_scanner.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::extproc {

namespace pb = envoy::service::ext_proc::v3;

/// Envoy limits a streamed body chunk to 64 KiB in some builds; the reference EPP uses 62,000.
inline constexpr std::size_t kBodyChunkBytes = 62'000;
inline constexpr const char* kDestinationHeader = "x-gateway-destination-endpoint";
inline constexpr const char* kServedKey = "x-gateway-destination-endpoint-served";
inline constexpr const char* kLbNamespace = "envoy.lb";
inline constexpr const char* kSubsetNamespace = "envoy.lb.subset_hint";
inline constexpr const char* kSubsetKey = "x-gateway-destination-endpoint-subset";
inline constexpr const char* kConformanceSelectionHeader = "test-epp-endpoint-selection";
inline constexpr const char* kConformanceServedHeader = "x-conformance-test-served-endpoint";
inline constexpr const char* kDroppedReasonHeader = "x-llm-d-request-dropped-reason";

struct StreamLimits {
  std::size_t max_body_bytes = 16u << 20;  ///< larger request bodies get 413
};

class StreamProcessor {
 public:
  explicit StreamProcessor(Picker& picker, StreamLimits limits = {});
  /// A routed request whose response never finished is reported as cancelled.
  ~StreamProcessor();
  StreamProcessor(const StreamProcessor&) = delete;
  StreamProcessor& operator=(const StreamProcessor&) = delete;

  enum class Accepted {
    kYes,
    kUnparsable,  ///< not a ProcessingRequest
    kOutOfOrder,  ///< breaks the protocol: a body before the headers, an empty message
  };
  /// Handles one serialized ProcessingRequest from Envoy, appending the gRPC frames of the
  /// responses to send (in order) to `out`. Anything but kYes: the caller ends the stream with
  /// INVALID_ARGUMENT.
  Accepted on_wire_message(std::string_view wire, std::string& out);

  /// An ImmediateResponse was sent: Envoy needs nothing more on this stream.
  bool done() const { return done_; }

 private:
  /// on_wire_message for a message protobuf parsed; false when it breaks the protocol.
  bool on_message(const pb::ProcessingRequest& in, std::string& out);
  /// The same for a body message read in place (body_wire.h).
  bool on_body(const BodyMessage& body, std::string& out);
  void on_request_headers(const pb::ProcessingRequest& in, std::string& out);
  void on_request_body(std::string_view chunk, bool end_of_stream, std::string& out);
  void route(bool has_body, bool body_ends_stream, std::string& out);
  void on_response_headers(const pb::ProcessingRequest& in, std::string& out);
  void on_response_body(std::string_view chunk, bool end_of_stream, std::string& out);
  void reject(int status, const std::string& body, const std::string& dropped_reason,
              std::string& out);
  void finish(bool cancelled);

  Picker& picker_;
  StreamLimits limits_;
  HeaderList headers_;
  PickRequest request_;
  pb::ProcessingRequest parsed_;  ///< the last message that needed protobuf (kept: its buffers)
  std::string body_;
  bool headers_seen_ = false;
  bool routed_ = false;
  bool finished_ = false;
  bool done_ = false;
  PickResult pick_;
  RequestOutcome outcome_;
  openai::UsageScanner usage_;
  std::chrono::steady_clock::time_point routed_at_;
  std::chrono::steady_clock::time_point last_chunk_at_;  ///< of the response body
};

}  // namespace sluice::extproc
