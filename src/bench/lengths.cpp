#include "bench/lengths.h"

#include "bench/random.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

namespace sluice::bench {
namespace {

constexpr std::uint32_t kMaxLength = 2147483647U;

Error spec_error(std::string_view spec, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument,
                    "invalid length distribution '" + std::string(spec) + "': " + std::string(why));
}

std::vector<std::string_view> split_colons(std::string_view s) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto pos = s.find(':');
    parts.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) return parts;
    s.remove_prefix(pos + 1);
  }
}

bool parse_double(std::string_view s, double& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
}

bool parse_length(std::string_view s, std::uint32_t& out) {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 1 || v > kMaxLength) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

std::uint32_t clip(double x, std::uint32_t lo, std::uint32_t hi) {
  const double r = std::round(x);
  if (!(r >= static_cast<double>(lo))) return lo;  // also catches NaN
  if (r >= static_cast<double>(hi)) return hi;
  return static_cast<std::uint32_t>(r);
}

}  // namespace

LengthDistribution LengthDistribution::fixed(std::uint32_t value) {
  LengthDistribution d;
  d.kind_ = Kind::kFixed;
  d.min_ = d.max_ = value < 1 ? 1 : value;
  d.mean_ = d.min_;
  return d;
}

Result<LengthDistribution> LengthDistribution::parse(std::string_view spec) {
  const auto parts = split_colons(spec);
  const std::string_view kind = parts[0];
  std::uint32_t n = 0;
  if (parts.size() == 1) {
    if (!parse_length(kind, n)) return spec_error(spec, "expected an integer length >= 1");
    return fixed(n);
  }
  if (kind == "fixed") {
    if (parts.size() != 2 || !parse_length(parts[1], n)) {
      return spec_error(spec, "expected fixed:N with an integer N >= 1");
    }
    return fixed(n);
  }
  LengthDistribution d;
  if (kind == "uniform") {
    if (parts.size() != 3 || !parse_length(parts[1], d.min_) || !parse_length(parts[2], d.max_)) {
      return spec_error(spec, "expected uniform:MIN:MAX with integers >= 1");
    }
    if (d.min_ > d.max_) return spec_error(spec, "MIN must be <= MAX");
    d.kind_ = Kind::kUniform;
    d.mean_ = (static_cast<double>(d.min_) + static_cast<double>(d.max_)) / 2.0;
    return d;
  }
  if (kind != "normal" && kind != "lognormal") {
    return spec_error(spec, "unknown kind (expected N, fixed, uniform, normal or lognormal)");
  }
  if (parts.size() != 3 && parts.size() != 5) {
    return spec_error(spec, "expected " + std::string(kind) + ":MEAN:STD[:MIN:MAX]");
  }
  if (!parse_double(parts[1], d.mean_) || !parse_double(parts[2], d.std_)) {
    return spec_error(spec, "MEAN and STD must be numbers");
  }
  if (d.std_ < 0) return spec_error(spec, "STD must be >= 0");
  d.min_ = 1;
  d.max_ = kMaxLength;
  if (parts.size() == 5) {
    if (!parse_length(parts[3], d.min_) || !parse_length(parts[4], d.max_)) {
      return spec_error(spec, "MIN and MAX must be integers >= 1");
    }
    if (d.min_ > d.max_) return spec_error(spec, "MIN must be <= MAX");
  }
  if (kind == "normal") {
    d.kind_ = Kind::kNormal;
    return d;
  }
  if (d.mean_ <= 0) return spec_error(spec, "lognormal MEAN must be > 0");
  d.kind_ = Kind::kLognormal;
  const double var_log = std::log1p((d.std_ * d.std_) / (d.mean_ * d.mean_));
  d.log_sigma_ = std::sqrt(var_log);
  d.log_mu_ = std::log(d.mean_) - var_log / 2.0;
  return d;
}

std::uint32_t LengthDistribution::sample(std::uint64_t& rng) const {
  switch (kind_) {
    case Kind::kFixed:
      return min_;
    case Kind::kUniform: {
      // 53 uniform bits over a range of at most 2^31 values: the bias is below 2^-22 per value.
      const double range = static_cast<double>(max_ - min_) + 1.0;
      const auto offset = static_cast<std::uint32_t>(uniform01(rng) * range);
      return offset > max_ - min_ ? max_ : min_ + offset;
    }
    case Kind::kNormal:
      return clip(mean_ + std_ * standard_normal(rng), min_, max_);
    case Kind::kLognormal:
      return clip(std::exp(log_mu_ + log_sigma_ * standard_normal(rng)), min_, max_);
  }
  return min_;
}

double LengthDistribution::mean() const { return mean_; }

std::string LengthDistribution::to_string() const {
  auto num = [](double v) {
    char buf[32];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, ec == std::errc() ? ptr : buf);
  };
  switch (kind_) {
    case Kind::kFixed:
      return "fixed:" + std::to_string(min_);
    case Kind::kUniform:
      return "uniform:" + std::to_string(min_) + ":" + std::to_string(max_);
    case Kind::kNormal:
    case Kind::kLognormal:
      return std::string(kind_ == Kind::kNormal ? "normal:" : "lognormal:") + num(mean_) + ":" +
             num(std_) + ":" + std::to_string(min_) + ":" + std::to_string(max_);
  }
  return {};
}

}  // namespace sluice::bench
