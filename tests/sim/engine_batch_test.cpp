// Batching and timing of the batched engine, with the round-number unit profile:
// step = 3 ms + 10 us per prefill token + 100 us per decode sequence.
#include "sim/engine.h"
#include "sim_test_util.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

using namespace sluice::sim::testing;  // NOLINT
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(EngineBatchTest, LowLoadTtftAndItlAreTheStepTimes) {
  Engine engine(unit_config());
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(100, 1), 3), t0()).ok());
  // Prefill of 100 tokens: 3 ms + 1 ms.
  auto next = engine.advance(t0(), sink);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, t0() + milliseconds(4));
  EXPECT_TRUE(sink.tokens.empty());
  run_until_idle(engine, sink, *next);
  const std::vector<TimePoint> expected{t0() + milliseconds(4),
                                        t0() + milliseconds(7) + microseconds(100),
                                        t0() + milliseconds(10) + microseconds(200)};
  EXPECT_EQ(sink.token_times(1), expected);
  const FinishedEvent* f = sink.find(1);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->reason, FinishReason::kLength);
  EXPECT_EQ(f->stats.prompt_tokens, 100u);
  EXPECT_EQ(f->stats.output_tokens, 3u);
  EXPECT_EQ(f->stats.cached_prompt_tokens, 0u);
  EXPECT_EQ(f->stats.arrival, t0());
  EXPECT_EQ(f->stats.first_scheduled, t0());
  EXPECT_EQ(f->stats.last_scheduled, t0());
  EXPECT_EQ(f->stats.first_token, expected[0]);
  EXPECT_EQ(f->stats.last_token, expected[2]);
  EXPECT_EQ(f->stats.finished, expected[2]);
  EXPECT_EQ(sink.steps.size(), 3u);
  EXPECT_EQ(engine.state().running, 0u);
}

TEST(EngineBatchTest, AttentionAndKvTermsFollowTheSequenceLength) {
  EngineConfig config = unit_config();
  config.profile.prefill_attention_per_token2_ns = 1.0;
  config.profile.decode_per_kv_token_ns = 10.0;
  Engine engine(config);
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(100, 1), 3), t0()).ok());
  run_until_idle(engine, sink, t0());
  const auto times = sink.token_times(1);
  ASSERT_EQ(times.size(), 3u);
  // 100 x 100 pairs x 1 ns; then decode reads 101 and 102 KV tokens x 10 ns.
  EXPECT_EQ(times[0] - t0(), milliseconds(4) + microseconds(10));
  EXPECT_EQ(times[1] - times[0], microseconds(3100) + std::chrono::nanoseconds(1010));
  EXPECT_EQ(times[2] - times[1], microseconds(3100) + std::chrono::nanoseconds(1020));
}

TEST(EngineBatchTest, IdleEngineStartsWhenTheRequestArrivedNotWhenAdvanced) {
  Engine engine(unit_config());
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(100, 1), 2), t0()).ok());
  EXPECT_FALSE(engine.advance(t0() + std::chrono::seconds(1), sink));  // all done, idle
  EXPECT_EQ(
      sink.token_times(1),
      (std::vector<TimePoint>{t0() + milliseconds(4), t0() + milliseconds(7) + microseconds(100)}));
  // Later arrivals start at their own time, not at the previous step's end.
  const TimePoint later = t0() + std::chrono::seconds(5);
  ASSERT_TRUE(engine.add(request(2, tokens(100, 2), 1), later).ok());
  EXPECT_FALSE(engine.advance(later + std::chrono::seconds(1), sink));
  EXPECT_EQ(sink.token_times(2), std::vector<TimePoint>{later + milliseconds(4)});
}

TEST(EngineBatchTest, LateAdvanceNeverSchedulesARequestBeforeItArrived) {
  Engine engine(unit_config());
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 10), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(16, 2), 1), t0() + milliseconds(10)).ok());
  ASSERT_TRUE(engine.add(request(3, tokens(16, 3), 1), t0() + milliseconds(500)).ok());
  // One late call catches up on everything.
  EXPECT_FALSE(engine.advance(t0() + std::chrono::seconds(1), sink, 1000));
  // Request 1's steps end at 3.16, 6.26, 9.36 and 12.46 ms. The step starting at 9.36 ms began
  // before request 2 arrived (10 ms), so request 2 joins the one starting at 12.46 ms.
  EXPECT_EQ(sink.stats(2).first_scheduled, t0() + milliseconds(12) + microseconds(460));
  // Request 3 arrives while the engine is idle: the GPU starts at its arrival.
  EXPECT_EQ(sink.stats(3).first_scheduled, t0() + milliseconds(500));
  EXPECT_EQ(sink.stats(3).first_token, t0() + milliseconds(503) + microseconds(160));
}

TEST(EngineBatchTest, AdvanceBeforeAFutureArrivalReturnsItsTime) {
  Engine engine(unit_config());
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 1), t0() + milliseconds(5)).ok());
  EXPECT_EQ(engine.advance(t0(), sink), t0() + milliseconds(5));
  EXPECT_TRUE(sink.tokens.empty());
  run_until_idle(engine, sink, t0() + milliseconds(5));
  EXPECT_EQ(sink.stats(1).first_token, t0() + milliseconds(8) + microseconds(160));
}

TEST(EngineBatchTest, ChunkedPrefillSpansSteps) {
  EngineConfig config = unit_config();
  config.max_num_batched_tokens = 32;
  Engine engine(config);
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(100, 1), 2), t0()).ok());
  run_until_idle(engine, sink, t0());
  ASSERT_EQ(sink.steps.size(), 5u);
  const std::uint64_t chunks[] = {32, 32, 32, 4};
  const std::uint64_t contexts[] = {32, 64, 96, 100};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(sink.steps[i].shape.prefill_tokens, chunks[i]) << i;
    EXPECT_EQ(sink.steps[i].shape.prefill_token_pairs, chunks[i] * contexts[i]) << i;
    EXPECT_EQ(sink.steps[i].shape.decode_seqs, 0u);
  }
  EXPECT_EQ(sink.steps[4].shape.decode_seqs, 1u);
  EXPECT_EQ(sink.steps[4].shape.decode_kv_tokens, 101u);
  // First token only at the end of the step that completes the prefill: 3 x 3.32 + 3.04 ms.
  const auto times = sink.token_times(1);
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[0], t0() + milliseconds(13));
  EXPECT_EQ(times[1], t0() + milliseconds(16) + microseconds(100));
}

TEST(EngineBatchTest, TokenBudgetIsSharedByDecodesAndNewPrefills) {
  EngineConfig config = unit_config();
  config.max_num_batched_tokens = 32;
  Engine engine(config);
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(10, 1), 5), t0()).ok());
  auto next = engine.advance(t0(), sink);
  ASSERT_TRUE(engine.add(request(2, tokens(100, 2), 1), t0() + milliseconds(1)).ok());
  run_until_idle(engine, sink, *next);
  ASSERT_GE(sink.steps.size(), 2u);
  const StepShape& mixed = sink.steps[1].shape;
  EXPECT_EQ(mixed.decode_seqs, 1u);      // the running sequence goes first
  EXPECT_EQ(mixed.prefill_tokens, 31u);  // the newcomer gets what is left of the budget
  for (const StepInfo& s : sink.steps) EXPECT_LE(s.shape.scheduled_tokens(), 32u);
  EXPECT_EQ(sink.token_count(1), 5u);
  EXPECT_EQ(sink.token_count(2), 1u);
}

TEST(EngineBatchTest, RespectsMaxNumSeqsFirstComeFirstServed) {
  EngineConfig config = unit_config();
  config.max_num_seqs = 2;
  Engine engine(config);
  RecordingSink sink;
  for (std::uint64_t id = 1; id <= 5; ++id) {
    ASSERT_TRUE(engine.add(request(id, tokens(16, static_cast<std::uint32_t>(id)), 4), t0()).ok());
  }
  engine.advance(t0(), sink);
  EngineState st = engine.state();
  EXPECT_EQ(st.running, 2u);
  EXPECT_EQ(st.waiting, 3u);
  run_until_idle(engine, sink, t0());
  for (const StepInfo& s : sink.steps) EXPECT_LE(s.running, 2u);
  ASSERT_EQ(sink.finished.size(), 5u);
  for (std::uint64_t id = 1; id <= 5; ++id) EXPECT_EQ(sink.token_count(id), 4u);
  // Requests 3 and 4 start only when 1 and 2 are done; 5 after them.
  const auto f = [&](std::uint64_t id) { return sink.stats(id); };
  EXPECT_EQ(f(3).first_scheduled, f(1).finished);
  EXPECT_EQ(f(4).first_scheduled, f(2).finished);
  EXPECT_GE(f(5).first_scheduled, f(3).finished);
  EXPECT_GT(f(3).first_token - f(3).arrival, f(1).first_token - f(1).arrival);  // TTFT queues
}

TEST(EngineBatchTest, ItlGrowsWithBatchSize) {
  const auto mean_itl = [](int batch) {
    Engine engine(unit_config());
    RecordingSink sink;
    for (int i = 0; i < batch; ++i) {
      EXPECT_TRUE(
          engine.add(request(i + 1, tokens(16, static_cast<std::uint32_t>(i + 1)), 10), t0()).ok());
    }
    run_until_idle(engine, sink, t0());
    const auto times = sink.token_times(1);
    EXPECT_EQ(times.size(), 10u);
    return (times.back() - times.front()) / 9;
  };
  EXPECT_EQ(mean_itl(1), microseconds(3100));
  EXPECT_EQ(mean_itl(8), microseconds(3800));
  EXPECT_GT(mean_itl(64), mean_itl(8));
}

TEST(EngineBatchTest, ItlGrowsWithContextWhenKvReadsCost) {
  EngineConfig config = unit_config();
  config.profile.decode_per_kv_token_ns = 1000;
  Engine engine(config);
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(64, 1), 6), t0()).ok());
  run_until_idle(engine, sink, t0());
  const auto times = sink.token_times(1);
  ASSERT_EQ(times.size(), 6u);
  for (std::size_t i = 2; i < times.size(); ++i) {
    EXPECT_EQ((times[i] - times[i - 1]) - (times[i - 1] - times[i - 2]), microseconds(1));
  }
}

TEST(EngineBatchTest, ZeroDurationStepsAreBoundedByMaxSteps) {
  EngineConfig config = unit_config();
  config.profile = Profile{};  // every coefficient zero
  Engine engine(config);
  RecordingSink sink;
  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 10), t0()).ok());
  auto next = engine.advance(t0(), sink, 3);
  ASSERT_TRUE(next);
  EXPECT_LE(*next, t0());  // "call again soon"
  EXPECT_EQ(sink.token_count(1), 3u);
  int calls = 0;
  while (engine.advance(t0(), sink, 3)) ++calls;
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(sink.token_count(1), 10u);
  for (const auto& t : sink.tokens) EXPECT_EQ(t.at, t0());
}

TEST(EngineBatchTest, StepInfoReportsTheBatch) {
  EngineConfig config = unit_config();
  config.max_num_seqs = 2;
  Engine engine(config);
  RecordingSink sink;
  for (std::uint64_t id = 1; id <= 3; ++id) {
    ASSERT_TRUE(engine.add(request(id, tokens(20, static_cast<std::uint32_t>(id)), 2), t0()).ok());
  }
  run_until_idle(engine, sink, t0());
  ASSERT_FALSE(sink.steps.empty());
  const StepInfo& first = sink.steps[0];
  EXPECT_EQ(first.start, t0());
  EXPECT_EQ(first.end, t0() + milliseconds(3) + microseconds(400));
  EXPECT_EQ(first.shape.prefill_tokens, 40u);
  EXPECT_EQ(first.running, 2u);
  EXPECT_EQ(first.waiting, 1u);
  for (std::size_t i = 1; i < sink.steps.size(); ++i) {
    EXPECT_EQ(sink.steps[i].start, sink.steps[i - 1].end);  // back to back while busy
  }
  EXPECT_EQ(engine.counters().steps, sink.steps.size());
}

}  // namespace
}  // namespace sluice::sim
