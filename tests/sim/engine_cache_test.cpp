// KV cache behaviour of the batched engine: prefix caching, LRU eviction, preemption and abort.
#include "sim/engine.h"
#include "sim_test_util.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

using namespace sluice::sim::testing;  // NOLINT
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

Duration ttft(const RecordingSink& sink, std::uint64_t id) {
  const SeqStats s = sink.stats(id);
  return s.first_token - s.arrival;
}

TEST(EngineCacheTest, RepeatedPromptHitsThePrefixCache) {
  Engine engine(unit_config());
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(64, 7), 2), t0()).ok());
  run_until_idle(engine, sink, t0());
  EXPECT_EQ(engine.cached_blocks(), 4u);
  const TimePoint later = t0() + seconds(1);
  ASSERT_TRUE(engine.add(request(2, tokens(64, 7), 2), later).ok());
  run_until_idle(engine, sink, later);

  // 64 tokens = 4 full blocks, but the last token is always computed: 3 blocks hit.
  EXPECT_EQ(ttft(sink, 1), milliseconds(3) + microseconds(640));
  EXPECT_EQ(ttft(sink, 2), milliseconds(3) + microseconds(160));
  EXPECT_EQ(sink.stats(1).cached_prompt_tokens, 0u);
  EXPECT_EQ(sink.stats(2).cached_prompt_tokens, 48u);
  const EngineCounters& c = engine.counters();
  EXPECT_EQ(c.prefix_cache_queries, 128u);
  EXPECT_EQ(c.prefix_cache_hits, 48u);
  EXPECT_EQ(c.prompt_tokens, 128u);  // hits are still prompt tokens
}

TEST(EngineCacheTest, PromptLongerThanItsFullBlocksHitsThemAll) {
  Engine engine(unit_config());
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(65, 7), 1), t0()).ok());
  run_until_idle(engine, sink, t0());
  ASSERT_TRUE(engine.add(request(2, tokens(65, 7), 1), t0() + seconds(1)).ok());
  run_until_idle(engine, sink, t0() + seconds(1));
  EXPECT_EQ(sink.stats(2).cached_prompt_tokens, 64u);
  EXPECT_EQ(ttft(sink, 2), milliseconds(3) + microseconds(10));
}

TEST(EngineCacheTest, SharedPrefixIsReusedWhileTheFirstRequestStillRuns) {
  Engine engine(unit_config());
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(64, 7), 50), t0()).ok());
  auto next = engine.advance(t0(), sink);  // prefill step in flight
  next = engine.advance(*next, sink);      // prefill done, prompt blocks cached
  const std::size_t used_by_first = engine.config().num_gpu_blocks - engine.free_blocks();
  // Same first 40 tokens: two full blocks in common.
  std::vector<std::uint32_t> prompt = tokens(64, 7);
  for (std::size_t i = 40; i < prompt.size(); ++i) prompt[i] = 999999;
  ASSERT_TRUE(engine.add(request(2, prompt, 1), *next).ok());
  next = engine.advance(*next, sink);
  // The newcomer holds 4 blocks of which 2 are shared: only 2 more are used.
  EXPECT_EQ(engine.config().num_gpu_blocks - engine.free_blocks(), used_by_first + 2);
  run_until_idle(engine, sink, *next);
  EXPECT_EQ(sink.stats(2).cached_prompt_tokens, 32u);
  EXPECT_EQ(engine.free_blocks(), 1024u);
}

TEST(EngineCacheTest, AdaptersAndDisabledCachingDoNotHit) {
  {
    Engine engine(unit_config());
    RecordingSink sink;
    const int lora = *engine.register_adapter("sql");
    ASSERT_TRUE(engine.add(request(1, tokens(64, 7), 1), t0()).ok());
    run_until_idle(engine, sink, t0());
    ASSERT_TRUE(engine.add(request(2, tokens(64, 7), 1, lora), t0() + seconds(1)).ok());
    run_until_idle(engine, sink, t0() + seconds(1));
    EXPECT_EQ(engine.counters().prefix_cache_hits, 0u);
    ASSERT_TRUE(engine.add(request(3, tokens(64, 7), 1, lora), t0() + seconds(2)).ok());
    run_until_idle(engine, sink, t0() + seconds(2));
    EXPECT_EQ(engine.counters().prefix_cache_hits, 48u);  // same adapter: hit
  }
  {
    EngineConfig config = unit_config();
    config.enable_prefix_caching = false;
    Engine engine(config);
    RecordingSink sink;
    ASSERT_TRUE(engine.add(request(1, tokens(64, 7), 1), t0()).ok());
    ASSERT_TRUE(engine.add(request(2, tokens(64, 7), 1), t0() + seconds(1)).ok());
    run_until_idle(engine, sink, t0());
    EXPECT_EQ(engine.counters().prefix_cache_hits, 0u);
    EXPECT_EQ(engine.counters().prefix_cache_queries, 0u);
    EXPECT_EQ(engine.cached_blocks(), 0u);
  }
}

TEST(EngineCacheTest, FreeCachedBlocksAreEvictedLeastRecentlyUsedFirst) {
  EngineConfig config = unit_config();
  config.num_gpu_blocks = 8;
  config.max_model_len = 128;
  Engine engine(config);
  RecordingSink sink;
  TimePoint now = t0();
  const auto run = [&](std::uint64_t id, std::size_t len, std::uint32_t seed) {
    ASSERT_TRUE(engine.add(request(id, tokens(len, seed), 1), now).ok());
    now = run_until_idle(engine, sink, now) + seconds(1);
  };
  run(1, 32, 1);  // A: 2 blocks, cached when done
  run(2, 32, 2);  // B: 2 blocks, cached, freed after A
  EXPECT_EQ(engine.cached_blocks(), 4u);
  EXPECT_EQ(engine.free_blocks(), 8u);
  run(3, 96, 3);  // C: 6 blocks = 4 never used + A's 2 (least recently used)
  EXPECT_EQ(engine.cache_evictions(), 2u);
  const std::uint64_t hits_before = engine.counters().prefix_cache_hits;
  run(4, 32, 2);  // B again: its first block survived
  EXPECT_EQ(engine.counters().prefix_cache_hits - hits_before, 16u);
  run(5, 32, 1);  // A again: evicted
  EXPECT_EQ(engine.counters().prefix_cache_hits - hits_before, 16u);
  EXPECT_EQ(engine.free_blocks(), 8u);
}

TEST(EngineCacheTest, PreemptsTheNewestSequenceWhenBlocksRunOut) {
  EngineConfig config = unit_config();
  config.num_gpu_blocks = 4;
  config.max_model_len = 64;
  Engine engine(config);
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 40), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(16, 2), 40), t0()).ok());
  TimePoint now = t0();
  double max_usage = 0;
  while (auto next = engine.advance(now, sink)) {
    max_usage = std::max(max_usage, engine.state().kv_cache_usage);
    now = *next;
  }
  EXPECT_DOUBLE_EQ(max_usage, 1.0);
  const EngineCounters& c = engine.counters();
  EXPECT_GE(c.preemptions, 1u);
  EXPECT_EQ(sink.stats(1).preemptions, 0u);  // the older sequence keeps running
  EXPECT_EQ(sink.stats(2).preemptions, c.preemptions);
  // The preempted sequence still produces every token, each exactly once, in order.
  for (std::uint64_t id : {1u, 2u}) {
    const auto times = sink.token_times(id);
    ASSERT_EQ(times.size(), 40u) << id;
    for (std::size_t i = 1; i < times.size(); ++i) EXPECT_LT(times[i - 1], times[i]);
    EXPECT_EQ(sink.stats(id).output_tokens, 40u);
  }
  // Preemption inflates its inter-token gaps beyond a normal decode step.
  const auto times = sink.token_times(2);
  Duration max_gap{0};
  for (std::size_t i = 1; i < times.size(); ++i)
    max_gap = std::max(max_gap, times[i] - times[i - 1]);
  EXPECT_GT(max_gap, microseconds(3200));
  EXPECT_EQ(c.generation_tokens, 80u);
  EXPECT_EQ(c.prompt_tokens, 32u);  // recomputation is not counted again
  EXPECT_EQ(c.success_length, 2u);
  EXPECT_EQ(engine.free_blocks(), 4u);
}

TEST(EngineCacheTest, AbortFreesBlocksAtOnceAndStopsTokens) {
  Engine engine(unit_config());
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(64, 1), 100), t0()).ok());
  TimePoint now = t0();
  for (int i = 0; i < 5; ++i) now = *engine.advance(now, sink);  // a step is in flight
  EXPECT_LT(engine.free_blocks(), 1024u);
  const std::uint32_t before = sink.token_count(1);
  EXPECT_EQ(before, 4u);
  engine.abort(1);
  EXPECT_EQ(engine.free_blocks(), 1024u);
  EXPECT_EQ(engine.state().running, 0u);
  run_until_idle(engine, sink, now);
  EXPECT_EQ(sink.token_count(1), before);
  EXPECT_TRUE(sink.finished.empty());
  EXPECT_EQ(engine.counters().success_abort, 1u);
  engine.abort(1);   // already gone: ignored
  engine.abort(77);  // unknown: ignored
  EXPECT_EQ(engine.counters().success_abort, 1u);
  // The id may be reused.
  ASSERT_TRUE(engine.add(request(1, tokens(64, 1), 2), now).ok());
  run_until_idle(engine, sink, now);
  EXPECT_EQ(sink.finished.size(), 1u);
}

TEST(EngineCacheTest, AbortWhileWaiting) {
  EngineConfig config = unit_config();
  config.max_num_seqs = 1;
  Engine engine(config);
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 3), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(16, 2), 3), t0()).ok());
  ASSERT_TRUE(engine.add(request(3, tokens(16, 3), 3), t0()).ok());
  engine.advance(t0(), sink);
  EXPECT_EQ(engine.state().waiting, 2u);
  engine.abort(2);
  EXPECT_EQ(engine.state().waiting, 1u);
  run_until_idle(engine, sink, t0());
  EXPECT_EQ(sink.token_count(2), 0u);
  EXPECT_EQ(sink.token_count(3), 3u);
  EXPECT_EQ(sink.finished.size(), 2u);
  EXPECT_EQ(engine.counters().success_abort, 1u);
  EXPECT_EQ(engine.counters().success_length, 2u);
}

TEST(EngineCacheTest, SinkMayAbortAnotherSequenceOfTheSameStep) {
  Engine engine(unit_config());
  RecordingSink sink;
  sink.on_token_hook = [&](std::uint64_t id) {
    if (id == 1) engine.abort(2);
  };
  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 3), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(16, 2), 3), t0()).ok());
  run_until_idle(engine, sink, t0());
  EXPECT_EQ(sink.token_count(1), 3u);
  EXPECT_EQ(sink.token_count(2), 0u);  // aborted before its token of the same step was emitted
  EXPECT_EQ(engine.free_blocks(), 1024u);
}

}  // namespace
}  // namespace sluice::sim
