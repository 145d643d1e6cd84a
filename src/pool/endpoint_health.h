// Per-endpoint health as a pure state machine: consecutive-failure ejection, active probing of
// ejected endpoints, recovery after N good probes, and metric staleness. Time is passed in; the
// machine never reads a clock. Every transition is listed in docs/pool.md ("Endpoint state").
#pragma once

#include "core/clock.h"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace sluice::pool {

struct HealthPolicy {
  /// Consecutive scrape failures, or consecutive proxy errors, that eject an endpoint.
  std::uint32_t failure_threshold = 3;
  /// Consecutive successful `GET /health` probes that bring an ejected endpoint back.
  std::uint32_t recovery_successes = 2;
  /// Time between probes of an ejected endpoint (the first probe comes one interval after
  /// ejection, so a flapping endpoint is not hammered).
  Duration probe_interval = std::chrono::milliseconds(200);
  /// Metrics older than this are stale; the scheduler treats a stale endpoint as saturated.
  /// llm-d's utilisation detector uses 200 ms.
  Duration staleness = std::chrono::milliseconds(200);
};

enum class HealthState : std::uint8_t {
  kHealthy,  ///< takes traffic, scraped every interval
  kEjected,  ///< takes no traffic, not scraped, probed with GET /health
};

enum class EjectReason : std::uint8_t { kNone, kScrapeFailures, kPassiveFailures };

std::string_view health_state_name(HealthState state);
std::string_view eject_reason_name(EjectReason reason);

class EndpointHealth {
 public:
  explicit EndpointHealth(HealthPolicy policy = {}) : policy_(policy) {}

  /// A `/metrics` scrape finished. Success makes the metrics fresh (also while ejected, since the
  /// numbers are real) and ends the failure streak; a failure extends it and ejects at the
  /// threshold. Returns true if the state changed.
  bool on_scrape(bool ok, TimePoint now);
  /// The gateway's current streak of consecutive proxy errors to this endpoint (it resets the
  /// streak itself on a proxied success). Ejects a healthy endpoint at the threshold. Returns true
  /// if the state changed; the caller should then reset its streak counter.
  bool on_passive_streak(std::uint32_t streak, TimePoint now);
  /// A `GET /health` probe of an ejected endpoint finished. `recovery_successes` good probes in a
  /// row make it healthy; a bad one restarts the count. Ignored while healthy. Returns true if the
  /// state changed.
  bool on_probe(bool ok, TimePoint now);

  HealthState state() const { return state_; }
  bool healthy() const { return state_ == HealthState::kHealthy; }
  EjectReason reason() const { return reason_; }
  /// True if no scrape ever succeeded, or the last success is older than the staleness bound.
  bool stale(TimePoint now) const {
    return !has_metrics_ || now - last_success_ > policy_.staleness;
  }
  bool has_metrics() const { return has_metrics_; }
  TimePoint last_success() const { return last_success_; }
  /// True while ejected once the next probe is due.
  bool probe_due(TimePoint now) const { return !healthy() && now >= next_probe_; }

  std::uint32_t scrape_failure_streak() const { return scrape_streak_; }
  std::uint32_t probe_success_streak() const { return probe_streak_; }
  std::uint64_t ejections() const { return ejections_; }
  const HealthPolicy& policy() const { return policy_; }

 private:
  void eject(EjectReason reason, TimePoint now);

  HealthPolicy policy_;
  HealthState state_ = HealthState::kHealthy;
  EjectReason reason_ = EjectReason::kNone;
  bool has_metrics_ = false;
  TimePoint last_success_{};
  TimePoint next_probe_{};
  std::uint32_t scrape_streak_ = 0;
  std::uint32_t probe_streak_ = 0;
  std::uint64_t ejections_ = 0;
};

}  // namespace sluice::pool
