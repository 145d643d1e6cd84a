#include "pool/endpoint_health.h"

#include <algorithm>

namespace sluice::pool {

std::string_view health_state_name(HealthState state) {
  switch (state) {
    case HealthState::kHealthy:
      return "healthy";
    case HealthState::kEjected:
      return "ejected";
  }
  return "unknown";
}

std::string_view eject_reason_name(EjectReason reason) {
  switch (reason) {
    case EjectReason::kNone:
      return "none";
    case EjectReason::kScrapeFailures:
      return "scrape_failures";
    case EjectReason::kPassiveFailures:
      return "proxy_errors";
  }
  return "unknown";
}

void EndpointHealth::eject(EjectReason reason, TimePoint now) {
  state_ = HealthState::kEjected;
  reason_ = reason;
  scrape_streak_ = 0;
  probe_streak_ = 0;
  next_probe_ = now + policy_.probe_interval;
  ++ejections_;
}

bool EndpointHealth::on_scrape(bool ok, TimePoint now) {
  if (ok) {
    has_metrics_ = true;
    last_success_ = std::max(last_success_, now);
    scrape_streak_ = 0;
    return false;
  }
  if (!healthy()) return false;
  ++scrape_streak_;
  if (scrape_streak_ >= std::max<std::uint32_t>(policy_.failure_threshold, 1)) {
    eject(EjectReason::kScrapeFailures, now);
    return true;
  }
  return false;
}

bool EndpointHealth::on_passive_streak(std::uint32_t streak, TimePoint now) {
  if (!healthy() || streak < std::max<std::uint32_t>(policy_.failure_threshold, 1)) return false;
  eject(EjectReason::kPassiveFailures, now);
  return true;
}

bool EndpointHealth::on_probe(bool ok, TimePoint now) {
  if (healthy()) return false;
  next_probe_ = now + policy_.probe_interval;
  if (!ok) {
    probe_streak_ = 0;
    return false;
  }
  ++probe_streak_;
  if (probe_streak_ < std::max<std::uint32_t>(policy_.recovery_successes, 1)) return false;
  state_ = HealthState::kHealthy;
  reason_ = EjectReason::kNone;
  probe_streak_ = 0;
  scrape_streak_ = 0;
  return true;
}

}  // namespace sluice::pool
