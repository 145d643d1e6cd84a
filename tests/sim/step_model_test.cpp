#include "sim/step_model.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

Profile profile() {
  Profile p;
  p.step_overhead = milliseconds(1);
  p.weights_read = milliseconds(6);
  p.prefill_per_token = microseconds(30);
  p.decode_per_seq = microseconds(20);
  p.lora_load_delay = milliseconds(3);
  p.prefill_attention_per_token2_ns = 0.5;
  p.decode_per_kv_token_ns = 50;
  return p;
}

TEST(StepModelTest, EmptyStepCostsNothing) {
  EXPECT_EQ(step_time(profile(), StepShape{}), Duration{0});
}

TEST(StepModelTest, PrefillOnly) {
  StepShape s;
  s.prefill_tokens = 100;
  s.prefill_token_pairs = 100 * 100;
  // 1 + 6 ms + 100 x 30 us + 10000 x 0.5 ns
  EXPECT_EQ(step_time(profile(), s), milliseconds(10) + microseconds(5));
}

TEST(StepModelTest, DecodeOnly) {
  StepShape s;
  s.decode_seqs = 4;
  s.decode_kv_tokens = 4000;
  // 1 + 6 ms + 4 x 20 us + 4000 x 50 ns
  EXPECT_EQ(step_time(profile(), s), milliseconds(7) + microseconds(80) + microseconds(200));
}

TEST(StepModelTest, MixedStepWithLoraLoadsAndRounding) {
  StepShape s;
  s.prefill_tokens = 3;
  s.prefill_token_pairs = 3;  // 1.5 ns
  s.decode_seqs = 1;
  s.decode_kv_tokens = 1;  // 50 ns -> 51.5 ns, rounded once
  s.lora_loads = 2;
  EXPECT_EQ(s.scheduled_tokens(), 4u);
  const Duration expected =
      milliseconds(7) + microseconds(90) + microseconds(20) + milliseconds(6) + nanoseconds(52);
  EXPECT_EQ(step_time(profile(), s), expected);
}

TEST(StepModelTest, GrowsWithBatchAndContext) {
  StepShape small;
  small.decode_seqs = 1;
  small.decode_kv_tokens = 100;
  StepShape bigger_batch = small;
  bigger_batch.decode_seqs = 64;
  bigger_batch.decode_kv_tokens = 6400;
  StepShape longer_context = small;
  longer_context.decode_kv_tokens = 100000;
  EXPECT_GT(step_time(profile(), bigger_batch), step_time(profile(), small));
  EXPECT_GT(step_time(profile(), longer_context), step_time(profile(), small));
}

}  // namespace
}  // namespace sluice::sim
