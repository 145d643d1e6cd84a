// Pick latency of the default scheduling profile: prompt hashing + filters + scorers + picker +
// prefix-index update, for {10,100,1000} endpoints x {4 KiB, 64 KiB, 1 MiB} prompts. Each pick is
// timed individually so the p50/p99 counters are per-pick latencies, not batch averages.
#include "scheduling/registry.h"
#include "scheduling/scheduler.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace sluice::scheduling;

std::vector<EndpointView> make_fleet(std::size_t n) {
  std::vector<EndpointView> eps(n);
  for (std::size_t i = 0; i < n; ++i) {
    EndpointView& e = eps[i];
    e.id = static_cast<std::uint32_t>(i);
    e.address = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ":8000";
    e.waiting = static_cast<std::uint32_t>(i % 4);
    e.running = static_cast<std::uint32_t>(i % 16);
    e.kv_cache_usage = static_cast<double>(i % 10) / 20.0;
    e.max_loras = 4;
    e.running_adapters = {"sql-lora"};
    e.served_models = {"meta-llama/Llama-3.1-8B-Instruct", "sql-lora", "chat-lora"};
  }
  return eps;
}

// Prompts sharing a few system prompts, so the prefix index sees hits and misses.
std::vector<std::string> make_prompts(std::size_t bytes, std::size_t count) {
  std::vector<std::string> prompts;
  for (std::size_t i = 0; i < count; ++i) {
    std::string p = "system prompt #" + std::to_string(i % 8) + ": ";
    std::uint64_t x = i + 1;
    while (p.size() < bytes) {
      p += (p.size() < bytes / 2) ? "You are a helpful assistant. "
                                  : "word" + std::to_string(x++ % 97) + " ";
    }
    p.resize(bytes);
    prompts.push_back(std::move(p));
  }
  return prompts;
}

void BM_PickDefaultProfile(benchmark::State& state) {
  const auto endpoints = static_cast<std::size_t>(state.range(0));
  const auto prompt_bytes = static_cast<std::size_t>(state.range(1));
  std::vector<EndpointView> fleet = make_fleet(endpoints);
  const std::vector<std::string> prompts = make_prompts(prompt_bytes, 64);
  Scheduler scheduler(std::make_shared<const Profile>(default_profile()), 1);
  SchedulingRequest request;
  request.model = "meta-llama/Llama-3.1-8B-Instruct";

  std::vector<double> samples_us;
  samples_us.reserve(1 << 16);
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& prompt = prompts[i % prompts.size()];
    const auto start = std::chrono::steady_clock::now();
    request.prefix_hashes = scheduler.hash_prompt(request.model, prompt);
    auto decision = scheduler.pick(request, fleet);
    const auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(decision);
    if (samples_us.size() < samples_us.capacity()) {
      samples_us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    }
    // Cheap load drift between picks so the scorers' inputs change.
    EndpointView& chosen = fleet[decision->ranked[0]->id];
    chosen.in_flight = (chosen.in_flight + 1) % 8;
    ++i;
  }
  std::sort(samples_us.begin(), samples_us.end());
  if (!samples_us.empty()) {
    state.counters["p50_us"] = samples_us[samples_us.size() / 2];
    state.counters["p99_us"] = samples_us[samples_us.size() * 99 / 100];
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_PickDefaultProfile)
    ->ArgsProduct({{10, 100, 1000}, {4 << 10, 64 << 10, 1 << 20}})
    ->ArgNames({"endpoints", "prompt_bytes"});

void BM_PromptBlockHashes(benchmark::State& state) {
  const std::string prompt(static_cast<std::size_t>(state.range(0)), 'x');
  std::vector<std::uint64_t> out;
  for (auto _ : state) {
    prompt_block_hashes("m", prompt, kDefaultBlockChars, kDefaultMaxPrefixBlocks, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_PromptBlockHashes)->Arg(4 << 10)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
