// The gateway's access log: one JSON object per line per finished request.
//
// Per request there is no lock and no syscall: each worker appends the line to its own buffer
// (cache-line separated, reserved up front). A buffer is written with one write(2) when it passes
// the flush threshold (~16 KiB) and when the worker calls flush() (the gateway does so from a
// timer every ~200 ms and at shutdown). Only whole lines are ever written. A mutex is held for
// the duration of one buffer write, i.e. once per ~16 KiB per worker, so that a short write to a
// pipe (which the loop then completes) cannot let another worker's bytes land mid-line.
//
// Line format, fields always in this order:
//   {"time":"2026-01-02T03:04:05.678Z","method":"POST","path":"/v1/chat/completions",
//    "model":"m","target_model":"m","objective":null,"pool":"p","endpoint":"10.0.0.1:8000",
//    "status":200,"stream":true,"attempts":1,"duration_ms":12.5,"ttft_ms":3.25,
//    "scheduling_us":14.2,"input_tokens":10,"output_tokens":20,"bytes":4096,"error":null}
// Strings are JSON-escaped (control characters, quotes, backslashes); bytes that are not valid
// UTF-8 become U+FFFD, so every line parses.
//
// Writing to a pipe whose reader has gone raises SIGPIPE unless the process ignores it; with it
// ignored the write fails with EPIPE, and, as for any failed write, the buffered lines are dropped
// and counted in dropped_lines() (logged once per burst), never retried forever.
#pragma once

#include "core/result.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::gateway {

/// One finished request. Views must stay valid only for the duration of AccessLog::record().
struct AccessLogEntry {
  std::chrono::system_clock::time_point time;  ///< when the request arrived (wall clock)
  std::string_view method;
  std::string_view path;
  std::string_view model;         ///< as the client asked
  std::string_view target_model;  ///< after rewrite (equal to model without one)
  std::string_view objective;     ///< InferenceObjective name; empty -> null
  std::string_view pool;          ///< empty (rejected before routing) -> null
  std::string_view endpoint;      ///< "host:port" of the last attempt; empty -> null
  int status = 0;                 ///< HTTP status sent to the client
  bool stream = false;
  std::uint32_t attempts = 0;  ///< upstream attempts, retries included (0: never routed)
  double duration_ms = 0;
  std::optional<double> ttft_ms;  ///< first relayed body byte; null if none
  double scheduling_us = 0;
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::uint64_t bytes = 0;  ///< response body bytes relayed to the client
  std::string_view error;   ///< short cause of a failure; empty -> null
};

/// Appends `entry` as one JSON line, newline included. Exposed for tests and other sinks.
void append_access_log_line(std::string& out, const AccessLogEntry& entry);

class AccessLog {
 public:
  static constexpr std::size_t kDefaultFlushBytes = 16 * 1024;

  /// Writes to `fd` (not closed on destruction), e.g. STDOUT_FILENO.
  AccessLog(int fd, std::size_t workers, std::size_t flush_bytes = kDefaultFlushBytes);
  /// Opens `path` for appending (O_APPEND, created 0644); "-" means stdout. kIo on failure.
  static Result<std::unique_ptr<AccessLog>> open(const std::string& path, std::size_t workers,
                                                 std::size_t flush_bytes = kDefaultFlushBytes);
  /// Flushes every buffer: destroy only once the workers have stopped.
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  /// Appends one line to `worker`'s buffer, writing the buffer out if it passed the threshold.
  /// Only the thread that owns `worker` may call record() and flush() for it.
  void record(std::size_t worker, const AccessLogEntry& entry);
  /// Writes out whatever `worker` has buffered (nothing to do when empty: no syscall).
  void flush(std::size_t worker);

  std::size_t workers() const { return workers_; }
  /// Lines lost to failed writes (disk full, closed pipe), over all workers.
  std::uint64_t dropped_lines() const { return dropped_lines_.load(std::memory_order_relaxed); }

 private:
  struct alignas(64) Buffer {
    std::string data;
  };
  AccessLog(int fd, bool owns_fd, std::size_t workers, std::size_t flush_bytes);
  Buffer& buffer(std::size_t worker) { return buffers_[worker < workers_ ? worker : 0]; }
  void write_out(Buffer& buffer);

  int fd_;
  bool owns_fd_;
  std::size_t workers_;
  std::size_t flush_bytes_;
  std::unique_ptr<Buffer[]> buffers_;
  std::mutex write_mutex_;  // held per buffer write, never per request
  std::atomic<std::uint64_t> dropped_lines_{0};
  std::atomic<bool> warned_{false};
};

}  // namespace sluice::gateway
