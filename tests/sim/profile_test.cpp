#include "sim/profile.h"

#include "sim/engine_config.h"
#include "sim/step_model.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

using std::chrono::milliseconds;

double ms(Duration d) { return to_seconds(d) * 1e3; }

TEST(ProfileTest, BuiltinsHaveUniqueNamesAndDescriptions) {
  const auto all = builtin_profiles();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "llama-3.1-8b-h100");
  EXPECT_EQ(all[1].name, "llama-3.1-8b-a100");
  EXPECT_EQ(all[2].name, "fixed");
  for (const auto& p : all) {
    EXPECT_FALSE(p.description.empty()) << p.name;
    EXPECT_EQ(p.description.find('\n'), std::string::npos) << p.name;
    EXPECT_TRUE(EngineConfig::from_profile(p).validate().ok()) << p.name;
  }
}

TEST(ProfileTest, FindProfileAndUnknownNameListsKnownOnes) {
  auto h100 = find_profile("llama-3.1-8b-h100");
  ASSERT_TRUE(h100.ok());
  EXPECT_FALSE(h100->fixed);
  auto missing = find_profile("gpt-5-b200");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().field, "profile");
  EXPECT_NE(missing.error().message.find("gpt-5-b200"), std::string::npos);
  EXPECT_NE(missing.error().message.find("llama-3.1-8b-h100"), std::string::npos);
  EXPECT_NE(missing.error().message.find("llama-3.1-8b-a100"), std::string::npos);
  EXPECT_NE(missing.error().message.find("fixed"), std::string::npos);
}

// The derivations in docs/sim-profiles.md, recomputed by hand.
TEST(ProfileTest, H100NumbersFollowTheRoofline) {
  const Profile p = find_profile("llama-3.1-8b-h100").value();
  EXPECT_NEAR(ms(p.weights_read), 16.06e9 / (3.35e12 * 0.7) * 1e3, 1e-3);  // ~6.85 ms
  EXPECT_NEAR(to_seconds(p.prefill_per_token) * 1e6, 16.06e9 / (989e12 * 0.5) * 1e6, 1e-3);
  EXPECT_NEAR(p.decode_per_kv_token_ns, 131072.0 / (3.35e12 * 0.7) * 1e9, 1e-6);  // ~55.9 ns
  EXPECT_EQ(p.num_gpu_blocks, 25720);  // (72 - 16.06 - 2) GB / 2 MiB
  EXPECT_EQ(p.block_size, 16);
  EXPECT_EQ(p.max_num_seqs, 1024);
  EXPECT_EQ(p.max_num_batched_tokens, 8192);
  EXPECT_EQ(p.max_model_len, 131072);
}

TEST(ProfileTest, A100IsSlowerThanH100EverywhereAndUsesA100Defaults) {
  const Profile h = find_profile("llama-3.1-8b-h100").value();
  const Profile a = find_profile("llama-3.1-8b-a100").value();
  EXPECT_GT(a.weights_read, h.weights_read);
  EXPECT_GT(a.prefill_per_token, h.prefill_per_token);
  EXPECT_GT(a.decode_per_kv_token_ns, h.decode_per_kv_token_ns);
  EXPECT_GT(a.prefill_attention_per_token2_ns, h.prefill_attention_per_token2_ns);
  EXPECT_GT(a.lora_load_delay, h.lora_load_delay);
  EXPECT_EQ(a.max_num_seqs, 256);
  EXPECT_EQ(a.max_num_batched_tokens, 2048);
  EXPECT_EQ(a.num_gpu_blocks, h.num_gpu_blocks);  // same 80 GB of memory
}

// Cross-check with the anchors' batch-1 figures: our roofline is faster than llm-d-inference-sim's
// ranges (documented in docs/sim-profiles.md), but must stay within a plausible band.
TEST(ProfileTest, LowLoadLatenciesArePlausible) {
  const Profile p = find_profile("llama-3.1-8b-h100").value();
  StepShape prefill;
  prefill.prefill_tokens = 256;
  prefill.prefill_token_pairs = 256 * 256;
  const double ttft = ms(step_time(p, prefill));
  EXPECT_GT(ttft, 12.0);
  EXPECT_LT(ttft, 25.0);
  StepShape decode;
  decode.decode_seqs = 1;
  decode.decode_kv_tokens = 300;
  const double itl = ms(step_time(p, decode));
  EXPECT_GT(itl, 7.0);
  EXPECT_LT(itl, 10.0);
}

TEST(ProfileTest, FixedProfile) {
  const Profile p = fixed_profile(milliseconds(100), milliseconds(12));
  EXPECT_TRUE(p.fixed);
  EXPECT_EQ(p.name, "fixed");
  EXPECT_EQ(p.fixed_ttft, milliseconds(100));
  EXPECT_EQ(p.fixed_itl, milliseconds(12));
  EXPECT_GT(p.num_gpu_blocks, 0);
  const Profile builtin = find_profile("fixed").value();
  EXPECT_EQ(builtin.fixed_ttft, Duration{0});
  EXPECT_EQ(builtin.fixed_itl, Duration{0});
}

TEST(EngineConfigTest, FromProfileCopiesDefaults) {
  Profile p = find_profile("llama-3.1-8b-a100").value();
  p.max_loras = 7;
  const EngineConfig c = EngineConfig::from_profile(p);
  EXPECT_EQ(c.profile.name, p.name);
  EXPECT_EQ(c.max_num_seqs, 256);
  EXPECT_EQ(c.max_num_batched_tokens, 2048);
  EXPECT_EQ(c.block_size, 16);
  EXPECT_EQ(c.num_gpu_blocks, 25720);
  EXPECT_EQ(c.max_loras, 7);
  EXPECT_EQ(c.max_model_len, 131072);
  EXPECT_TRUE(c.enable_prefix_caching);
}

TEST(EngineConfigTest, ValidateNamesTheBadSetting) {
  EngineConfig c = EngineConfig::from_profile(find_profile("llama-3.1-8b-h100").value());
  c.num_gpu_blocks = 100;  // 1600 tokens < max_model_len
  auto st = c.validate();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().field, "max-model-len");
  c.max_model_len = 1600;
  EXPECT_TRUE(c.validate().ok());
  c.max_num_seqs = 0;
  ASSERT_FALSE(c.validate().ok());
  EXPECT_EQ(c.validate().error().field, "max-num-seqs");
  c.max_num_seqs = 1;
  c.block_size = 0;
  ASSERT_FALSE(c.validate().ok());
  EXPECT_EQ(c.validate().error().field, "block-size");
}

}  // namespace
}  // namespace sluice::sim
