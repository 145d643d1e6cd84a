// LoRA slots in the batched engine (unit profile: 5 ms per adapter load).
#include "sim/engine.h"
#include "sim_test_util.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

using namespace sluice::sim::testing;  // NOLINT
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(EngineLoraTest, SlotLimitMakesAdapterWaitWhileOthersPass) {
  EngineConfig config = unit_config();
  config.max_loras = 1;
  Engine engine(config);
  RecordingSink sink;
  const int a = *engine.register_adapter("a");
  const int b = *engine.register_adapter("b");
  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 5, a), t0()).ok());
  ASSERT_TRUE(engine.add(request(2, tokens(16, 2), 1, b), t0()).ok());
  ASSERT_TRUE(engine.add(request(3, tokens(16, 3), 1), t0()).ok());
  engine.advance(t0(), sink);
  EngineState st = engine.state();
  EXPECT_EQ(st.running, 2u);  // 1 (loads a) and 3 (base model) pass 2
  EXPECT_EQ(st.waiting, 1u);
  EXPECT_EQ(st.running_adapters, std::vector<std::string>{"a"});
  EXPECT_EQ(st.waiting_adapters, std::vector<std::string>{"b"});
  run_until_idle(engine, sink, t0());

  // Step 1: 3 ms + 32 prefill tokens + one adapter load.
  const TimePoint first = t0() + milliseconds(8) + microseconds(320);
  EXPECT_EQ(sink.stats(1).first_token, first);
  EXPECT_EQ(sink.stats(3).first_token, first);
  EXPECT_EQ(sink.steps[0].shape.lora_loads, 1u);
  // Request 2 gets the slot (evicting the now idle "a") once request 1 is done.
  const TimePoint a_done = first + 4 * microseconds(3100);
  EXPECT_EQ(sink.stats(1).finished, a_done);
  EXPECT_EQ(sink.stats(2).first_scheduled, a_done);
  EXPECT_EQ(sink.stats(2).first_token, a_done + milliseconds(8) + microseconds(160));
  EXPECT_EQ(engine.lora_loads(), 2u);
  EXPECT_TRUE(engine.state().running_adapters.empty());
}

TEST(EngineLoraTest, EvictsTheLeastRecentlyUsedIdleAdapter) {
  EngineConfig config = unit_config();
  config.max_loras = 2;
  Engine engine(config);
  RecordingSink sink;
  const int a = *engine.register_adapter("a");
  const int b = *engine.register_adapter("b");
  const int c = *engine.register_adapter("c");
  TimePoint now = t0();
  std::uint64_t id = 0;
  const auto run = [&](int adapter) {
    ++id;
    EXPECT_TRUE(
        engine.add(request(id, tokens(16, static_cast<std::uint32_t>(id)), 1, adapter), now).ok());
    now = run_until_idle(engine, sink, now) + seconds(1);
    return sink.stats(id).first_token - sink.stats(id).arrival;
  };
  const Duration loaded = milliseconds(8) + microseconds(160);
  const Duration resident = milliseconds(3) + microseconds(160);
  EXPECT_EQ(run(a), loaded);
  EXPECT_EQ(run(b), loaded);
  EXPECT_EQ(run(c), loaded);  // evicts a, the least recently used
  EXPECT_EQ(engine.lora_loads(), 3u);
  EXPECT_EQ(run(b), resident);  // still resident: no delay
  EXPECT_EQ(run(a), loaded);    // evicts c (b was used more recently)
  EXPECT_EQ(run(b), resident);
  EXPECT_EQ(engine.lora_loads(), 4u);
}

TEST(EngineLoraTest, RegisterAndUnregisterAdapters) {
  Engine engine(unit_config());
  RecordingSink sink;
  auto a = engine.register_adapter("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(engine.register_adapter("a").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine.adapter_id("a"), *a);
  EXPECT_FALSE(engine.adapter_id("zzz"));
  ASSERT_TRUE(engine.register_adapter("b").ok());
  EXPECT_EQ(engine.adapter_names(), (std::vector<std::string>{"a", "b"}));

  ASSERT_TRUE(engine.add(request(1, tokens(16, 1), 3, *a), t0()).ok());
  auto busy = engine.unregister_adapter("a");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, ErrorCode::kUnavailable);
  run_until_idle(engine, sink, t0());
  EXPECT_TRUE(engine.unregister_adapter("a").ok());
  EXPECT_EQ(engine.unregister_adapter("a").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(engine.adapter_names(), std::vector<std::string>{"b"});
  auto stale = engine.add(request(2, tokens(16, 1), 3, *a), t0());
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kNotFound);
}

TEST(EngineLoraTest, DisabledLora) {
  EngineConfig config = unit_config();
  config.max_loras = 0;
  Engine engine(config);
  auto r = engine.register_adapter("a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::sim
