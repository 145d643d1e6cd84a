#include "extproc/grpc_wire.h"

#include <google/protobuf/message_lite.h>

namespace sluice::extproc {

namespace {
constexpr std::size_t kPrefixBytes = 5;
}

GrpcFrameReader::Next GrpcFrameReader::next() {
  // Drop what earlier calls consumed once it is most of the buffer, so the buffer stays at about
  // one message however long the stream.
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  const std::size_t available = buffer_.size() - consumed_;
  if (available < kPrefixBytes) return Next::kNeedMore;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + consumed_);
  if (p[0] != 0) return Next::kCompressed;
  const std::size_t length = (std::size_t{p[1]} << 24) | (std::size_t{p[2]} << 16) |
                             (std::size_t{p[3]} << 8) | std::size_t{p[4]};
  if (length > max_) return Next::kTooLarge;
  if (available < kPrefixBytes + length) {
    // Room for the whole message now, so its remaining pieces are not copied again as it grows.
    buffer_.reserve(consumed_ + kPrefixBytes + length);
    return Next::kNeedMore;
  }
  message_ = std::string_view(buffer_).substr(consumed_ + kPrefixBytes, length);
  consumed_ += kPrefixBytes + length;
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
