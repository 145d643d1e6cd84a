#include "extproc/body_wire.h"

#include <cstdint>

namespace sluice::extproc {

namespace {

// Protobuf's wire types and the field numbers of external_processor.proto this file touches.
constexpr std::uint32_t kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;
constexpr std::uint32_t kRequestBodyField = 4, kResponseBodyField = 5;  // ProcessingRequest
constexpr std::uint32_t kBodyField = 1, kEndOfStreamField = 2;          // HttpBody
// ProcessingRequest's other `request` oneof members: their presence means "not a body message".
constexpr std::uint32_t kOtherRequestFields[] = {2, 3, 6, 7};
// ProcessingResponse.request_body / response_body; BodyResponse.response;
// CommonResponse.body_mutation; BodyMutation.streamed_response; StreamedBodyResponse's two.
constexpr std::uint32_t kResponseRequestBody = 3, kResponseResponseBody = 4, kBodyResponse = 1,
                        kBodyMutation = 3, kStreamedResponse = 3;

constexpr std::uint8_t key(std::uint32_t field, std::uint32_t wire_type) {
  return static_cast<std::uint8_t>(field << 3 | wire_type);
}

bool read_varint(std::string_view& in, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    value |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80u) == 0) return true;
  }
  return false;
}

bool read_length_delimited(std::string_view& in, std::string_view& value) {
  std::uint64_t length = 0;
  if (!read_varint(in, length) || length > in.size()) return false;
  value = in.substr(0, length);
  in.remove_prefix(length);
  return true;
}

/// Skips one field's value; false for groups (deprecated, never in these messages) or truncation.
bool skip(std::string_view& in, std::uint32_t wire_type) {
  std::uint64_t ignored_varint = 0;
  std::string_view ignored_bytes;
  switch (wire_type) {
    case kVarint:
      return read_varint(in, ignored_varint);
    case kLengthDelimited:
      return read_length_delimited(in, ignored_bytes);
    case kFixed64:
    case kFixed32: {
      const std::size_t n = wire_type == kFixed64 ? 8 : 4;
      if (in.size() < n) return false;
      in.remove_prefix(n);
      return true;
    }
    default:
      return false;
  }
}

/// Reads a field key; false at malformed input or field number 0.
bool read_key(std::string_view& in, std::uint32_t& field, std::uint32_t& wire_type) {
  std::uint64_t k = 0;
  if (!read_varint(in, k) || (k >> 3) == 0 || (k >> 3) > 0x1fffffff) return false;
  field = static_cast<std::uint32_t>(k >> 3);
  wire_type = static_cast<std::uint32_t>(k & 7);
  return true;
}

bool read_http_body(std::string_view in, BodyMessage& out) {
  while (!in.empty()) {
    std::uint32_t field = 0, wire_type = 0;
    if (!read_key(in, field, wire_type)) return false;
    if (field == kBodyField && wire_type == kLengthDelimited) {
      if (!read_length_delimited(in, out.body)) return false;  // a repeated scalar: the last wins
    } else if (field == kEndOfStreamField && wire_type == kVarint) {
      std::uint64_t value = 0;
      if (!read_varint(in, value)) return false;
      out.end_of_stream = value != 0;
    } else if (field == kBodyField || field == kEndOfStreamField || !skip(in, wire_type)) {
      return false;  // a known field with the wrong wire type, or a truncated unknown one
    }
  }
  return true;
}

std::size_t varint_size(std::size_t value) {
  std::size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

void append_varint(std::string& out, std::size_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

/// The size of a length-delimited field holding `length` bytes, key included (keys here are 1
/// byte).
std::size_t field_size(std::size_t length) { return 1 + varint_size(length) + length; }

void append_field_header(std::string& out, std::uint32_t field, std::size_t length) {
  out += static_cast<char>(key(field, kLengthDelimited));
  append_varint(out, length);
}

}  // namespace

std::optional<BodyMessage> read_body_message(std::string_view wire) {
  std::optional<BodyMessage> message;
  while (!wire.empty()) {
    std::uint32_t field = 0, wire_type = 0;
    if (!read_key(wire, field, wire_type)) return std::nullopt;
    if (field == kRequestBodyField || field == kResponseBodyField) {
      std::string_view http_body;
      if (message || wire_type != kLengthDelimited || !read_length_delimited(wire, http_body))
        return std::nullopt;
      message.emplace();
      message->direction =
          field == kRequestBodyField ? BodyDirection::kRequest : BodyDirection::kResponse;
      if (!read_http_body(http_body, *message)) return std::nullopt;
      continue;
    }
    for (const std::uint32_t other : kOtherRequestFields) {
      if (field == other) return std::nullopt;
    }
    if (!skip(wire, wire_type)) return std::nullopt;
  }
  return message;
}

void append_streamed_body_frame(std::string& out, BodyDirection direction, std::string_view body,
                                bool end_of_stream) {
  // Sizes from the inside out; proto3 leaves out an empty body and a false end_of_stream.
  const std::size_t streamed =
      (body.empty() ? 0 : field_size(body.size())) + (end_of_stream ? 2 : 0);
  const std::size_t mutation = field_size(streamed);
  const std::size_t common = field_size(mutation);
  const std::size_t body_response = field_size(common);
  const std::size_t message = field_size(body_response);

  out.reserve(out.size() + 5 + message);
  out += '\0';  // gRPC's prefix: not compressed, then the length, big-endian
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(message >> shift);
  append_field_header(
      out, direction == BodyDirection::kRequest ? kResponseRequestBody : kResponseResponseBody,
      body_response);
  append_field_header(out, kBodyResponse, common);
  append_field_header(out, kBodyMutation, mutation);
  append_field_header(out, kStreamedResponse, streamed);
  if (!body.empty()) {
    append_field_header(out, kBodyField, body.size());
    out.append(body);
  }
  if (end_of_stream) {
    out += static_cast<char>(key(kEndOfStreamField, kVarint));
    out += '\1';
  }
}

}  // namespace sluice::extproc
