// Helpers shared by the sim engine tests: a recording sink, a simple profile with round numbers,
// and a loop that drives an engine to idle the way the HTTP front does.
#pragma once

#include "core/clock.h"
#include "sim/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

namespace sluice::sim::testing {

using std::chrono::microseconds;
using std::chrono::milliseconds;

struct TokenEvent {
  std::uint64_t id;
  std::uint32_t count;
  TimePoint at;
};

struct FinishedEvent {
  std::uint64_t id;
  FinishReason reason;
  SeqStats stats;
};

class RecordingSink : public EngineSink {
 public:
  std::vector<TokenEvent> tokens;
  std::vector<FinishedEvent> finished;
  std::vector<StepInfo> steps;
  std::function<void(std::uint64_t id)> on_token_hook;

  void on_tokens(std::uint64_t id, std::uint32_t count, TimePoint at) override {
    tokens.push_back({id, count, at});
    auto& times = times_[id];
    times.insert(times.end(), count, at);
    if (on_token_hook) on_token_hook(id);
  }
  void on_finished(std::uint64_t id, FinishReason reason, const SeqStats& stats) override {
    finished.push_back({id, reason, stats});
  }
  void on_step(const StepInfo& step) override { steps.push_back(step); }

  /// Every token's time, in order, across reuses of the id.
  std::vector<TimePoint> token_times(std::uint64_t id) const {
    const auto it = times_.find(id);
    return it == times_.end() ? std::vector<TimePoint>{} : it->second;
  }
  std::uint32_t token_count(std::uint64_t id) const {
    const auto it = times_.find(id);
    return it == times_.end() ? 0 : static_cast<std::uint32_t>(it->second.size());
  }
  /// The stats reported by on_finished for id (a test failure and empty stats if none).
  SeqStats stats(std::uint64_t id) const {
    for (const auto& f : finished) {
      if (f.id == id) return f.stats;
    }
    ADD_FAILURE() << "no on_finished for " << id;
    return SeqStats{};
  }
  const FinishedEvent* find(std::uint64_t id) const {
    for (const auto& f : finished) {
      if (f.id == id) return &f;
    }
    return nullptr;
  }

 private:
  std::unordered_map<std::uint64_t, std::vector<TimePoint>> times_;
};

inline TimePoint t0() { return TimePoint{} + std::chrono::seconds(1000); }

/// Round numbers so that expected timings can be computed by hand:
/// step = 1 ms + 2 ms (weights) + 10 us per prefill token + 100 us per decode sequence
///        (+ 5 ms per LoRA load).
inline Profile unit_profile() {
  Profile p;
  p.name = "unit";
  p.step_overhead = milliseconds(1);
  p.weights_read = milliseconds(2);
  p.prefill_per_token = microseconds(10);
  p.decode_per_seq = microseconds(100);
  p.lora_load_delay = milliseconds(5);
  p.num_gpu_blocks = 1024;
  p.block_size = 16;
  p.max_num_seqs = 64;
  p.max_num_batched_tokens = 8192;
  p.max_model_len = 4096;
  p.max_loras = 2;
  return p;
}

inline EngineConfig unit_config() { return EngineConfig::from_profile(unit_profile()); }

/// n token ids that differ between seeds (so prompts with different seeds share no block).
inline std::vector<std::uint32_t> tokens(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint32_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = seed * 100000u + static_cast<std::uint32_t>(i);
  return out;
}

inline SeqRequest request(std::uint64_t id, std::vector<std::uint32_t> prompt, std::uint32_t output,
                          int adapter = -1, FinishReason reason = FinishReason::kLength) {
  SeqRequest r;
  r.id = id;
  r.prompt_tokens = std::move(prompt);
  r.output_tokens = output;
  r.adapter = adapter;
  r.reason_at_end = reason;
  return r;
}

/// Advances to each time the engine asks for until it is idle; returns the last time.
inline TimePoint run_until_idle(Engine& engine, EngineSink& sink, TimePoint start,
                                int max_calls = 1000000) {
  TimePoint now = start;
  for (int i = 0; i < max_calls; ++i) {
    const std::optional<TimePoint> next = engine.advance(now, sink);
    if (!next) return now;
    now = std::max(now, *next);
  }
  ADD_FAILURE() << "engine did not become idle";
  return now;
}

}  // namespace sluice::sim::testing
