// add() validation, queue limits and exact counters.
#include "sim/engine.h"
#include "sim_test_util.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

using namespace sluice::sim::testing;  // NOLINT

TEST(EngineAdmissionTest, WaitingQueueFullIsRateLimited) {
  EngineConfig config = unit_config();
  config.max_waiting = 2;
  Engine engine(config);
  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 1), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(16, 2), 1), t0()).ok());
  const Status full = engine.add(request(3, tokens(16, 3), 1), t0());
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(engine.state().waiting, 2u);
  // Once they are admitted there is room again.
  RecordingSink sink;
  engine.advance(t0(), sink);
  EXPECT_TRUE(engine.add(request(3, tokens(16, 3), 1), t0()).ok());
}

TEST(EngineAdmissionTest, PromptPlusOutputOverMaxModelLenIsInvalid) {
  Engine engine(unit_config());  // max_model_len 4096
  const Status too_long = engine.add(request(1, tokens(4000, 1), 97), t0());
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_long.error().message.find("4096"), std::string::npos);
  EXPECT_NE(too_long.error().message.find("4097"), std::string::npos);
  EXPECT_TRUE(engine.add(request(1, tokens(4000, 1), 96), t0()).ok());
}

TEST(EngineAdmissionTest, SequenceThatCanNeverFitInTheKvCacheIsInvalid) {
  EngineConfig config = unit_config();
  config.num_gpu_blocks = 2;  // 32 tokens (validate() would refuse this config)
  Engine engine(config);
  const Status st = engine.add(request(1, tokens(30, 1), 4), t0());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  // The last token's KV is never needed: 30 + 3 = 33 > 32, but 30 + 2 = 32 fits.
  EXPECT_TRUE(engine.add(request(2, tokens(30, 1), 3), t0()).ok());
  RecordingSink sink;
  run_until_idle(engine, sink, t0());
  EXPECT_EQ(sink.token_count(2), 3u);
}

TEST(EngineAdmissionTest, MalformedRequestsAreInvalid) {
  Engine engine(unit_config());
  EXPECT_EQ(engine.add(request(1, {}, 1), t0()).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine.add(request(1, tokens(4, 1), 0), t0()).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine.add(request(1, tokens(4, 1), 1, 42), t0()).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(engine.add(request(1, tokens(4, 1), 1), t0()).ok());
  EXPECT_EQ(engine.add(request(1, tokens(4, 1), 1), t0()).error().code,
            ErrorCode::kInvalidArgument);  // duplicate live id
  EXPECT_EQ(engine.state().waiting, 1u);
  EXPECT_EQ(engine.counters().prefix_cache_queries, 0u);
}

TEST(EngineAdmissionTest, CountersAreExact) {
  Engine engine(unit_config());
  RecordingSink sink;
  sink.on_token_hook = [&](std::uint64_t id) {
    if (id == 3) engine.abort(3);  // after its first token
  };
  ASSERT_TRUE(engine.add(request(1, tokens(20, 1), 3, -1, FinishReason::kStop), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(30, 2), 2, -1, FinishReason::kLength), t0()).ok());
  ASSERT_TRUE(engine.add(request(3, tokens(10, 3), 5), t0()).ok());
  ASSERT_TRUE(engine.add(request(4, tokens(16, 4), 1, -1, FinishReason::kAbort), t0()).ok());
  run_until_idle(engine, sink, t0());
  const EngineCounters& c = engine.counters();
  EXPECT_EQ(c.prompt_tokens, 76u);
  EXPECT_EQ(c.generation_tokens, 7u);  // 3 + 2 + 1 (then aborted) + 1
  EXPECT_EQ(c.prefix_cache_queries, 76u);
  EXPECT_EQ(c.prefix_cache_hits, 0u);
  EXPECT_EQ(c.preemptions, 0u);
  EXPECT_EQ(c.success_stop, 1u);
  EXPECT_EQ(c.success_length, 1u);
  EXPECT_EQ(c.success_abort, 2u);  // one abort() and one request ending with reason abort
  EXPECT_EQ(c.steps, sink.steps.size());
  EXPECT_EQ(c.steps, 3u);
  ASSERT_EQ(sink.finished.size(), 3u);
  EXPECT_EQ(sink.find(1)->reason, FinishReason::kStop);
  EXPECT_EQ(sink.find(4)->reason, FinishReason::kAbort);
  EXPECT_EQ(sink.find(3), nullptr);
  std::uint64_t emitted = 0;
  for (const auto& t : sink.tokens) emitted += t.count;
  EXPECT_EQ(emitted, c.generation_tokens);
  EXPECT_EQ(finish_reason_name(FinishReason::kStop), "stop");
  EXPECT_EQ(finish_reason_name(FinishReason::kLength), "length");
  EXPECT_EQ(finish_reason_name(FinishReason::kAbort), "abort");
}

}  // namespace
}  // namespace sluice::sim
