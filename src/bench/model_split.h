// Traffic split across models for `sluice bench --model NAME[=WEIGHT] ...`: the LoRA benchmark
// case (a base model plus adapters, inference-perf's `lora_traffic_split`), where each request
// names one model drawn in proportion to its weight.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sluice::bench {

/// An immutable weighted choice of model names. Picking is O(1) (Walker/Vose alias table) and
/// allocation-free, and a pure function of (request index, seed): any request of any worker
/// gets the same model on every run and platform without shared state.
class ModelSplit {
 public:
  /// Parses one spec per `--model` flag: NAME or NAME=WEIGHT. The split is at the last '=', so
  /// names may contain ':' and '/' ("meta-llama/Llama-3.1-8B", "lora:sql") and even '=' when
  /// a weight follows. WEIGHT is a finite number >= 0 (default 1; at most 1e9); weights need
  /// not sum to 1. A zero weight keeps the model listed (in shares()) but never picked.
  /// kInvalidArgument (field "model") for: no specs, an empty name, a name longer than 256
  /// characters or with whitespace or control characters, a bad weight, a repeated name, or all
  /// weights zero.
  static Result<ModelSplit> parse(const std::vector<std::string>& specs);

  /// The model for request `request_index`. Deterministic in (request_index, seed); over many
  /// consecutive indices the proportions converge to the weights.
  const std::string& pick(std::uint64_t request_index, std::uint64_t seed) const;

  /// Each model with its weight / total weight, in the order given.
  std::vector<std::pair<std::string, double>> shares() const;

  std::size_t size() const { return names_.size(); }

 private:
  ModelSplit() = default;

  std::vector<std::string> names_;
  std::vector<double> weights_;
  // Alias table over the models with weight > 0: column c keeps model keep_[c] with probability
  // threshold_[c] / 2^32, otherwise gives alias_[c]. Entries are indices into names_.
  std::vector<std::uint32_t> keep_;
  std::vector<std::uint32_t> alias_;
  std::vector<std::uint64_t> threshold_;
};

}  // namespace sluice::bench
