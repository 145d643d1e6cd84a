// Randomized workloads checked against invariants that must hold whatever the schedule: every
// request that is not aborted gets exactly its tokens in time order, blocks never leak, counters
// add up. Deterministic seeds, no wall-clock time.
#include "core/hash.h"
#include "sim/engine.h"
#include "sim_test_util.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace sluice::sim {
namespace {

using namespace sluice::sim::testing;  // NOLINT
using std::chrono::microseconds;

struct Workload {
  EngineConfig config;
  int requests = 400;
  int abort_one_in = 10;
  int advance_every = 1;  // > 1: the driver runs late and the engine must catch up
  std::uint64_t seed = 1;
};

void run_workload(const Workload& w, EngineCounters* counters = nullptr) {
  Engine engine(w.config);
  RecordingSink sink;
  std::vector<int> adapters{-1};
  if (w.config.max_loras > 0) {
    for (const char* name : {"a", "b", "c"}) adapters.push_back(*engine.register_adapter(name));
  }
  std::uint64_t rng = w.seed;
  const auto rand = [&](std::uint64_t n) { return splitmix64(rng) % n; };
  std::map<std::uint64_t, std::uint32_t> expected;  // id -> output tokens
  std::map<std::uint64_t, TimePoint> arrivals;
  std::set<std::uint64_t> aborted;
  std::map<std::uint64_t, FinishReason> reasons;
  TimePoint now = t0();
  std::uint64_t next_id = 1;
  const int max_len = w.config.max_model_len;
  for (int i = 0; i < w.requests; ++i) {
    now += microseconds(rand(3000));
    // Shared prefixes: a few "system prompts" followed by a random question.
    std::vector<std::uint32_t> prompt =
        tokens(16 * (1 + rand(4)), static_cast<std::uint32_t>(rand(3)));
    const std::size_t extra = 1 + rand(static_cast<std::uint64_t>(max_len / 4));
    for (std::size_t k = 0; k < extra; ++k)
      prompt.push_back(static_cast<std::uint32_t>(rand(50000)));
    const auto out = static_cast<std::uint32_t>(1 + rand(static_cast<std::uint64_t>(max_len / 4)));
    if (prompt.size() + out > static_cast<std::size_t>(max_len)) continue;
    const FinishReason reason = rand(2) == 0 ? FinishReason::kStop : FinishReason::kLength;
    const int adapter = adapters[rand(adapters.size())];
    const std::uint64_t id = next_id++;
    const Status st = engine.add(request(id, std::move(prompt), out, adapter, reason), now);
    if (!st.ok()) {
      ASSERT_EQ(st.error().code, ErrorCode::kRateLimited) << st.error().message;
      continue;
    }
    expected[id] = out;
    arrivals[id] = now;
    reasons[id] = reason;
    if (rand(static_cast<std::uint64_t>(w.abort_one_in)) == 0) {
      const std::uint64_t victim = 1 + rand(id);
      if (expected.contains(victim) && !aborted.contains(victim) && !sink.find(victim)) {
        engine.abort(victim);
        aborted.insert(victim);
      }
    }
    // Advance to this arrival, like the HTTP front's driver does (or only now and then).
    if (i % w.advance_every == 0) {
      for (auto next = engine.advance(now, sink); next && *next <= now;) {
        next = engine.advance(now, sink);
      }
    }
    const EngineState state = engine.state();
    ASSERT_LE(state.kv_cache_usage, 1.0);
    if (!w.config.profile.fixed) {
      ASSERT_LE(state.running, static_cast<std::size_t>(w.config.max_num_seqs));
    }
  }
  run_until_idle(engine, sink, now);

  std::uint64_t finished_tokens = 0;
  for (const auto& [id, out] : expected) {
    const auto times = sink.token_times(id);
    for (std::size_t i = 1; i < times.size(); ++i) ASSERT_LE(times[i - 1], times[i]) << id;
    if (!times.empty()) {
      ASSERT_GE(times.front(), arrivals[id]) << id;
    }
    if (aborted.contains(id)) {
      ASSERT_EQ(sink.find(id), nullptr) << id;
      ASSERT_LT(times.size(), out) << id;
      continue;
    }
    const FinishedEvent* f = sink.find(id);
    ASSERT_NE(f, nullptr) << id;
    ASSERT_EQ(times.size(), out) << id;
    ASSERT_EQ(f->stats.output_tokens, out);
    ASSERT_EQ(f->reason, reasons[id]);
    ASSERT_EQ(f->stats.first_token, times.front());
    ASSERT_EQ(f->stats.finished, times.back());
    ASSERT_LE(f->stats.arrival, f->stats.first_scheduled);
    ASSERT_LE(f->stats.first_scheduled, f->stats.last_scheduled);
    ASSERT_LE(f->stats.first_scheduled, f->stats.first_token);
    ASSERT_LE(f->stats.last_scheduled, f->stats.finished);
    if (f->stats.preemptions == 0) {
      ASSERT_EQ(f->stats.first_scheduled, f->stats.last_scheduled);
    }
    finished_tokens += out;
  }
  const EngineCounters& c = engine.counters();
  std::uint64_t emitted = 0;
  for (const auto& t : sink.tokens) emitted += t.count;
  EXPECT_EQ(c.generation_tokens, emitted);
  EXPECT_GE(emitted, finished_tokens);
  EXPECT_EQ(c.success_stop + c.success_length, sink.finished.size());
  EXPECT_EQ(c.success_abort, aborted.size());
  EXPECT_EQ(sink.finished.size() + aborted.size(), expected.size());
  EXPECT_LE(c.prefix_cache_hits, c.prefix_cache_queries);
  EXPECT_EQ(engine.free_blocks(), static_cast<std::size_t>(w.config.num_gpu_blocks));
  EXPECT_EQ(engine.state().running, 0u);
  EXPECT_EQ(engine.state().waiting, 0u);
  EXPECT_TRUE(engine.state().running_adapters.empty());
  EXPECT_TRUE(engine.state().waiting_adapters.empty());
  if (w.config.max_loras > 0) {
    for (const char* name : {"a", "b", "c"}) EXPECT_TRUE(engine.unregister_adapter(name).ok());
  }
  if (counters != nullptr) *counters = c;
}

EngineConfig tight_config() {
  EngineConfig c = unit_config();
  c.num_gpu_blocks = 40;  // 640 tokens: constant preemption pressure
  c.max_model_len = 512;
  c.max_num_seqs = 8;
  c.max_num_batched_tokens = 96;
  c.max_loras = 1;
  c.max_waiting = 50;
  return c;
}

TEST(EngineStressTest, TightCacheWithPreemptionsLoraAndAborts) {
  std::uint64_t preemptions = 0, hits = 0, aborts = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE(seed);
    Workload w;
    w.config = tight_config();
    w.seed = seed;
    EngineCounters c;
    run_workload(w, &c);
    preemptions += c.preemptions;
    hits += c.prefix_cache_hits;
    aborts += c.success_abort;
  }
  // The workload must actually exercise what it is meant to.
  EXPECT_GT(preemptions, 0u);
  EXPECT_GT(hits, 0u);
  EXPECT_GT(aborts, 0u);
}

TEST(EngineStressTest, LateDriver) {
  for (std::uint64_t seed = 11; seed <= 13; ++seed) {
    SCOPED_TRACE(seed);
    Workload w;
    w.config = unit_config();  // light load: requests are admitted soon after they arrive
    w.config.max_model_len = 256;
    w.advance_every = 9;
    w.seed = seed;
    run_workload(w);
  }
}

TEST(EngineStressTest, RoomyCacheWithoutLora) {
  Workload w;
  w.config = unit_config();
  w.config.max_loras = 0;
  w.config.max_num_batched_tokens = 512;
  w.requests = 1000;
  w.seed = 99;
  run_workload(w);
}

TEST(EngineStressTest, FixedProfile) {
  Workload w;
  w.config = EngineConfig::from_profile(fixed_profile(microseconds(500), microseconds(100)));
  w.config.num_gpu_blocks = 40;
  w.config.max_model_len = 512;
  w.config.max_loras = 1;
  w.seed = 7;
  run_workload(w);
}

TEST(EngineStressTest, TwoThousandRunningSequences) {
  EngineConfig config = EngineConfig::from_profile(find_profile("llama-3.1-8b-h100").value());
  config.max_num_seqs = 2048;
  Engine engine(config);
  RecordingSink sink;
  for (std::uint64_t id = 1; id <= 2000; ++id) {
    ASSERT_TRUE(
        engine.add(request(id, tokens(64, static_cast<std::uint32_t>(id % 7)), 20), t0()).ok());
  }
  run_until_idle(engine, sink, t0());
  EXPECT_EQ(sink.finished.size(), 2000u);
  std::size_t max_running = 0;
  for (const StepInfo& s : sink.steps) max_running = std::max(max_running, s.running);
  EXPECT_EQ(max_running, 2000u);
  EXPECT_EQ(engine.counters().generation_tokens, 40000u);
  EXPECT_GT(engine.counters().prefix_cache_hits, 0u);
  EXPECT_EQ(engine.free_blocks(), static_cast<std::size_t>(config.num_gpu_blocks));
}

}  // namespace
}  // namespace sluice::sim
