// A benchmark session: one generator thread (its own io_context), one keep-alive client, run
// stage after stage against one OpenAI-compatible endpoint. Open loop (an arrival schedule at a
// target rate, absolute-time scheduling, or a trace's own arrival times) or closed loop (fixed
// concurrency), streaming or not. Ctrl-C (SIGINT) or SIGTERM ends the current stage at once: its
// report holds what finished, marked interrupted, and no further stage runs.
#pragma once

#include "bench/arrivals.h"
#include "bench/dataset.h"
#include "bench/driver/request_body.h"
#include "bench/request_metrics.h"
#include "bench/stage_report.h"
#include "core/clock.h"
#include "core/result.h"
#include "net/http_types.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::bench {

class PerRequestLog;

/// What stays the same for every stage of a run.
struct SessionOptions {
  std::string url;  ///< base URL, e.g. http://127.0.0.1:8000
  ApiKind api = ApiKind::kChat;
  bool stream = true;  ///< SSE with stream_options.include_usage
  std::string api_key;
  net::HeaderList headers;                       ///< extra request headers
  Duration timeout = std::chrono::seconds(120);  ///< per request
  bool verify_tls = true;                        ///< https: check the certificate
  std::string ca_file;                           ///< https: extra trusted CA (PEM)
  Slo slo;
  std::uint64_t seed = 0;
  /// Open loop: beyond this many in flight, a due request fails as "generator_overloaded"
  /// instead of queueing without bound.
  std::size_t max_in_flight = 20000;
  std::vector<std::string> scrape_urls;  ///< Prometheus endpoints to sample during each stage
  Duration scrape_interval = std::chrono::seconds(1);
  /// Which model each request names (LoRA traffic split); request index -> name.
  std::function<const std::string&(std::uint64_t)> pick_model;
};

/// The load shape of one stage.
struct LoadShape {
  std::optional<double> rate;  ///< open loop: requests per second
  ArrivalKind arrival = ArrivalKind::kConstant;
  double burstiness = 1;
  int concurrency = 0;             ///< closed loop when > 0
  bool trace = false;              ///< open loop at the dataset's own arrival times
  std::uint64_t num_requests = 0;  ///< stop after this many (0 = no limit)
  Duration duration{};             ///< stop sending after this long (0 = no limit)
};

/// Checks a load shape: exactly one of rate / concurrency / trace, and a stop condition (a trace
/// stops by itself after one pass when neither is given).
Status validate(const LoadShape& shape);

/// Live numbers for the progress line, reported about once a second.
struct Progress {
  std::string_view stage;
  double elapsed_s = 0;
  std::uint64_t sent = 0, in_flight = 0, completed = 0, failed = 0;
  std::optional<double> ttft_p50;  ///< over requests finished since the previous report
};

class BenchSession {
 public:
  /// `dataset` must outlive the session. Fails on an invalid URL or CA file.
  static Result<std::unique_ptr<BenchSession>> create(SessionOptions options, Dataset& dataset);
  ~BenchSession();
  BenchSession(const BenchSession&) = delete;
  BenchSession& operator=(const BenchSession&) = delete;

  /// Runs one stage to its end (every sent request finished or timed out) or to an interrupt.
  StageReport run_stage(const std::string& name, const LoadShape& shape);
  /// Waits `pause` (between stages), returning early on an interrupt.
  void pause(Duration pause);
  /// True once SIGINT/SIGTERM arrived; run_stage then returns at once.
  bool interrupted() const;

  void on_progress(std::function<void(const Progress&)> callback);
  void log_requests_to(PerRequestLog* log);

 private:
  struct Impl;
  explicit BenchSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::bench
