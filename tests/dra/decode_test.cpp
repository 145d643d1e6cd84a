#include "dra/decode.h"

#include "dra/fixtures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::dra {
namespace {

using fixtures::read_text;
using fixtures::repo_path;

Inventory must_decode(const std::string& text, const std::string& source = "test.yaml") {
  auto inv = decode(text, source);
  EXPECT_TRUE(inv.ok()) << (inv.ok() ? "" : inv.error().message);
  return inv.ok() ? std::move(inv).value() : Inventory{};
}

TEST(DecodeTest, KubectlStyleClusterLoads) {
  Inventory inv = must_decode(read_text(repo_path("tests/dra/data/cluster.yaml")), "cluster.yaml");
  ASSERT_EQ(inv.device_classes.size(), 1u);
  ASSERT_EQ(inv.resource_slices.size(), 1u);
  ASSERT_EQ(inv.nodes.size(), 1u);
  ASSERT_EQ(inv.pods.size(), 1u);
  ASSERT_EQ(inv.resource_claim_templates.size(), 1u);

  const DeviceClass& dc = inv.device_classes[0];
  EXPECT_EQ(dc.meta.name, "gpu.example.com");
  EXPECT_EQ(dc.meta.generation, 1);
  EXPECT_EQ(dc.meta.source, "cluster.yaml:4");
  ASSERT_EQ(dc.selectors.size(), 1u);
  EXPECT_EQ(dc.selectors[0], "device.driver == \"gpu.example.com\"");
  ASSERT_EQ(dc.config.size(), 1u);
  EXPECT_EQ(dc.config[0].opaque.driver, "gpu.example.com");
  EXPECT_NE(dc.config[0].opaque.parameters.find("TimeSlicing"), std::string::npos);
  EXPECT_EQ(dc.extended_resource_name, "example.com/gpu");

  const ResourceSlice& s = inv.resource_slices[0];
  EXPECT_EQ(s.driver, "gpu.example.com");
  EXPECT_EQ(s.node_name, "worker-1");
  EXPECT_EQ(s.pool.name, "worker-1");
  EXPECT_EQ(s.pool.generation, 2);
  EXPECT_EQ(s.pool.resource_slice_count, 1);
  ASSERT_EQ(s.devices.size(), 2u);
  const Device& d0 = s.devices[0];
  EXPECT_EQ(d0.attributes.at("productName"), DeviceAttribute::of_string("Example A100 80GB"));
  EXPECT_EQ(d0.attributes.at("index"), DeviceAttribute::of_int(0));
  EXPECT_EQ(d0.attributes.at("mig"), DeviceAttribute::of_bool(false));
  EXPECT_EQ(d0.attributes.at("driverVersion"), DeviceAttribute::of_version("550.54.15"));
  EXPECT_EQ(d0.attributes.at("resource.kubernetes.io/pcieRoot").string_value, "pci0000:3a");
  EXPECT_EQ(d0.capacity.at("memory").value.to_string(), "80Gi");
  EXPECT_EQ(d0.capacity.at("cores").value.as_int64(), 108);
  ASSERT_EQ(s.devices[1].taints.size(), 1u);
  EXPECT_EQ(s.devices[1].taints[0].effect, TaintEffect::kNoSchedule);
  EXPECT_EQ(s.devices[1].taints[0].value, "3");

  EXPECT_EQ(inv.nodes[0].meta.labels.at("topology.kubernetes.io/zone"), "zone-a");

  const Pod& pod = inv.pods[0];
  EXPECT_EQ(pod.meta.ns, "ml");
  EXPECT_EQ(pod.node_name, "worker-1");
  ASSERT_EQ(pod.resource_claims.size(), 1u);
  EXPECT_EQ(pod.resource_claims[0].resource_claim_template_name, "two-gpus");
  ASSERT_EQ(pod.resource_claim_statuses.size(), 1u);
  EXPECT_EQ(pod.resource_claim_statuses[0].resource_claim_name, "trainer-0-gpus-4xk9z");

  const ResourceClaimTemplate& t = inv.resource_claim_templates[0];
  EXPECT_EQ(t.template_meta.labels.at("team"), "research");
  ASSERT_EQ(t.spec.requests.size(), 1u);
  EXPECT_EQ(t.spec.requests[0].exactly->count, 2);
  ASSERT_EQ(t.spec.constraints.size(), 1u);
  EXPECT_EQ(t.spec.constraints[0].match_attribute, "resource.kubernetes.io/pcieRoot");
  EXPECT_TRUE(t.spec.constraints[0].requests.empty());

  EXPECT_TRUE(validate_cel(inv).ok());
  // The pod's template and the templates' class are all present.
  EXPECT_TRUE(validate_references(inv).ok());
}

TEST(DecodeTest, ListOfClaimsWithAllocation) {
  Inventory inv = must_decode(read_text(repo_path("tests/dra/data/claims-list.yaml")));
  ASSERT_EQ(inv.resource_claims.size(), 2u);
  const ResourceClaim& c = inv.resource_claims[0];
  EXPECT_EQ(display_name(c.meta), "ml/trainer-0-gpus-4xk9z");
  ASSERT_TRUE(c.status.allocation.has_value());
  const AllocationResult& a = *c.status.allocation;
  ASSERT_EQ(a.results.size(), 2u);
  EXPECT_EQ(a.results[1].device, "gpu-1");
  EXPECT_EQ(a.results[1].pool, "worker-1");
  ASSERT_TRUE(a.node_selector.has_value());
  const auto& field = a.node_selector->node_selector_terms.at(0).match_fields.at(0);
  EXPECT_EQ(field.key, "metadata.name");
  EXPECT_EQ(field.values, std::vector<std::string>{"worker-1"});
  ASSERT_EQ(c.status.reserved_for.size(), 1u);
  EXPECT_EQ(c.status.reserved_for[0].resource, "pods");

  const ResourceClaim& fa = inv.resource_claims[1];
  EXPECT_EQ(fa.meta.ns, "default");
  ASSERT_EQ(fa.spec.requests[0].first_available.size(), 2u);
  EXPECT_FALSE(fa.spec.requests[0].exactly.has_value());
  const DeviceSubRequest& large = fa.spec.requests[0].first_available[1];
  EXPECT_EQ(large.name, "large");
  ASSERT_EQ(large.tolerations.size(), 1u);
  EXPECT_EQ(large.tolerations[0].op, TolerationOperator::kExists);
  EXPECT_EQ(fa.spec.config.at(0).requests, std::vector<std::string>{"gpu/large"});
}

TEST(DecodeTest, JsonTypedListWithTabs) {
  Inventory inv = must_decode(read_text(repo_path("tests/dra/data/slices.json")), "slices.json");
  ASSERT_EQ(inv.resource_slices.size(), 2u);
  const ResourceSlice& s = inv.resource_slices[0];
  EXPECT_EQ(s.pool.name, "rack-7/fabric");
  ASSERT_TRUE(s.node_selector.has_value());
  EXPECT_EQ(s.node_selector->node_selector_terms[0].match_expressions[0].values,
            std::vector<std::string>{"rack-7"});
  const Device& nic = s.devices[0];
  EXPECT_EQ(nic.attributes.at("speedGbps"), DeviceAttribute::of_int(400));
  EXPECT_EQ(nic.attributes.at("rdma"), DeviceAttribute::of_bool(true));
  EXPECT_EQ(nic.allow_multiple_allocations, true);
  const auto& policy = nic.capacity.at("bandwidth").request_policy;
  ASSERT_TRUE(policy.has_value());
  EXPECT_EQ(policy->default_value->to_string(), "10G");
  EXPECT_EQ(policy->valid_range->step->to_string(), "10G");
  EXPECT_TRUE(inv.resource_slices[1].all_nodes);
  EXPECT_EQ(inv.resource_slices[1].pool.resource_slice_count, 2);
}

TEST(DecodeTest, JsonArrayAndObjectList) {
  Inventory a = must_decode(R"([{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}},
                                {"apiVersion":"v1","kind":"Node","metadata":{"name":"n2"}}])");
  ASSERT_EQ(a.nodes.size(), 2u);
  EXPECT_EQ(a.nodes[1].meta.name, "n2");
  Inventory b = must_decode(
      R"({"kind":"List","apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Node","metadata":{"name":"n3"}}]})");
  ASSERT_EQ(b.nodes.size(), 1u);
  a.append(std::move(b));
  EXPECT_EQ(a.object_count(), 3u);
}

TEST(DecodeTest, ProjectExamplesLoad) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(repo_path("examples/dra"))) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    auto inv = decode(read_text(entry.path()), entry.path().filename().string());
    ASSERT_TRUE(inv.ok()) << inv.error().message;
    EXPECT_GT(inv->object_count(), 0u) << entry.path();
    EXPECT_TRUE(validate_cel(*inv).ok()) << entry.path();
    if (entry.path().filename() == "workload.yaml") {  // a queue for the mixed fleet
      auto fleet = decode(read_text(repo_path("examples/dra/mixed-fleet.yaml")), "mixed-fleet");
      ASSERT_TRUE(fleet.ok());
      inv->append(std::move(*fleet));
      EXPECT_EQ(inv->workloads.size(), 5u);
    }
    Status refs = validate_references(*inv);
    EXPECT_TRUE(refs.ok()) << (refs.ok() ? "" : refs.error().message);
  }
  EXPECT_GT(files, 0u);
}

TEST(DecodeTest, EmptyDocumentsAndCommentsAreSkipped) {
  Inventory inv =
      must_decode("# nothing\n---\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: x\n");
  EXPECT_EQ(inv.nodes.size(), 1u);
}

TEST(DecodeTest, QualifiedNameSplit) {
  auto q = parse_qualified_name("resource.kubernetes.io/pcieRoot", "gpu.example.com");
  EXPECT_EQ(q.domain, "resource.kubernetes.io");
  EXPECT_EQ(q.id, "pcieRoot");
  q = parse_qualified_name("memory", "gpu.example.com");
  EXPECT_EQ(q.domain, "gpu.example.com");
  EXPECT_EQ(q.id, "memory");
}

TEST(DecodeTest, MalformedYamlNamesLine) {
  auto r = decode("apiVersion: v1\nkind: Node\nmetadata:\n  name: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("bad.yaml:"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("malformed YAML"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);

  auto tabs = decode("apiVersion: v1\nkind: Node\n\tmetadata: {}\n", "tabs.yaml");
  ASSERT_FALSE(tabs.ok());
  EXPECT_NE(tabs.error().message.find("tabs.yaml:3"), std::string::npos) << tabs.error().message;
}

TEST(DecodeTest, ErrorLineNumberPointsAtField) {
  auto r = decode("apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  bogus: 1\n", "n.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "n.yaml:5:10: Node n: metadata.bogus: unknown field");
  EXPECT_EQ(r.error().field, "metadata.bogus");
}

// A valid claim; each error case replaces one line of it.
constexpr std::string_view kClaim = R"(apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata:
  name: gpu-claim
spec:
  devices:
    requests:
    - name: gpu
      exactly:
        deviceClassName: gpu.example.com
        count: 1
        selectors:
        - cel:
            expression: device.driver == "gpu.example.com"
    constraints:
    - matchAttribute: gpu.example.com/model
)";

constexpr std::string_view kSlice = R"(apiVersion: resource.k8s.io/v1
kind: ResourceSlice
metadata:
  name: s1
spec:
  driver: gpu.example.com
  nodeName: n1
  pool: {name: n1, generation: 1, resourceSliceCount: 1}
  devices:
  - name: gpu-0
    attributes:
      model: {string: a100}
    capacity:
      memory: {value: 80Gi}
)";

std::string replace(std::string_view base, std::string_view from, std::string_view to) {
  std::string s(base);
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

struct ErrorCase {
  std::string text;
  std::string expected;  // a substring of the message: object, field path and problem
};

TEST(DecodeErrorTest, BaseDocumentsAreValid) {
  EXPECT_EQ(must_decode(std::string(kClaim)).resource_claims.size(), 1u);
  EXPECT_EQ(must_decode(std::string(kSlice)).resource_slices.size(), 1u);
}

TEST(DecodeErrorTest, EveryErrorNamesObjectAndField) {
  const std::string c = "ResourceClaim default/gpu-claim: ";
  const std::string s = "ResourceSlice s1: ";
  const std::vector<ErrorCase> cases = {
      {replace(kClaim, "count: 1", "count: 0"),
       c + "spec.devices.requests[0].exactly.count: must be >= 1"},
      {replace(kClaim, "count: 1", "count: two"),
       c + "spec.devices.requests[0].exactly.count: must be an integer"},
      {replace(kClaim, "count: 1", "allocationMode: Some"),
       c + "spec.devices.requests[0].exactly.allocationMode: must be ExactCount or All"},
      {replace(kClaim, "count: 1", "count: 1\n        allocationMode: All"),
       c + "spec.devices.requests[0].exactly.count: must not be set when allocationMode is All"},
      {replace(kClaim, "count: 1", "cont: 1"),
       c + "spec.devices.requests[0].exactly.cont: unknown field"},
      {replace(kClaim, "      exactly:", "      firstAvailable: []\n      exactly:"),
       c + "spec.devices.requests[0]: exactly one of exactly and firstAvailable"},
      {replace(kClaim, "    - name: gpu\n", "    - name: GPU\n"),
       c + "spec.devices.requests[0].name: must be a DNS label"},
      {replace(kClaim, "deviceClassName: gpu.example.com", "selectors: []"),
       "spec.devices.requests[0].exactly"},
      {replace(kClaim, "deviceClassName: gpu.example.com", "deviceClassName: \"\""),
       c + "spec.devices.requests[0].exactly.deviceClassName: required"},
      {replace(kClaim, R"(expression: device.driver == "gpu.example.com")", "expression: \"\""),
       c + "spec.devices.requests[0].exactly.selectors[0].cel.expression: required"},
      {replace(kClaim, "        - cel:", "        - dsl:"),
       c + "spec.devices.requests[0].exactly.selectors[0].dsl: unknown field"},
      {replace(kClaim, "matchAttribute: gpu.example.com/model", "matchAttribute: model"),
       c + "spec.devices.constraints[0].matchAttribute: must be a fully qualified name"},
      {replace(kClaim, "    - matchAttribute: gpu.example.com/model", "    - requests: [gpu]"),
       c + "spec.devices.constraints[0]: exactly one of matchAttribute and distinctAttribute"},
      {replace(kClaim, "    - matchAttribute: gpu.example.com/model",
               "    - requests: [cpu]\n      matchAttribute: gpu.example.com/model"),
       c + "spec.devices.constraints[0].requests[0]: no request named \"cpu\""},
      {replace(kClaim, "name: gpu-claim", "name: gpu-claim\n  namespace: Bad_NS"),
       "ResourceClaim Bad_NS/gpu-claim: metadata.namespace: must be a DNS label"},
      {replace(kClaim, "name: gpu-claim", "name: Gpu_Claim"),
       "ResourceClaim default/Gpu_Claim: metadata.name: must be a DNS subdomain"},
      {replace(kClaim, "resource.k8s.io/v1", "resource.k8s.io/v1beta1"),
       "apiVersion: unsupported version \"resource.k8s.io/v1beta1\""},
      {replace(kClaim, "resource.k8s.io/v1", "apps/v1"),
       "apiVersion: kind ResourceClaim belongs to resource.k8s.io/v1"},
      {replace(kClaim, "kind: ResourceClaim", "kind: ResourceClaimz"),
       "kind: unknown kind \"ResourceClaimz\""},
      {replace(kClaim, "spec:\n  devices:", "spec:\n  device:"), c + "spec.device: unknown field"},
      {replace(kSlice, "memory: {value: 80Gi}", "memory: {value: 80GiB}"),
       s + "spec.devices[0].capacity.memory.value: invalid quantity \"80GiB\""},
      {replace(kSlice, "model: {string: a100}", "model: {string: a100, int: 3}"),
       s + "spec.devices[0].attributes.model: exactly one of int, bool, string, version"},
      {replace(kSlice, "model: {string: a100}", "model: {version: v1.2.3}"),
       s + "spec.devices[0].attributes.model.version: must be a semantic version"},
      {replace(kSlice, "model: {string: a100}", "model: {bool: yes}"),
       s + "spec.devices[0].attributes.model.bool: must be true or false"},
      {replace(kSlice, "model: {string: a100}", "9model: {string: a100}"),
       s + "spec.devices[0].attributes.9model: invalid qualified name"},
      {replace(kSlice, "nodeName: n1", "allNodes: true\n  nodeName: n1"),
       s + "spec: exactly one of nodeName, nodeSelector, allNodes, perDeviceNodeSelection"},
      {replace(kSlice, "  nodeName: n1\n", ""),
       s + "spec: exactly one of nodeName, nodeSelector, allNodes, perDeviceNodeSelection"},
      {replace(kSlice, "resourceSliceCount: 1", "resourceSliceCount: 0"),
       s + "spec.pool.resourceSliceCount: must be >= 1"},
      {replace(kSlice, "driver: gpu.example.com", "driver: GPU"),
       s + "spec.driver: must be a DNS subdomain"},
      {replace(kSlice, "  - name: gpu-0", "  - name: gpu-0\n    nodeName: n1"),
       s + "spec.devices[0]: nodeName, nodeSelector and allNodes of a device need"},
      {replace(kSlice,
               "    attributes:", "    taints: [{key: a, effect: Sometimes}]\n    attributes:"),
       s + "spec.devices[0].taints[0].effect: must be NoSchedule, NoExecute or None"},
      {replace(kSlice, "    attributes:", "    capacity: {}\n    attributes:"),
       s + "spec.devices[0]: duplicate field \"capacity\""},
      {std::string(kSlice) + "  - name: gpu-0\n",
       s + "spec.devices[1].name: duplicate device name"},
      {std::string(kSlice) +
           "  sharedCounters:\n  - name: set\n    counters: {cores: {value: \"1\"}}\n",
       s + "spec.sharedCounters: a slice has either devices or sharedCounters"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  resourceClaims:\n  - name: "
       "gpu\n",
       "Pod default/p: spec.resourceClaims[0]: exactly one of resourceClaimName and "
       "resourceClaimTemplateName"},
      {"apiVersion: v1\nkind: Node\nmetadata: {labels: {a: b}}\n",
       "Node <unnamed>: metadata.name: required"},
      {"apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata: {name: c, namespace: x}\n",
       "DeviceClass c: metadata.namespace: not allowed: this kind is cluster-scoped"},
      {"apiVersion: v1\nkind: Node\n", "Node <unnamed>: metadata: required"},
      {"just a string\n", "expected a Kubernetes object"},
      {"- 1\n- 2\n", "expected a Kubernetes object"},
      {"apiVersion: v1\nkind: List\nitems:\n- {kind: Gadget, apiVersion: v1, metadata: {name: "
       "g}}\n",
       "unknown kind \"Gadget\""},
  };
  for (const auto& tc : cases) {
    auto r = decode(tc.text, "case.yaml");
    ASSERT_FALSE(r.ok()) << "accepted:\n" << tc.text;
    EXPECT_NE(r.error().message.find(tc.expected), std::string::npos)
        << "message: " << r.error().message << "\nexpected: " << tc.expected;
    EXPECT_EQ(r.error().message.rfind("case.yaml:", 0), 0u) << r.error().message;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(DecodeErrorTest, CelSyntaxErrorsNameObjectAndField) {
  Inventory inv = must_decode(replace(kClaim, R"(device.driver == "gpu.example.com")",
                                      R"(device.driver == ("gpu.example.com")"),
                              "claim.yaml");
  Status st = validate_cel(inv);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("claim.yaml:1: ResourceClaim default/gpu-claim: "
                                    "spec.devices.requests[0].exactly.selectors[0].cel.expression: "
                                    "invalid CEL"),
            std::string::npos)
      << st.error().message;
  EXPECT_EQ(st.error().field, "spec.devices.requests[0].exactly.selectors[0].cel.expression");
}

TEST(DecodeErrorTest, DanglingReferences) {
  Inventory inv = must_decode(std::string(kClaim));
  Status st = validate_references(inv);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("ResourceClaim default/gpu-claim: "
                                    "spec.devices.requests[0].exactly.deviceClassName: no "
                                    "DeviceClass named \"gpu.example.com\""),
            std::string::npos)
      << st.error().message;
  inv.append(
      must_decode("apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata: {name: "
                  "gpu.example.com}\n"));
  EXPECT_TRUE(validate_references(inv).ok());
  inv.append(
      must_decode("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml}\nspec:\n"
                  "  resourceClaims: [{name: g, resourceClaimName: gpu-claim}]\n"));
  st = validate_references(inv);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("Pod ml/p: spec.resourceClaims[0].resourceClaimName: no "
                                    "ResourceClaim \"gpu-claim\" in namespace ml"),
            std::string::npos)
      << st.error().message;
}

// Random byte-level and line-level mutations of valid inputs: every one either decodes or gives
// an error that starts with the source name; none crashes (ASan/UBSan run this too).
TEST(DecodeFuzzTest, MutationsNeverCrash) {
  const std::string base = read_text(repo_path("tests/dra/data/claims-list.yaml")) + "---\n" +
                           std::string(kSlice) + "---\n" + std::string(kClaim);
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = " :-[]{}\"'\n\t#&*!|>%@`,?0123456789abcXYZ.\\";
  int errors = 0;
  for (int i = 0; i < 400; ++i) {
    std::string text = base;
    int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = next() % text.size();
      switch (next() % 4) {
        case 0:
          text[pos] = alphabet[next() % alphabet.size()];
          break;
        case 1:
          text.erase(pos, 1 + next() % 8);
          break;
        case 2:
          text.insert(pos, 1, alphabet[next() % alphabet.size()]);
          break;
        default: {
          std::size_t len = std::min<std::size_t>(40, text.size() - pos);
          text.insert(next() % text.size(), text.substr(pos, len));
        }
      }
      if (text.empty()) text = "x";
    }
    auto r = decode(text, "fuzz.yaml");
    if (!r.ok()) {
      ++errors;
      EXPECT_EQ(r.error().message.rfind("fuzz.yaml", 0), 0u) << r.error().message;
    }
  }
  EXPECT_GT(errors, 100);  // the mutations do break most documents
}

TEST(DecodeFuzzTest, HostileStructuresAreBounded) {
  // Deep nesting: yaml-cpp's depth guard or a clean error, never a stack overflow.
  std::string deep =
      "apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec: " + std::string(100000, '[') +
      std::string(100000, ']') + "\n";
  auto r = decode(deep, "deep.yaml");
  if (!r.ok()) {
    EXPECT_EQ(r.error().message.rfind("deep.yaml", 0), 0u) << r.error().message;
  }

  // Nested Lists (the way aliases could multiply work) are refused.
  auto nested =
      decode("kind: List\napiVersion: v1\nitems:\n- kind: List\n  apiVersion: v1\n  items: []\n",
             "nested.yaml");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().message.find("a List inside a List"), std::string::npos);

  // An alias bomb in opaque parameters is measured without expanding it.
  std::string bomb =
      "apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata: {name: c}\nspec:\n"
      "  config:\n  - opaque:\n      driver: d.example.com\n      parameters:\n"
      "        a0: &a0 [x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "        a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " +
            prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " +
            prev + "]\n";
  }
  auto b = decode(bomb, "bomb.yaml");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("spec.config[0].opaque.parameters: must be at most 10Ki"),
            std::string::npos)
      << b.error().message;
}

}  // namespace
}  // namespace sluice::dra
