// The fixed profile: exact constant latencies, no batching effects.
#include "sim/engine.h"
#include "sim_test_util.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

using namespace sluice::sim::testing;  // NOLINT
using std::chrono::milliseconds;
using std::chrono::seconds;

EngineConfig fixed_config(Duration ttft, Duration itl) {
  EngineConfig c = EngineConfig::from_profile(fixed_profile(ttft, itl));
  c.num_gpu_blocks = 64;
  c.max_model_len = 1024;
  return c;
}

TEST(EngineFixedTest, TimingIsExact) {
  Engine engine(fixed_config(milliseconds(100), milliseconds(10)));
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(40, 1), 3), t0()).ok());
  auto next = engine.advance(t0(), sink);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, t0() + milliseconds(100));
  EXPECT_EQ(engine.state().running, 1u);
  EXPECT_EQ(engine.state().waiting, 0u);
  run_until_idle(engine, sink, *next);
  ASSERT_EQ(sink.tokens.size(), 3u);
  for (const auto& t : sink.tokens) EXPECT_EQ(t.count, 1u);
  EXPECT_EQ(sink.token_times(1),
            (std::vector<TimePoint>{t0() + milliseconds(100), t0() + milliseconds(110),
                                    t0() + milliseconds(120)}));
  const SeqStats s = sink.stats(1);
  EXPECT_EQ(s.first_scheduled, t0());
  EXPECT_EQ(s.first_token, t0() + milliseconds(100));
  EXPECT_EQ(s.finished, t0() + milliseconds(120));
  EXPECT_EQ(s.output_tokens, 3u);
  EXPECT_TRUE(sink.steps.empty());  // no batched steps
}

TEST(EngineFixedTest, AStalledLoopDelaysLaterTokensInsteadOfBurstingThem) {
  Engine engine(fixed_config(milliseconds(100), milliseconds(10)));
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(40, 1), 3), t0()).ok());
  ASSERT_TRUE(engine.advance(t0(), sink));
  // The loop wakes 30 ms late for the first token: it is reported at its scheduled time, and
  // the second is one ITL after the first was actually produced.
  auto next = engine.advance(t0() + milliseconds(130), sink);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, t0() + milliseconds(140));
  run_until_idle(engine, sink, *next);
  EXPECT_EQ(sink.token_times(1),
            (std::vector<TimePoint>{t0() + milliseconds(100), t0() + milliseconds(140),
                                    t0() + milliseconds(150)}));
}

TEST(EngineFixedTest, AWakeUpLateByLessThanAnItlKeepsThePlannedSchedule) {
  Engine engine(fixed_config(milliseconds(100), milliseconds(10)));
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(40, 1), 3), t0()).ok());
  ASSERT_TRUE(engine.advance(t0(), sink));
  auto next = engine.advance(t0() + milliseconds(102), sink);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, t0() + milliseconds(110)) << "timer jitter must not make ITL drift";
}

TEST(EngineFixedTest, LoadDoesNotChangeLatencies) {
  EngineConfig config = fixed_config(milliseconds(50), milliseconds(5));
  config.max_num_seqs = 1;  // ignored by the fixed profile
  Engine engine(config);
  RecordingSink sink;
  for (std::uint64_t id = 1; id <= 100; ++id) {
    const TimePoint arrival = t0() + milliseconds(static_cast<int>(id));
    ASSERT_TRUE(
        engine.add(request(id, tokens(20, static_cast<std::uint32_t>(id)), 4), arrival).ok());
  }
  EXPECT_EQ(engine.state().running, 100u);
  run_until_idle(engine, sink, t0());
  ASSERT_EQ(sink.finished.size(), 100u);
  for (const auto& f : sink.finished) {
    EXPECT_EQ(f.stats.first_token - f.stats.arrival, milliseconds(50));
    EXPECT_EQ(f.stats.finished - f.stats.first_token, milliseconds(15));
  }
  // Events are delivered in time order even when advance() is far behind.
  for (std::size_t i = 1; i < sink.tokens.size(); ++i) {
    EXPECT_LE(sink.tokens[i - 1].at, sink.tokens[i].at);
  }
}

TEST(EngineFixedTest, ZeroItlReportsAllTokensAtOnce) {
  Engine engine(fixed_config(milliseconds(20), Duration{0}));
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(8, 1), 50, -1, FinishReason::kStop), t0()).ok());
  run_until_idle(engine, sink, t0());
  ASSERT_EQ(sink.tokens.size(), 1u);
  EXPECT_EQ(sink.tokens[0].count, 50u);
  EXPECT_EQ(sink.tokens[0].at, t0() + milliseconds(20));
  ASSERT_EQ(sink.finished.size(), 1u);
  EXPECT_EQ(sink.finished[0].reason, FinishReason::kStop);
  EXPECT_EQ(engine.counters().generation_tokens, 50u);
  EXPECT_EQ(engine.counters().success_stop, 1u);
}

TEST(EngineFixedTest, ZeroLatencyCompletesOnTheNextAdvance) {
  Engine engine(fixed_config(Duration{0}, Duration{0}));
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(8, 1), 5), t0()).ok());
  EXPECT_FALSE(engine.advance(t0(), sink));
  EXPECT_EQ(sink.token_count(1), 5u);
  EXPECT_EQ(sink.stats(1).finished, t0());
}

TEST(EngineFixedTest, MaxStepsBoundsTheInstantsProcessed) {
  Engine engine(fixed_config(milliseconds(1), Duration{0}));
  RecordingSink sink;
  for (std::uint64_t id = 1; id <= 3; ++id) {
    const TimePoint arrival = t0() + milliseconds(static_cast<int>(id));
    ASSERT_TRUE(
        engine.add(request(id, tokens(8, static_cast<std::uint32_t>(id)), 2), arrival).ok());
  }
  const TimePoint late = t0() + seconds(1);
  auto next = engine.advance(late, sink, 1);
  ASSERT_TRUE(next);
  EXPECT_LE(*next, late);
  EXPECT_EQ(sink.finished.size(), 1u);
  EXPECT_FALSE(engine.advance(late, sink, 2));
  EXPECT_EQ(sink.finished.size(), 3u);
}

TEST(EngineFixedTest, KvBlocksAndPrefixCacheAreTrackedForMetrics) {
  Engine engine(fixed_config(milliseconds(10), milliseconds(10)));
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(64, 1), 20), t0()).ok());
  engine.advance(t0(), sink);
  EXPECT_EQ(engine.free_blocks(), 60u);  // 4 prompt blocks
  EXPECT_GT(engine.state().kv_cache_usage, 0.0);
  run_until_idle(engine, sink, t0());
  EXPECT_EQ(engine.free_blocks(), 64u);
  EXPECT_EQ(engine.state().kv_cache_usage, 0.0);
  ASSERT_TRUE(engine.add(request(2, tokens(64, 1), 1), t0() + seconds(1)).ok());
  run_until_idle(engine, sink, t0() + seconds(1));
  EXPECT_EQ(sink.stats(2).cached_prompt_tokens, 48u);
  EXPECT_EQ(engine.counters().prefix_cache_hits, 48u);
  EXPECT_EQ(engine.counters().prefix_cache_queries, 128u);
  EXPECT_EQ(sink.stats(2).first_token - sink.stats(2).arrival, milliseconds(10));  // unchanged
}

TEST(EngineFixedTest, KvExhaustionNeverBlocks) {
  EngineConfig config = fixed_config(milliseconds(10), milliseconds(1));
  config.num_gpu_blocks = 4;
  Engine engine(config);
  RecordingSink sink;
  for (std::uint64_t id = 1; id <= 10; ++id) {
    ASSERT_TRUE(engine.add(request(id, tokens(40, static_cast<std::uint32_t>(id)), 30), t0()).ok());
  }
  run_until_idle(engine, sink, t0());
  ASSERT_EQ(sink.finished.size(), 10u);
  for (const auto& f : sink.finished) EXPECT_EQ(f.stats.finished, t0() + milliseconds(39));
  EXPECT_EQ(engine.counters().preemptions, 0u);
  EXPECT_EQ(engine.free_blocks(), 4u);
}

TEST(EngineFixedTest, AbortAndInFlightLimit) {
  EngineConfig config = fixed_config(milliseconds(10), milliseconds(10));
  config.fixed_max_in_flight = 2;
  Engine engine(config);
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(20, 1), 5), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(20, 2), 5), t0()).ok());
  const Status full = engine.add(request(3, tokens(20, 3), 5), t0());
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kRateLimited);
  engine.advance(t0() + milliseconds(10), sink);
  engine.abort(1);
  EXPECT_EQ(engine.free_blocks(), 64u - 2u);
  ASSERT_TRUE(engine.add(request(1, tokens(20, 1), 1), t0() + milliseconds(10)).ok());  // id reuse
  run_until_idle(engine, sink, t0() + milliseconds(10));
  EXPECT_EQ(sink.token_count(2), 5u);
  EXPECT_EQ(sink.token_count(1), 2u);  // one before the abort, one from the new request
  EXPECT_EQ(engine.counters().success_abort, 1u);
  EXPECT_EQ(engine.counters().success_length, 2u);
  EXPECT_EQ(engine.free_blocks(), 64u);
}

TEST(EngineFixedTest, AdaptersIgnoreSlotLimits) {
  EngineConfig config = fixed_config(milliseconds(10), milliseconds(10));
  config.max_loras = 1;
  Engine engine(config);
  RecordingSink sink;
  const int a = *engine.register_adapter("a");
  const int b = *engine.register_adapter("b");
  ASSERT_TRUE(engine.add(request(1, tokens(20, 1), 3, a), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(20, 2), 3, b), t0()).ok());
  EXPECT_EQ(engine.state().running_adapters, (std::vector<std::string>{"a", "b"}));
  run_until_idle(engine, sink, t0());
  EXPECT_EQ(sink.stats(1).finished, sink.stats(2).finished);
  EXPECT_TRUE(engine.state().running_adapters.empty());
}

}  // namespace
}  // namespace sluice::sim
