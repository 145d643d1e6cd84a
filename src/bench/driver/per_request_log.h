// per_request.jsonl: one JSON line per finished request, written as requests finish (buffered,
// so the load generator never waits on the disk for long).
#pragma once

#include "core/result.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::bench {

struct PerRequestRow {
  std::string_view stage;
  std::uint64_t index = 0;  ///< request number within the run
  std::string_view model;
  double scheduled_s = 0;  ///< offsets from the stage start
  double sent_s = 0;
  double end_s = 0;
  std::string_view error;  ///< empty when the request succeeded
  std::optional<double> ttft, tpot, itl_mean;
  double e2e = 0;
  std::uint32_t input_tokens = 0, output_tokens = 0, chunks = 0;
};

class PerRequestLog {
 public:
  PerRequestLog() = default;
  ~PerRequestLog();
  PerRequestLog(const PerRequestLog&) = delete;
  PerRequestLog& operator=(const PerRequestLog&) = delete;

  /// Opens (truncates) `path`.
  Status open(const std::string& path);
  void write(const PerRequestRow& row);
  /// Flushes and closes; reports a write error (disk full) once.
  Status close();

 private:
  std::FILE* file_ = nullptr;
  std::string buffer_;
  bool failed_ = false;
};

}  // namespace sluice::bench
