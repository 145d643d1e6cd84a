// Cost of the simulator engine itself: it must never be the bottleneck of a benchmark.
#include "sim/engine.h"
#include "sim/profile.h"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

using namespace sluice;

class CountingSink final : public sim::EngineSink {
 public:
  void on_tokens(std::uint64_t, std::uint32_t count, TimePoint) override { tokens += count; }
  void on_finished(std::uint64_t, sim::FinishReason, const sim::SeqStats&) override { ++finished; }
  std::uint64_t tokens = 0;
  std::uint64_t finished = 0;
};

std::vector<std::uint32_t> prompt_of(std::uint64_t seed, std::size_t length) {
  std::vector<std::uint32_t> tokens(length);
  for (std::size_t i = 0; i < length; ++i) {
    tokens[i] = static_cast<std::uint32_t>((seed * 7919 + i * 104729) % 128000);
  }
  return tokens;
}

// One decode step of a batch of `running` sequences (H100 profile): the per-step cost the driver
// pays; ITL budgets are milliseconds, so this must stay in the microseconds.
void BM_DecodeStep(benchmark::State& state) {
  const auto running = static_cast<std::size_t>(state.range(0));
  auto profile = sim::find_profile("llama-3.1-8b-h100").value();
  auto config = sim::EngineConfig::from_profile(profile);
  config.max_num_seqs = static_cast<int>(running);
  config.num_gpu_blocks = 1 << 21;
  config.max_model_len = 1 << 20;
  sim::Engine engine(config);
  CountingSink sink;
  TimePoint now{};
  for (std::size_t i = 0; i < running; ++i) {
    sim::SeqRequest r;
    r.id = i + 1;
    r.prompt_tokens = prompt_of(i, 128);
    r.output_tokens = 200000;  // never finishes during the benchmark
    if (!engine.add(std::move(r), now).ok()) {
      state.SkipWithError("add failed");
      return;
    }
  }
  // Prefill everything first.
  for (int i = 0; i < 1000 && engine.state().running < running; ++i) {
    auto next = engine.advance(now, sink);
    now = next.value_or(now);
  }
  for (auto _ : state) {
    auto next = engine.advance(now, sink, 1);
    now = next.value_or(now);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(sink.tokens));
  state.counters["running"] = static_cast<double>(engine.state().running);
}
BENCHMARK(BM_DecodeStep)->Arg(256)->Arg(2048);

// Whole requests through the fixed zero-latency profile: admission, prefix lookup, 100 tokens,
// free.
void BM_FixedProfileRequests(benchmark::State& state) {
  sim::Engine engine(sim::EngineConfig::from_profile(sim::fixed_profile({}, {})));
  CountingSink sink;
  TimePoint now{};
  std::uint64_t id = 0;
  const auto prompt = prompt_of(1, 64);
  for (auto _ : state) {
    for (int i = 0; i < 64; ++i) {
      sim::SeqRequest r;
      r.id = ++id;
      r.prompt_tokens = prompt;
      r.output_tokens = 100;
      (void)engine.add(std::move(r), now);
    }
    while (engine.advance(now, sink, 1 << 20)) {
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(sink.finished));
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(sink.tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FixedProfileRequests);

}  // namespace

BENCHMARK_MAIN();
