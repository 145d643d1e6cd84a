// What the HTTP/2 gRPC server (grpc_h2_server.h) asks of one RPC: a bidirectional stream of
// serialized messages. All calls for one stream come from the thread of its connection, one at a
// time, so an implementation needs no lock.
#pragma once

#include "extproc/grpc_wire.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::extproc {

class GrpcStream {
 public:
  virtual ~GrpcStream() = default;
  /// One whole request message. Responses are appended to `out` already framed
  /// (append_grpc_frame). A status ends the RPC once `out` is sent; nullopt keeps it open.
  virtual std::optional<GrpcStatus> on_message(std::string_view message, std::string& out) = 0;
  /// The client closed its side: the status to end the RPC with.
  virtual GrpcStatus on_half_close() { return {}; }
  /// The RPC ended with `status`: its own (from on_message or on_half_close) or one the server
  /// decided (a compressed or oversized message, a stream cut mid-message). Not called when the
  /// client reset the stream or the connection was lost; the stream is just destroyed.
  virtual void on_end(const GrpcStatus& /*status*/) {}
};

/// Creates the RPC for a request's :path ("/package.Service/Method"); nullptr answers
/// UNIMPLEMENTED. Called from every worker thread at once.
using GrpcStreamFactory = std::function<std::unique_ptr<GrpcStream>(std::string_view path)>;

struct GrpcServerLimits {
  std::size_t max_message_bytes = 4u << 20;     ///< gRPC's own default receive limit
  std::uint32_t max_concurrent_streams = 1024;  ///< per connection (SETTINGS and enforced)
  /// Receive windows: large enough that a 100 KiB prompt never waits for a WINDOW_UPDATE.
  std::int32_t stream_window_bytes = 1 << 20;
  std::int32_t connection_window_bytes = 16 << 20;
  /// A connection that has not sent HTTP/2's preface by then is closed.
  std::chrono::milliseconds handshake_timeout{10'000};
};

}  // namespace sluice::extproc
