#include "bench/arrivals.h"

#include "bench/random.h"

#include <cmath>
#include <string>

namespace sluice::bench {
namespace {

// Round to the nearest nanosecond: from_seconds() truncates, which turns 3 / 10 s
// (0.29999999999999998 as a double) into 299999999 ns.
Duration round_seconds(double s) {
  return Duration(static_cast<Duration::rep>(std::llround(s * 1e9)));
}

}  // namespace

Result<ArrivalKind> parse_arrival_kind(std::string_view name) {
  if (name == "constant") return ArrivalKind::kConstant;
  if (name == "poisson") return ArrivalKind::kPoisson;
  if (name == "gamma") return ArrivalKind::kGamma;
  return make_error(
      ErrorCode::kInvalidArgument,
      "unknown arrival kind '" + std::string(name) + "' (expected constant, poisson or gamma)",
      "arrival");
}

std::string_view arrival_kind_name(ArrivalKind kind) {
  switch (kind) {
    case ArrivalKind::kConstant:
      return "constant";
    case ArrivalKind::kPoisson:
      return "poisson";
    case ArrivalKind::kGamma:
      return "gamma";
  }
  return "unknown";
}

Status validate_arrivals(ArrivalKind kind, double rate_per_s, double burstiness) {
  if (std::isnan(rate_per_s) || rate_per_s <= 0.0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "rate must be > 0 requests/s (or inf for all at once)", "rate");
  }
  if (kind == ArrivalKind::kGamma && !(std::isfinite(burstiness) && burstiness > 0.0)) {
    return make_error(ErrorCode::kInvalidArgument, "burstiness must be a finite number > 0",
                      "burstiness");
  }
  return {};
}

ArrivalSchedule::ArrivalSchedule(ArrivalKind kind, double rate_per_s, double burstiness,
                                 std::uint64_t seed)
    : kind_(kind),
      rate_(rate_per_s),
      burstiness_(std::isfinite(burstiness) && burstiness > 0.0 ? burstiness : 1.0),
      burst_(!(std::isfinite(rate_per_s) && rate_per_s > 0.0)),
      rng_(seed) {}

double ArrivalSchedule::next_gap_seconds() {
  switch (kind_) {
    case ArrivalKind::kConstant:
      return 1.0 / rate_;
    case ArrivalKind::kPoisson:
      return standard_exponential(rng_) / rate_;
    case ArrivalKind::kGamma:
      // scale = 1 / (rate * burstiness) keeps the mean gap at 1 / rate for every burstiness.
      return standard_gamma(rng_, burstiness_) / (rate_ * burstiness_);
  }
  return 0.0;
}

Duration ArrivalSchedule::next_offset() {
  const std::uint64_t i = issued_++;
  if (burst_ || i == 0) return Duration::zero();
  if (kind_ == ArrivalKind::kConstant) {
    // Multiply rather than sum so offset i is exactly i / rate to the nanosecond.
    return round_seconds(static_cast<double>(i) / rate_);
  }
  elapsed_s_ += next_gap_seconds();
  return round_seconds(elapsed_s_);
}

}  // namespace sluice::bench
