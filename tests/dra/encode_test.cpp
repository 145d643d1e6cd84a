#include "dra/encode.h"

#include "dra/decode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sluice::dra {
namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "data" / name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Quantity q(std::string_view text) { return Quantity::parse(text).value(); }

ResourceClaim allocated_claim() {
  ResourceClaim c;
  c.meta.name = "gpu-claim";
  c.meta.ns = "default";
  DeviceRequest req;
  req.name = "gpu";
  req.exactly = ExactDeviceRequest{};
  req.exactly->device_class_name = "gpu.example.com";
  req.exactly->count = 2;
  c.spec.requests.push_back(req);
  AllocationResult a;
  a.results.push_back({"gpu", "gpu.example.com", "node-1", "gpu-0", {}, {}, {}, {}, {}, {}});
  a.results.push_back({"gpu", "gpu.example.com", "node-1", "gpu-1", {}, {}, {}, {}, {}, {}});
  NodeSelectorTerm term;
  term.match_fields.push_back({"metadata.name", NodeSelectorOperator::kIn, {"node-1"}});
  a.node_selector = NodeSelector{{term}};
  c.status.allocation = a;
  return c;
}

TEST(EncodeTest, AllocationInV1Format) {
  const std::string expected = R"(---
apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata:
  name: gpu-claim
  namespace: default
spec:
  devices:
    requests:
      - name: gpu
        exactly:
          deviceClassName: gpu.example.com
          allocationMode: ExactCount
          count: 2
status:
  allocation:
    devices:
      results:
        - request: gpu
          driver: gpu.example.com
          pool: node-1
          device: gpu-0
        - request: gpu
          driver: gpu.example.com
          pool: node-1
          device: gpu-1
    nodeSelector:
      nodeSelectorTerms:
        - matchFields:
            - key: metadata.name
              operator: In
              values:
                - node-1
)";
  EXPECT_EQ(encode_claim(allocated_claim()), expected);
}

TEST(EncodeTest, OutputDecodesBackToTheSameClaim) {
  ResourceClaim c = allocated_claim();
  auto back = decode(encode_claims({c, c}), "out.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->resource_claims.size(), 2u);
  const ResourceClaim& r = back->resource_claims[1];
  EXPECT_EQ(r.meta.name, "gpu-claim");
  EXPECT_EQ(r.spec.requests.at(0).exactly->count, 2);
  ASSERT_TRUE(r.status.allocation.has_value());
  EXPECT_EQ(r.status.allocation->results.at(1).device, "gpu-1");
  EXPECT_EQ(r.status.allocation->node_selector->node_selector_terms.at(0).match_fields.at(0).values,
            std::vector<std::string>{"node-1"});
}

TEST(EncodeTest, KubectlListRoundTripIsStable) {
  auto first = decode(read_data("claims-list.yaml"), "claims-list.yaml");
  ASSERT_TRUE(first.ok()) << first.error().message;
  std::string once = encode_claims(first->resource_claims);
  auto second = decode(once, "once.yaml");
  ASSERT_TRUE(second.ok()) << second.error().message << "\n" << once;
  EXPECT_EQ(encode_claims(second->resource_claims), once);

  const ResourceClaim& fa = second->resource_claims.at(1);
  ASSERT_EQ(fa.spec.requests.at(0).first_available.size(), 2u);
  EXPECT_EQ(fa.spec.requests[0].first_available[0].selectors.at(0),
            R"(device.attributes["gpu.example.com"].productName.startsWith("Example T4"))");
  EXPECT_EQ(fa.spec.requests[0].first_available[1].tolerations.at(0).op,
            TolerationOperator::kExists);
  const auto& opaque = fa.spec.config.at(0).opaque;
  EXPECT_EQ(opaque.driver, "gpu.example.com");
  EXPECT_NE(opaque.parameters.find("GpuConfig"), std::string::npos);
  const ResourceClaim& allocated = second->resource_claims.at(0);
  EXPECT_EQ(allocated.spec.constraints.at(0).requests, std::vector<std::string>{"gpus"});
  EXPECT_EQ(allocated.status.reserved_for.at(0).uid, "11111111-0000-4000-8000-000000000001");
}

TEST(EncodeTest, OptionalResultFieldsAndQuoting) {
  ResourceClaim c = allocated_claim();
  c.meta.labels = {{"enabled", "true"}, {"rank", "3"}, {"empty", ""}, {"team", "ml"}};
  auto& res = c.status.allocation->results[0];
  res.admin_access = true;
  res.share_id = "0c1f4b1e-7d4a-4f0e-9e7a-2b9d3c1a5e6f";
  res.consumed_capacity = {{"memory", q("10240Mi")}};
  res.tolerations.push_back({"gpu.example.com/ecc", TolerationOperator::kExists, "",
                             TaintEffect::kNoSchedule, std::nullopt});
  c.status.allocation->allocation_timestamp = "2026-03-02T12:00:00Z";
  c.spec.requests[0].exactly->capacity_requests = {{"memory", q("10Gi")}};
  c.spec.requests[0].exactly->admin_access = true;
  c.status.allocation->config.push_back(
      {AllocationConfigSource::kFromClass, {"gpu"}, {"gpu.example.com", "{kind: GpuConfig}"}});

  std::string text = encode_claim(c);
  EXPECT_NE(text.find("enabled: \"true\""), std::string::npos) << text;
  EXPECT_NE(text.find("rank: \"3\""), std::string::npos) << text;
  EXPECT_NE(text.find("empty: \"\""), std::string::npos) << text;
  EXPECT_NE(text.find("team: ml"), std::string::npos) << text;
  EXPECT_NE(text.find("memory: 10Gi"), std::string::npos) << text;  // canonical quantity

  auto back = decode(text, "q.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  const ResourceClaim& r = back->resource_claims.at(0);
  EXPECT_EQ(r.meta.labels, c.meta.labels);
  const auto& rr = r.status.allocation->results.at(0);
  EXPECT_EQ(rr.admin_access, true);
  EXPECT_EQ(rr.share_id, res.share_id);
  EXPECT_EQ(rr.consumed_capacity.at("memory"), q("10Gi"));
  EXPECT_EQ(rr.tolerations.at(0).effect, TaintEffect::kNoSchedule);
  EXPECT_EQ(r.status.allocation->allocation_timestamp, "2026-03-02T12:00:00Z");
  EXPECT_EQ(r.status.allocation->config.at(0).source, AllocationConfigSource::kFromClass);
  EXPECT_EQ(r.spec.requests[0].exactly->admin_access, true);
  EXPECT_EQ(encode_claim(r), text);
}

TEST(EncodeTest, AllocationModeAllOmitsCount) {
  ResourceClaim c = allocated_claim();
  c.spec.requests[0].exactly->allocation_mode = AllocationMode::kAll;
  std::string text = encode_claim(c);
  EXPECT_NE(text.find("allocationMode: All"), std::string::npos);
  EXPECT_EQ(text.find("count:"), std::string::npos) << text;
  EXPECT_TRUE(decode(text, "all.yaml").ok());
}

TEST(EncodeTest, AwkwardStringsSurviveRoundTrip) {
  ResourceClaim c = allocated_claim();
  const std::vector<std::string> values = {
      "a: b", "#x", "*y", "- z",  "{",          "0x1F", "1e3",    "1.5",  "multi\nline", " leading",
      "null", "~",  "-",  "0o17", "2026-03-02", "'q'",  "\"dq\"", "10Gi", "yes",         ".inf"};
  for (std::size_t i = 0; i < values.size(); ++i) {
    c.meta.annotations["example.com/k" + std::to_string(i)] = values[i];
  }
  c.status.allocation->results[0].device = "0123";  // numeric-looking device name stays a string
  std::string text = encode_claim(c);
  auto back = decode(text, "awkward.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  EXPECT_EQ(back->resource_claims.at(0).meta.annotations, c.meta.annotations) << text;
  EXPECT_EQ(back->resource_claims.at(0).status.allocation->results.at(0).device, "0123");
}

}  // namespace
}  // namespace sluice::dra
