#include "bench/model_split.h"

#include "core/hash.h"

#include <charconv>
#include <cmath>
#include <set>

namespace sluice::bench {
namespace {

constexpr std::size_t kMaxNameLength = 256;
constexpr double kMaxWeight = 1e9;
constexpr double kTwo32 = 4294967296.0;

Error split_error(std::string_view spec, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument,
                    "invalid --model '" + std::string(spec) + "': " + std::string(why), "model");
}

bool bad_name_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;  // space and control characters
}

}  // namespace

Result<ModelSplit> ModelSplit::parse(const std::vector<std::string>& specs) {
  if (specs.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "at least one --model is required", "model");
  }
  ModelSplit split;
  std::set<std::string_view> seen;
  double total = 0;
  for (const std::string& spec : specs) {
    std::string_view name = spec;
    double weight = 1;
    if (const auto eq = name.rfind('='); eq != std::string_view::npos) {
      const std::string_view w = name.substr(eq + 1);
      name = name.substr(0, eq);
      const auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
      if (w.empty() || ec != std::errc() || ptr != w.data() + w.size() || !std::isfinite(weight)) {
        return split_error(spec, "the weight after '=' must be a number");
      }
      if (weight < 0 || weight > kMaxWeight) {
        return split_error(spec, "the weight must be in [0, 1e9]");
      }
    }
    if (name.empty()) return split_error(spec, "empty model name");
    if (name.size() > kMaxNameLength) return split_error(spec, "model name longer than 256");
    for (const char c : name) {
      if (bad_name_char(c)) return split_error(spec, "whitespace or control character in name");
    }
    if (!seen.insert(name).second) {
      return split_error(spec, "model '" + std::string(name) + "' given twice");
    }
    split.names_.emplace_back(name);
    split.weights_.push_back(weight);
    total += weight;
  }
  if (!(total > 0)) {
    return make_error(ErrorCode::kInvalidArgument, "every --model weight is 0", "model");
  }

  // Vose's alias method over the positive weights, each scaled so that the mean is 1.
  std::vector<std::uint32_t> positive;
  for (std::uint32_t i = 0; i < split.weights_.size(); ++i) {
    if (split.weights_[i] > 0) positive.push_back(i);
  }
  const std::size_t n = positive.size();
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;  // columns
  for (std::uint32_t c = 0; c < n; ++c) {
    scaled[c] = split.weights_[positive[c]] * static_cast<double>(n) / total;
    (scaled[c] < 1 ? small : large).push_back(c);
  }
  split.keep_ = positive;
  split.alias_ = positive;
  split.threshold_.assign(n, 0);
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    const std::uint32_t l = large.back();
    small.pop_back();
    split.threshold_[s] = static_cast<std::uint64_t>(scaled[s] * kTwo32);
    split.alias_[s] = positive[l];
    scaled[l] -= 1 - scaled[s];
    if (scaled[l] < 1) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left is 1 up to rounding: every such column keeps its own model. Zero weights were
  // never in the table, so rounding cannot make them pickable.
  for (const std::uint32_t c : small) split.threshold_[c] = 1ULL << 32;
  for (const std::uint32_t c : large) split.threshold_[c] = 1ULL << 32;
  return split;
}

const std::string& ModelSplit::pick(std::uint64_t request_index, std::uint64_t seed) const {
  // Hash the index before mixing in the seed so that neighbouring indices (and index i + 1
  // with seed s vs index i with seed s + 1) give unrelated draws.
  std::uint64_t state = request_index;
  state = splitmix64(state) ^ seed;
  const std::uint64_t x = splitmix64(state);
  const std::uint64_t column = ((x >> 32) * keep_.size()) >> 32;
  const std::uint64_t coin = x & 0xFFFFFFFFULL;
  return names_[coin < threshold_[column] ? keep_[column] : alias_[column]];
}

std::vector<std::pair<std::string, double>> ModelSplit::shares() const {
  double total = 0;
  for (const double w : weights_) total += w;
  std::vector<std::pair<std::string, double>> out;
  out.reserve(names_.size());
  for (std::size_t i = 0; i < names_.size(); ++i) out.emplace_back(names_[i], weights_[i] / total);
  return out;
}

}  // namespace sluice::bench
