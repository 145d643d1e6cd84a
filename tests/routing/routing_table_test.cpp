// RoutingTable built from YAML configurations: model -> pool lookup (ModelRoute, default pool, the
// one-pool shortcut), objective priorities, weighted rewrites, per-pool scheduling profiles and
// saturation thresholds, endpoint base URLs and in-flight counters. Pools are created but never
// started, so every snapshot is the initial one and nothing touches the network.
#include "routing/routing_table.h"

#include "config/loader.h"
#include "scheduling/registry.h"
#include "scheduling/scheduler.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sluice::routing {
namespace {

namespace asio = net::asio;

// Two pools; `a` is the default and has both a catch-all and an exact canary rule (catch-all
// first in document order, so precedence must come from the rule kind, not the order).
constexpr std::string_view kTwoPools = R"(apiVersion: sluice.dev/v1alpha1
kind: Gateway
spec:
  defaultPoolRef: {name: a}
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: a}
spec:
  selector: {matchLabels: {pool: a}}
  targetPorts: [{number: 8000}]
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: b}
spec:
  selector: {matchLabels: {pool: b}}
  targetPorts: [{number: 8000}]
---
apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
  - {address: 10.0.0.1, labels: {pool: a}}
  - {address: "https://10.0.0.2:8443", labels: {pool: a}}
  - {address: "[::1]:9000", labels: {pool: b}}
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: a-models}
spec:
  poolRef: {name: a}
  models:
  - base-a
  - {name: lora-a, baseModel: base-a}
---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: b-models}
spec:
  poolRef: {name: b}
  models: [base-b]
---
apiVersion: llm-d.ai/v1alpha2
kind: InferenceObjective
metadata: {name: interactive}
spec:
  priority: 10
  poolRef: {name: a}
---
apiVersion: llm-d.ai/v1alpha2
kind: InferenceObjective
metadata: {name: batch}
spec:
  priority: -1
  poolRef: {name: a}
---
apiVersion: llm-d.ai/v1alpha2
kind: InferenceModelRewrite
metadata: {name: catch-all-a}
spec:
  poolRef: {name: a}
  rules:
  - targets:
    - {modelRewrite: fallback-1}
    - {modelRewrite: fallback-2}
---
apiVersion: llm-d.ai/v1alpha2
kind: InferenceModelRewrite
metadata: {name: canary}
spec:
  poolRef: {name: a}
  rules:
  - matches:
    - model: {type: Exact, value: lora-a}
    targets:
    - {modelRewrite: lora-a, weight: 90}
    - {modelRewrite: lora-a-v2, weight: 10}
)";

constexpr std::string_view kPoolA = R"(apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: a}
spec:
  selector: {matchLabels: {pool: a}}
  targetPorts: [{number: 8000}]
---
)";

constexpr std::string_view kPoolB = R"(apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: b}
spec:
  selector: {matchLabels: {pool: b}}
  targetPorts: [{number: 8000}]
---
)";

constexpr std::string_view kFleetA = R"(apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
  - {address: 10.0.0.1, labels: {pool: a}}
)";

constexpr std::string_view kFleetAB = R"(apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: fleet}
spec:
  endpoints:
  - {address: 10.0.0.1, labels: {pool: a}}
  - {address: 10.0.0.2, labels: {pool: b}}
)";

// A picker config with two profiles (only the first may be used) and its own saturation
// thresholds.
constexpr std::string_view kPicker = R"(---
apiVersion: llm-d.ai/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: health-filter
- type: queue-scorer
- type: kv-cache-utilization-scorer
- type: random-picker
schedulingProfiles:
- name: first
  plugins:
  - pluginRef: health-filter
  - pluginRef: queue-scorer
    weight: 4
  - pluginRef: random-picker
- name: second
  plugins:
  - pluginRef: kv-cache-utilization-scorer
  - pluginRef: random-picker
saturationDetector:
  queueDepthThreshold: 7
  kvCacheUtilThreshold: 0.5
)";

constexpr std::string_view kBadPluginLine = "- type: no-such-plugin";
constexpr std::string_view kBadPicker = R"(---
apiVersion: llm-d.ai/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: queue-scorer
- type: no-such-plugin
- type: max-score-picker
)";

constexpr std::string_view kBadSaturation = R"(---
apiVersion: llm-d.ai/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: queue-scorer
saturationDetector:
  queueDepthThreshold: -3
)";

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

std::shared_ptr<const config::GatewayConfig> parse(const std::string& yaml) {
  auto parsed = config::parse_gateway_config(yaml, "test.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  if (!parsed.ok()) return nullptr;
  return std::make_shared<const config::GatewayConfig>(std::move(parsed).value());
}

// "file:line:col:" of the first line of `yaml` that contains `needle`, at `needle`'s column
// (1-based), as config::SourceLocation reports positions.
std::string location_of(const std::string& yaml, std::string_view needle, std::string_view at) {
  int line = 1;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = yaml.find('\n', start);
    const std::string_view text = std::string_view(yaml).substr(start, end - start);
    if (text.find(needle) != std::string_view::npos) {
      const std::size_t col = text.find(at) + 1;
      return "test.yaml:" + std::to_string(line) + ":" + std::to_string(col) + ":";
    }
    if (end == std::string::npos) return "not found";
    start = end + 1;
    ++line;
  }
}

// The io_context must outlive the table's pools (EndpointPool's contract); declaration order
// does that.
class RoutingTableTest : public ::testing::Test {
 protected:
  // Throws (failing the test) if the configuration or the table cannot be built.
  RoutingTable& build(const std::string& yaml) {
    auto cfg = parse(yaml);
    if (!cfg) throw std::runtime_error("config did not parse");
    auto created = RoutingTable::create(cfg, context_.get_executor());
    if (!created.ok()) throw std::runtime_error(created.error().message);
    table_ = std::move(created).value();
    return *table_;
  }

  Result<std::unique_ptr<RoutingTable>> try_build(const std::string& yaml) {
    auto cfg = parse(yaml);
    if (!cfg) return make_error(ErrorCode::kInternal, "config did not parse");
    return RoutingTable::create(cfg, context_.get_executor());
  }

  asio::io_context context_;
  std::unique_ptr<RoutingTable> table_;
};

TEST_F(RoutingTableTest, EveryTableHasItsOwnIdEvenAtAReusedAddress) {
  std::set<std::uint64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto table = try_build(std::string(kTwoPools));  // built, destroyed, built again
    ASSERT_TRUE(table.ok());
    EXPECT_TRUE(ids.insert((*table)->id()).second) << "id " << (*table)->id() << " reused";
  }
}

TEST_F(RoutingTableTest, ModelRoutesPickTheirPoolAndUnknownModelsTheDefault) {
  const RoutingTable& t = build(std::string(kTwoPools));
  ASSERT_EQ(t.pools().size(), 2U);
  EXPECT_EQ(t.pools()[0].name, "a");
  EXPECT_EQ(t.pools()[1].name, "b");

  const auto base_a = t.model("base-a");
  ASSERT_TRUE(base_a);
  EXPECT_EQ(base_a->pool, 0U);
  ASSERT_NE(base_a->route, nullptr);
  EXPECT_EQ(base_a->route->model, "base-a");
  EXPECT_EQ(base_a->route->base_model, "");

  const auto lora = t.model("lora-a");
  ASSERT_TRUE(lora);
  EXPECT_EQ(lora->pool, 0U);
  ASSERT_NE(lora->route, nullptr);
  EXPECT_EQ(lora->route->base_model, "base-a");

  const auto base_b = t.model("base-b");
  ASSERT_TRUE(base_b);
  EXPECT_EQ(base_b->pool, 1U);
  ASSERT_NE(base_b->route, nullptr);
  EXPECT_EQ(base_b->route->pool, "b");

  // Not routed: the Gateway's defaultPoolRef, with no route entry.
  const auto other = t.model("someone/else");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->pool, 0U);
  EXPECT_EQ(other->route, nullptr);
  // Lookups are exact (no case folding, no prefix match).
  const auto upper = t.model("BASE-B");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->pool, 0U);
  EXPECT_EQ(upper->route, nullptr);
}

TEST_F(RoutingTableTest, DefaultPoolCanBeAPoolOtherThanTheFirst) {
  const RoutingTable& t = build(cat({R"(apiVersion: sluice.dev/v1alpha1
kind: Gateway
spec:
  defaultPoolRef: {name: b}
---
)",
                                     kPoolA, kPoolB, kFleetAB}));
  const auto m = t.model("anything");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->pool, 1U);
  EXPECT_EQ(m->route, nullptr);
}

TEST_F(RoutingTableTest, OnePoolWithoutRoutesTakesEveryModel) {
  const RoutingTable& t = build(cat({kPoolA, kFleetA}));
  for (std::string_view name : {"llama", "qwen", "", "x/y:z"}) {
    const auto m = t.model(name);
    ASSERT_TRUE(m) << name;
    EXPECT_EQ(m->pool, 0U);
    EXPECT_EQ(m->route, nullptr);
  }
}

TEST_F(RoutingTableTest, UnknownModelWithoutDefaultPoolIsNotRouted) {
  // Two pools, no default: only routed names resolve.
  const RoutingTable& two = build(cat({kPoolA, kPoolB, kFleetAB, R"(---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: r}
spec:
  poolRef: {name: b}
  models: [known]
)"}));
  EXPECT_FALSE(two.model("unknown"));
  const auto known = two.model("known");
  ASSERT_TRUE(known);
  EXPECT_EQ(known->pool, 1U);
}

TEST_F(RoutingTableTest, OnePoolWithRoutesButNoDefaultRejectsOtherModels) {
  // The one-pool shortcut applies only when there is no ModelRoute at all.
  const RoutingTable& t = build(cat({kPoolA, kFleetA, R"(---
apiVersion: sluice.dev/v1alpha1
kind: ModelRoute
metadata: {name: r}
spec:
  poolRef: {name: a}
  models: [known]
)"}));
  EXPECT_TRUE(t.model("known"));
  EXPECT_FALSE(t.model("unknown"));
}

TEST_F(RoutingTableTest, PriorityOfObjectives) {
  const RoutingTable& t = build(std::string(kTwoPools));
  EXPECT_EQ(t.priority("interactive"), 10);
  EXPECT_EQ(t.priority("batch"), -1);
  EXPECT_EQ(t.priority("no-such-objective"), 0);
  EXPECT_EQ(t.priority(""), 0);
  EXPECT_EQ(t.priority("Interactive"), 0);  // names are case-sensitive
}

TEST_F(RoutingTableTest, NoRewriteRuleMeansNull) {
  const RoutingTable& t = build(cat({kPoolA, kFleetA}));
  EXPECT_EQ(t.rewrite(0, "anything", 0), nullptr);
  EXPECT_EQ(t.rewrite(0, "anything", ~std::uint64_t{0}), nullptr);
}

TEST_F(RoutingTableTest, ExactRuleSplitsDrawsByWeight) {
  const RoutingTable& t = build(std::string(kTwoPools));
  std::map<std::string, int> counts;
  for (std::uint64_t draw = 0; draw < 1000; ++draw) {
    const std::string* target = t.rewrite(0, "lora-a", draw);
    ASSERT_NE(target, nullptr) << draw;
    ++counts[*target];
  }
  // draw % 100 picks the point: 0..89 -> first target, 90..99 -> second.
  EXPECT_EQ(counts, (std::map<std::string, int>{{"lora-a", 900}, {"lora-a-v2", 100}}));
  EXPECT_EQ(*t.rewrite(0, "lora-a", 89), "lora-a");
  EXPECT_EQ(*t.rewrite(0, "lora-a", 90), "lora-a-v2");
  EXPECT_EQ(*t.rewrite(0, "lora-a", 199), "lora-a-v2");
  // Any 64-bit draw is valid.
  const std::string* top = t.rewrite(0, "lora-a", ~std::uint64_t{0});
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(*top, (~std::uint64_t{0}) % 100 < 90 ? "lora-a" : "lora-a-v2");
}

TEST_F(RoutingTableTest, CatchAllAppliesToAnyModelWithAnEvenSplit) {
  const RoutingTable& t = build(std::string(kTwoPools));
  for (std::string_view model : {"base-a", "unrouted", ""}) {
    std::map<std::string, int> counts;
    for (std::uint64_t draw = 0; draw < 1000; ++draw) {
      const std::string* target = t.rewrite(0, model, draw);
      ASSERT_NE(target, nullptr) << model;
      ++counts[*target];
    }
    EXPECT_EQ(counts, (std::map<std::string, int>{{"fallback-1", 500}, {"fallback-2", 500}}))
        << model;
  }
}

TEST_F(RoutingTableTest, ExactRuleTakesPrecedenceOverCatchAll) {
  const RoutingTable& t = build(std::string(kTwoPools));
  ASSERT_EQ(t.pools()[0].rewrites.size(), 2U);
  EXPECT_FALSE(t.pools()[0].rewrites[0]->models.empty());  // exact first
  EXPECT_TRUE(t.pools()[0].rewrites[1]->models.empty());   // then the catch-all
  for (std::uint64_t draw = 0; draw < 200; ++draw) {
    const std::string* target = t.rewrite(0, "lora-a", draw);
    ASSERT_NE(target, nullptr);
    EXPECT_TRUE(*target == "lora-a" || *target == "lora-a-v2") << *target;
  }
}

TEST_F(RoutingTableTest, RewriteRulesArePerPool) {
  const RoutingTable& t = build(std::string(kTwoPools));
  EXPECT_TRUE(t.pools()[1].rewrites.empty());
  for (std::uint64_t draw = 0; draw < 100; ++draw) {
    EXPECT_EQ(t.rewrite(1, "lora-a", draw), nullptr);
    EXPECT_EQ(t.rewrite(1, "base-b", draw), nullptr);
  }
}

TEST_F(RoutingTableTest, BaseUrlsAndCounters) {
  const RoutingTable& t = build(std::string(kTwoPools));
  const PoolRoute& a = t.pools()[0];
  EXPECT_EQ(a.base_urls,
            (std::vector<std::string>{"http://10.0.0.1:8000", "https://10.0.0.2:8443"}));
  const PoolRoute& b = t.pools()[1];
  EXPECT_EQ(b.base_urls, (std::vector<std::string>{"http://[::1]:9000"}));
  for (const PoolRoute* p : {&a, &b}) {
    ASSERT_NE(p->endpoints, nullptr);
    EXPECT_EQ(p->endpoints->size(), p->base_urls.size());
    ASSERT_NE(p->in_flight, nullptr);
    for (std::size_t i = 0; i < p->base_urls.size(); ++i) {
      EXPECT_EQ(p->in_flight[i].value.load(), 0U);
    }
  }
  // Each counter is on its own cache line.
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(&a.in_flight[1]) -
                reinterpret_cast<std::uintptr_t>(&a.in_flight[0]),
            64U);
}

TEST_F(RoutingTableTest, InitialSnapshotIsHealthyStaleAndWithoutModels) {
  const RoutingTable& t = build(std::string(kTwoPools));
  const auto snapshot = t.pools()[0].endpoints->snapshot();
  ASSERT_NE(snapshot, nullptr);
  ASSERT_EQ(snapshot->endpoints.size(), 2U);
  EXPECT_EQ(snapshot->endpoints[0].address(), "10.0.0.1:8000");
  EXPECT_EQ(snapshot->endpoints[1].address(), "10.0.0.2:8443");
  EXPECT_EQ(snapshot->endpoints[1].config->scheme, "https");
  for (const pool::EndpointState& e : snapshot->endpoints) {
    EXPECT_TRUE(e.healthy());
    EXPECT_TRUE(e.stale);
    EXPECT_EQ(e.models, nullptr);
  }
}

TEST_F(RoutingTableTest, DefaultProfileWithoutPickerConfig) {
  const RoutingTable& t = build(std::string(kTwoPools));
  const std::vector<std::string> expected = scheduling::stage_names(scheduling::default_profile());
  for (const PoolRoute& p : t.pools()) {
    ASSERT_NE(p.profile, nullptr);
    EXPECT_EQ(p.profile->name, "default");
    EXPECT_EQ(scheduling::stage_names(*p.profile), expected);
  }
  // And the default saturation thresholds.
  EXPECT_EQ(t.pools()[0].saturation.thresholds().queue_depth,
            flow::SaturationThresholds{}.queue_depth);
  EXPECT_EQ(t.pools()[0].saturation.thresholds().kv_cache, flow::SaturationThresholds{}.kv_cache);
}

TEST_F(RoutingTableTest, PickerConfigFirstProfileAndSaturationApply) {
  const RoutingTable& t = build(cat({kPoolA, kFleetA, kPicker}));
  const PoolRoute& p = t.pools()[0];
  ASSERT_NE(p.profile, nullptr);
  EXPECT_EQ(p.profile->name, "first");
  EXPECT_EQ(scheduling::stage_names(*p.profile),
            (std::vector<std::string>{"health-filter", "queue-scorer", "random-picker"}));
  ASSERT_EQ(p.profile->scorers.size(), 1U);
  EXPECT_EQ(p.profile->scorers[0].weight, 4.0);
  EXPECT_EQ(p.saturation.thresholds().queue_depth, 7.0);
  EXPECT_EQ(p.saturation.thresholds().kv_cache, 0.5);
}

TEST_F(RoutingTableTest, ProfileForMatchesWhatCreateBuilt) {
  auto cfg = parse(cat({kPoolA, kFleetA, kPicker}));
  ASSERT_TRUE(cfg);
  auto profile = profile_for(*cfg, cfg->pools[0]);
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ((*profile)->name, "first");
  EXPECT_EQ(scheduling::stage_names(**profile),
            (std::vector<std::string>{"health-filter", "queue-scorer", "random-picker"}));

  auto plain = parse(cat({kPoolA, kFleetA}));
  ASSERT_TRUE(plain);
  auto def = profile_for(*plain, plain->pools[0]);
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(scheduling::stage_names(**def), scheduling::stage_names(scheduling::default_profile()));
}

TEST_F(RoutingTableTest, BadPluginTypeNamesThePluginsLocation) {
  const std::string yaml = cat({kPoolA, kFleetA, kBadPicker});
  const std::string where = location_of(yaml, kBadPluginLine, "type");
  ASSERT_NE(where, "not found");

  auto cfg = parse(yaml);
  ASSERT_TRUE(cfg);
  auto profile = profile_for(*cfg, cfg->pools[0]);
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(profile.error().message.rfind(where, 0), 0U) << profile.error().message;
  EXPECT_NE(profile.error().message.find("no-such-plugin"), std::string::npos);

  auto table = try_build(yaml);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().message.rfind(where, 0), 0U) << table.error().message;
}

TEST_F(RoutingTableTest, BadSaturationDetectorNamesThePickerConfig) {
  const std::string yaml = cat({kPoolA, kFleetA, kBadSaturation});
  // The EndpointPickerConfig document starts on the line after its "---".
  const std::string where = location_of(yaml, "apiVersion: llm-d.ai/v1alpha1", "apiVersion");
  auto table = try_build(yaml);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(table.error().message.rfind(where, 0), 0U) << table.error().message;
  EXPECT_EQ(table.error().field, "saturationDetector.queueDepthThreshold");
}

TEST_F(RoutingTableTest, StopWithoutStartCallsBack) {
  RoutingTable& t = build(std::string(kTwoPools));
  bool stopped = false;
  t.stop([&stopped] { stopped = true; });
  // The callback runs on the pool executor once every pool has stopped.
  context_.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(stopped);
}

}  // namespace
}  // namespace sluice::routing
