// Per-server limits on what a client may send and how long it may take. Every input that reaches
// the server is bounded by one of these.
#pragma once

#include "core/clock.h"

#include <chrono>
#include <cstddef>

namespace sluice::net {

struct ServerLimits {
  /// Request line plus header fields. Over -> 431 and close.
  std::size_t max_header_bytes = 16 * 1024;
  /// Request body (after de-chunking). Over -> 413 with an OpenAI-style JSON error body, close.
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  /// To read a whole request once its first byte arrived. Over -> close without a response.
  Duration read_timeout = std::chrono::seconds(30);
  /// Waiting for the first byte of a request (a fresh connection or keep-alive between requests).
  Duration idle_timeout = std::chrono::seconds(60);
  /// Per write: a client that does not drain a response chunk in time is dropped.
  Duration write_timeout = std::chrono::seconds(30);
};

}  // namespace sluice::net
