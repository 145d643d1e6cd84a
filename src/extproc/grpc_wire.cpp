#include "extproc/grpc_wire.h"

#include <algorithm>
#include <google/protobuf/message_lite.h>

namespace sluice::extproc {

namespace {

constexpr std::size_t kPrefixBytes = 5;

/// The message length a 5-byte prefix announces.
std::size_t prefixed_length(const char* prefix) {
  const auto* p = reinterpret_cast<const unsigned char*>(prefix);
  return (std::size_t{p[1]} << 24) | (std::size_t{p[2]} << 16) | (std::size_t{p[3]} << 8) |
         std::size_t{p[4]};
}
}  // namespace

GrpcFrameReader::Next GrpcFrameReader::next() {
  if (partial_delivered_) {
    partial_.clear();  // keeps its capacity for the next split message
    partial_delivered_ = false;
  }
  if (!partial_.empty()) return take_partial();
  if (input_.empty()) return Next::kNeedMore;
  if (input_.size() >= kPrefixBytes) {
    if (input_[0] != 0) return Next::kCompressed;
    const std::size_t length = prefixed_length(input_.data());
    if (length > max_) return Next::kTooLarge;
    if (input_.size() >= kPrefixBytes + length) {  // whole: no copy
      message_ = input_.substr(kPrefixBytes, length);
      input_.remove_prefix(kPrefixBytes + length);
      return Next::kMessage;
    }
    partial_.reserve(kPrefixBytes + length);
  }
  return take_partial();
}

GrpcFrameReader::Next GrpcFrameReader::take_partial() {
  auto take = [this](std::size_t want) {
    const std::size_t n = std::min(want, input_.size());
    partial_.append(input_.substr(0, n));
    input_.remove_prefix(n);
  };
  if (partial_.size() < kPrefixBytes) {
    take(kPrefixBytes - partial_.size());
    if (partial_.size() < kPrefixBytes) return Next::kNeedMore;
    if (partial_[0] != 0) return Next::kCompressed;
    const std::size_t length = prefixed_length(partial_.data());
    if (length > max_) return Next::kTooLarge;
    partial_.reserve(kPrefixBytes + length);
  }
  const std::size_t whole = kPrefixBytes + prefixed_length(partial_.data());
  take(whole - partial_.size());
  if (partial_.size() < whole) return Next::kNeedMore;
  message_ = std::string_view(partial_).substr(kPrefixBytes);
  partial_delivered_ = true;
  return Next::kMessage;
}

void append_grpc_frame(std::string& out, const google::protobuf::MessageLite& message) {
  const std::size_t length = message.ByteSizeLong();
  const std::size_t at = out.size();
  out.resize(at + kPrefixBytes + length);
  auto* p = reinterpret_cast<unsigned char*>(out.data() + at);
  p[0] = 0;
  p[1] = static_cast<unsigned char>(length >> 24);
  p[2] = static_cast<unsigned char>(length >> 16);
  p[3] = static_cast<unsigned char>(length >> 8);
  p[4] = static_cast<unsigned char>(length);
  message.SerializeWithCachedSizesToArray(p + kPrefixBytes);
}

const char* grpc_code_name(GrpcCode code) {
  switch (code) {
    case GrpcCode::kOk:
      return "OK";
    case GrpcCode::kCancelled:
      return "CANCELLED";
    case GrpcCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case GrpcCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case GrpcCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case GrpcCode::kInternal:
      return "INTERNAL";
    case GrpcCode::kUnavailable:
      return "UNAVAILABLE";
  }
  return "UNKNOWN";
}

std::string percent_encode_grpc_message(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte <= 0x7e && byte != '%') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

}  // namespace sluice::extproc
