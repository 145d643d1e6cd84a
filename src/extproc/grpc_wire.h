// gRPC's framing on top of HTTP/2 (the "Length-Prefixed-Message" of the gRPC over HTTP/2
// protocol): a 1-byte compressed flag, a 4-byte big-endian length, the serialized message. And the
// status codes and grpc-message encoding the trailers carry. Pure: no sockets, no HTTP/2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace google::protobuf {
class MessageLite;
}

namespace sluice::extproc {

/// The gRPC status codes this server sends (values fixed by the gRPC protocol).
enum class GrpcCode : int {
  kOk = 0,
  kCancelled = 1,
  kInvalidArgument = 3,
  kResourceExhausted = 8,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
};

/// The code's canonical name ("OK", "CANCELLED", ...), as gRPC's tools print it.
const char* grpc_code_name(GrpcCode code);

struct GrpcStatus {
  GrpcCode code = GrpcCode::kOk;
  std::string message;
};

/// Reassembles messages from a stream's DATA bytes, however HTTP/2 split them. A message that
/// arrives whole within one feed() is handed out in place, as a view into the fed bytes; only a
/// message split across feeds is copied, once, into a buffer sized for it.
class GrpcFrameReader {
 public:
  enum class Next {
    kMessage,     ///< message() holds one whole message
    kNeedMore,    ///< every byte fed so far is consumed; feed more
    kCompressed,  ///< a compressed message: this server accepts identity only
    kTooLarge,    ///< the length prefix is over the limit
  };

  explicit GrpcFrameReader(std::size_t max_message_bytes) : max_(max_message_bytes) {}

  /// Adds bytes; call next() until it stops returning kMessage. The bytes must stay valid until
  /// then (messages may point into them).
  void feed(std::string_view bytes) { input_ = bytes; }
  Next next();
  /// The message next() just returned; valid until the next feed()/next().
  std::string_view message() const { return message_; }
  /// True when a message is partly received (the stream must not end here).
  bool mid_message() const { return (!partial_.empty() && !partial_delivered_) || !input_.empty(); }

 private:
  Next take_partial();

  std::size_t max_;
  std::string_view input_;  ///< fed bytes not consumed yet (the caller's memory)
  std::string partial_;     ///< a message split across feeds, prefix included, being completed
  bool partial_delivered_ = false;  ///< partial_ was handed out; cleared by the next call
  std::string_view message_;
};

/// Appends `message` with its 5-byte prefix (not compressed) to `out`.
void append_grpc_frame(std::string& out, const google::protobuf::MessageLite& message);

/// grpc-message's encoding: bytes outside printable ASCII, and '%', as %XX.
std::string percent_encode_grpc_message(std::string_view text);

}  // namespace sluice::extproc
