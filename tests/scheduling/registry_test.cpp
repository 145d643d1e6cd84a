#include "scheduling/registry.h"

#include <gtest/gtest.h>

namespace sluice::scheduling {
namespace {

// Builds the plugin specs and first profile of an EndpointPickerConfig document, the way the
// config module will (kept minimal here: no validation of the document itself).
struct ParsedConfig {
  std::vector<PluginSpec> plugins;
  ProfileSpec profile;
};

ParsedConfig parse(const std::string& yaml) {
  const YAML::Node doc = YAML::Load(yaml);
  ParsedConfig c;
  for (const auto& p : doc["plugins"]) {
    c.plugins.push_back({p["type"].as<std::string>(), p["name"] ? p["name"].as<std::string>() : "",
                         p["parameters"]});
  }
  const auto prof = doc["schedulingProfiles"][0];
  c.profile.name = prof["name"].as<std::string>();
  for (const auto& r : prof["plugins"]) {
    ProfilePluginRef ref;
    ref.plugin_ref = r["pluginRef"].as<std::string>();
    if (r["weight"]) {
      ref.weight = r["weight"].as<double>();
    }
    c.profile.plugins.push_back(ref);
  }
  return c;
}

TEST(RegistryTest, LlmdOptimizedBaselineConfigLoads) {
  const auto c = parse(R"(
apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: single-profile-handler
- type: decode-filter
- type: queue-scorer
- type: kv-cache-utilization-scorer
- type: prefix-cache-scorer
  parameters:
    hashBlockSize: 32
    maxPrefixBlocksToMatch: 128
    lruCapacityPerServer: 5000
- type: max-score-picker
  parameters:
    maxNumOfEndpoints: 1
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: decode-filter
  - pluginRef: queue-scorer
    weight: 2
  - pluginRef: kv-cache-utilization-scorer
    weight: 2
  - pluginRef: prefix-cache-scorer
    weight: 3
  - pluginRef: max-score-picker
)");
  auto p = build_profile(c.plugins, c.profile);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->name, "default");
  ASSERT_EQ(p->filters.size(), 1u);
  EXPECT_EQ(p->filters[0].type, "decode-filter");
  ASSERT_EQ(p->scorers.size(), 3u);
  EXPECT_EQ(p->scorers[0].weight, 2.0);
  EXPECT_EQ(p->scorers[2].type, "prefix-cache-scorer");
  EXPECT_EQ(p->scorers[2].weight, 3.0);
  EXPECT_EQ(p->prefix.block_chars, 32u);
  EXPECT_EQ(p->prefix.max_blocks, 128u);
  EXPECT_EQ(p->prefix.lru_capacity, 5000u);
  EXPECT_EQ(p->picker_type, "max-score-picker");
  EXPECT_EQ(p->picker->max_endpoints(), 1u);
  EXPECT_TRUE(p->uses_prefix());
}

TEST(RegistryTest, EveryRegisteredTypeBuildsWithoutParameters) {
  for (std::string_view type : plugin_types()) {
    auto p = make_plugin(type, "", YAML::Node());
    ASSERT_TRUE(p.ok()) << type << ": " << p.error().message;
    EXPECT_EQ(p->name, type);  // name defaults to type
    switch (p->kind) {
      case PluginKind::kFilter:
        EXPECT_NE(p->filter, nullptr) << type;
        break;
      case PluginKind::kScorer:
        EXPECT_NE(p->scorer, nullptr) << type;
        break;
      case PluginKind::kPicker:
        EXPECT_NE(p->picker, nullptr) << type;
        break;
      case PluginKind::kProfileHandler:
        break;
      case PluginKind::kDataProducer:
        EXPECT_TRUE(p->prefix.has_value()) << type;
        break;
    }
  }
  for (std::string_view llmd :
       {"queue-scorer", "kv-cache-utilization-scorer", "kv-cache-scorer", "prefix-cache-scorer",
        "lora-affinity-scorer", "session-affinity-scorer", "running-requests-size-scorer",
        "active-request-scorer", "max-score-picker", "weighted-random-picker", "random-picker",
        "decode-filter", "single-profile-handler"}) {
    EXPECT_TRUE(make_plugin(llmd, "", YAML::Node()).ok()) << llmd;
  }
}

TEST(RegistryTest, UnknownTypeNamesIt) {
  auto p = make_plugin("telepathy-scorer", "mind", YAML::Node());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(p.error().message.find("telepathy-scorer"), std::string::npos);
  EXPECT_NE(p.error().message.find("queue-scorer"), std::string::npos);  // lists known types
  EXPECT_EQ(p.error().field, "mind.type");
}

TEST(RegistryTest, UnknownOrBadParametersNameThem) {
  auto unknown = make_plugin("queue-scorer", "", YAML::Load("{threshold: 3}"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("threshold"), std::string::npos);
  EXPECT_EQ(unknown.error().field, "queue-scorer.parameters.threshold");

  auto bad = make_plugin("prefix-cache-scorer", "pc", YAML::Load("{blockSize: lots}"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "pc.parameters.blockSize");

  auto negative = make_plugin("max-score-picker", "", YAML::Load("{maxNumOfEndpoints: 0}"));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().field, "max-score-picker.parameters.maxNumOfEndpoints");

  auto kv = make_plugin("saturation-filter", "", YAML::Load("{kvCacheThreshold: 1.5}"));
  ASSERT_FALSE(kv.ok());
  EXPECT_EQ(kv.error().field, "saturation-filter.parameters.kvCacheThreshold");

  auto not_map = make_plugin("saturation-filter", "", YAML::Load("[1, 2]"));
  EXPECT_FALSE(not_map.ok());

  auto good = make_plugin("saturation-filter", "",
                          YAML::Load("{queueThreshold: 128, kvCacheThreshold: 0.9, "
                                     "fallbackToAll: false}"));
  EXPECT_TRUE(good.ok());
}

TEST(RegistryTest, ProfileErrors) {
  const std::vector<PluginSpec> plugins = {
      {"queue-scorer", "", {}}, {"max-score-picker", "", {}}, {"random-picker", "", {}}};
  auto missing = build_profile(plugins, ProfileSpec{"p", {{"nope", std::nullopt}}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);

  auto two_pickers = build_profile(
      plugins, ProfileSpec{"p", {{"max-score-picker", std::nullopt}, {"random-picker", {}}}});
  ASSERT_FALSE(two_pickers.ok());
  EXPECT_NE(two_pickers.error().message.find("more than one picker"), std::string::npos);

  auto negative = build_profile(plugins, ProfileSpec{"p", {{"queue-scorer", -1.0}}});
  EXPECT_FALSE(negative.ok());

  const std::vector<PluginSpec> dup = {{"queue-scorer", "q", {}}, {"kv-cache-scorer", "q", {}}};
  auto duplicate = build_profile(dup, ProfileSpec{"p", {}});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.error().message.find("duplicate"), std::string::npos);

  const std::vector<PluginSpec> bad_type = {{"nope-filter", "", {}}};
  EXPECT_FALSE(build_profile(bad_type, ProfileSpec{"p", {}}).ok());
}

TEST(RegistryTest, NoPickerDefaultsToMaxScoreAndWeightDefaultsToOne) {
  const std::vector<PluginSpec> plugins = {{"queue-scorer", "", {}}};
  auto p = build_profile(plugins, ProfileSpec{"p", {{"queue-scorer", std::nullopt}}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->picker_type, "max-score-picker");
  EXPECT_EQ(p->scorers[0].weight, 1.0);
  EXPECT_FALSE(p->uses_prefix());
}

TEST(RegistryTest, DefaultProfilesAreAsDocumented) {
  const Profile d = default_profile();
  EXPECT_EQ(d.filters.size(), 3u);
  EXPECT_EQ(d.scorers.size(), 5u);
  EXPECT_TRUE(d.uses_prefix());
  EXPECT_EQ(d.picker_type, "max-score-picker");
  const Profile rr = round_robin_profile();
  EXPECT_TRUE(rr.scorers.empty());
  EXPECT_EQ(rr.picker_type, "round-robin-picker");
}

}  // namespace
}  // namespace sluice::scheduling
