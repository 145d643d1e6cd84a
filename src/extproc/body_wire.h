// The two ext_proc messages that carry HTTP bodies, read from and written to protobuf's wire bytes
// directly instead of through pb::ProcessingRequest / pb::ProcessingResponse objects. Bodies are
// most of an EPP's bytes (a 100 KiB prompt goes in and comes back out); with message objects each
// body was copied into the parsed message, then into the response message, then serialized. Here
// the incoming body is a view into the received frame and the echo is written once, into the
// framed output. Anything unusual falls back to protobuf (read_body_message returns nullopt), so
// these need to know only the fields they touch.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice::extproc {

enum class BodyDirection { kRequest, kResponse };

/// A ProcessingRequest whose `request` is request_body or response_body (an HttpBody).
struct BodyMessage {
  BodyDirection direction = BodyDirection::kRequest;
  std::string_view body;  ///< points into the wire bytes read_body_message was given
  bool end_of_stream = false;
};

/// Reads `wire` (one serialized ProcessingRequest) when it is a body message; nullopt when it is
/// another kind, or malformed, or encoded unusually (a body field repeated, which protobuf would
/// merge): parse those with protobuf. Other top-level fields (metadata_context, attributes, ...)
/// are skipped: the body path does not read them.
std::optional<BodyMessage> read_body_message(std::string_view wire);

/// Appends one gRPC frame holding the ProcessingResponse
///   {request_body|response_body: {response: {body_mutation: {streamed_response:
///     {body, end_of_stream}}}}}
/// byte for byte as protobuf serializes it: FULL_DUPLEX_STREAMED's echo of a body chunk.
void append_streamed_body_frame(std::string& out, BodyDirection direction, std::string_view body,
                                bool end_of_stream);

}  // namespace sluice::extproc
