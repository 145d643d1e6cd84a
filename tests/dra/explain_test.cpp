// `sluice dra explain`: the first lines name the deciding cause; per node and request every
// removed device is listed with the check that removed it; allocatable claims say where and why.
#include "dra/explain.h"

#include "dra/fixtures.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::dra {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace): the builders

std::string first_lines(const std::string& text, int n) {
  std::size_t at = 0;
  for (int i = 0; i < n && at != std::string::npos; ++i) {
    at = text.find('\n', at == 0 ? 0 : at + 1);
  }
  return text.substr(0, at);
}

ResourceClaim held(const std::string& name, const std::string& node, std::vector<int> gpus) {
  ResourceClaim c = claim(name, static_cast<std::int64_t>(gpus.size()));
  AllocationResult a;
  for (int g : gpus) {
    a.results.push_back(
        {"gpus", "gpu.nvidia.com", node, "gpu-" + std::to_string(g), {}, {}, {}, {}, {}, {}});
  }
  c.status.allocation = a;
  return c;
}

TEST(DraExplain, TooFewFreeDevicesNamesTheHolders) {
  Inventory inv = cluster(2, 4);
  inv.resource_claims = {held("a", "n1", {0, 1}), held("b", "n2", {0, 1, 2}), claim("big", 3)};
  const auto e = explain_claim(inv, "ml/big");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_FALSE(e->allocatable);
  const std::string head = first_lines(e->text, 2);
  EXPECT_NE(head.find("ResourceClaim ml/big cannot be allocated on any of 2 nodes"),
            std::string::npos)
      << e->text;
  // Both nodes fail the same way; the closest (n1, 2 free) is the one quoted.
  EXPECT_NE(head.find("Cause on 2 nodes (n1, n2): request gpus: 2 free candidates, needs 3"),
            std::string::npos)
      << e->text;
  EXPECT_NE(e->text.find("2 x allocated to claim ml/a"), std::string::npos) << e->text;
  EXPECT_NE(e->text.find("3 x allocated to claim ml/b"), std::string::npos) << e->text;
  EXPECT_NE(e->text.find("    allocated to claim ml/b: gpu-0, gpu-1, gpu-2\n"), std::string::npos)
      << e->text;
}

TEST(DraExplain, EachCheckIsNamedWithItsDetail) {
  Inventory inv = cluster(1, 4);
  inv.resource_slices[0].devices[1].taints.push_back(
      {"nvidia.com/xid", "79", TaintEffect::kNoSchedule, {}});
  inv.resource_slices[0].devices[2].attributes["gpu.nvidia.com/model"] =
      DeviceAttribute::of_string("A100");
  inv.resource_slices[0].devices[3].attributes["gpu.nvidia.com/model"] =
      DeviceAttribute::of_string("H100");
  ResourceClaim c = claim("c", 1);
  c.spec.requests[0].exactly->selectors = {
      "!has(device.attributes['gpu.nvidia.com'].model) || "
      "device.attributes['gpu.nvidia.com'].model == 'H100'"};
  inv.resource_claims = {held("a", "n1", {0}), c};
  const auto e = explain_claim(inv, "ml/c");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_TRUE(e->allocatable) << e->text;
  EXPECT_NE(e->text.find("can be allocated on node n1: request gpus: gpu-3"), std::string::npos)
      << e->text;
  EXPECT_NE(e->text.find("allocated to claim ml/a: gpu-0"), std::string::npos) << e->text;
  EXPECT_NE(e->text.find("taint not tolerated: nvidia.com/xid=79:NoSchedule: gpu-1"),
            std::string::npos)
      << e->text;
  EXPECT_NE(e->text.find("request selector is false: `!has("), std::string::npos) << e->text;
  EXPECT_NE(e->text.find("`: gpu-2\n"), std::string::npos) << e->text;
}

TEST(DraExplain, ASelectorErrorIsTheCauseEvenWhenOtherDevicesMatch) {
  Inventory inv = cluster(1, 2);
  inv.resource_slices[0].devices[0].attributes["gpu.nvidia.com/model"] =
      DeviceAttribute::of_string("H100");
  ResourceClaim c = claim("c", 1);
  c.spec.requests[0].exactly->selectors = {"device.attributes['gpu.nvidia.com'].model == 'H100'"};
  inv.resource_claims = {c};
  const auto e = explain_claim(inv, "ml/c");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_FALSE(e->allocatable);
  const std::string head = first_lines(e->text, 2);
  EXPECT_NE(head.find("Cause: a selector fails to evaluate"), std::string::npos) << e->text;
  EXPECT_NE(head.find("no such key: model"), std::string::npos) << e->text;
  EXPECT_NE(head.find("device gpu-1 on node n1"), std::string::npos) << e->text;
}

TEST(DraExplain, ConstraintsListTheValuesFound) {
  Inventory inv = cluster(1, 4);  // pcieRoot pci0: gpu-0,1; pci1: gpu-2,3
  ResourceClaim c = claim("c", 3);
  c.spec.constraints.push_back({{"gpus"}, "resource.kubernetes.io/pcieRoot", std::nullopt});
  inv.resource_claims = {c};
  const auto e = explain_claim(inv, "ml/c");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_FALSE(e->allocatable);
  EXPECT_NE(first_lines(e->text, 2)
                .find("matchAttribute resource.kubernetes.io/pcieRoot: no "
                      "single value has enough devices (needs 3, the largest "
                      "group has 2)"),
            std::string::npos)
      << e->text;
  EXPECT_NE(e->text.find("constraint matchAttribute resource.kubernetes.io/pcieRoot: pci0 on "
                         "gpu-0, gpu-1; pci1 on gpu-2, gpu-3"),
            std::string::npos)
      << e->text;
}

TEST(DraExplain, APodsOtherClaimsAndBindingAreTakenIntoAccount) {
  Inventory inv = cluster(2, 4);
  inv.resource_claims = {claim("a", 2), claim("b", 2)};
  inv.pods = {pod("trainer", {"a", "b"})};
  inv.pods[0].node_name = "n2";
  const auto e = explain_claim(inv, "ml/b");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_TRUE(e->allocatable) << e->text;
  EXPECT_NE(e->text.find("can be allocated on node n2"), std::string::npos) << e->text;
  EXPECT_NE(e->text.find("other pending claims of pod ml/trainer (2 claims on one node)"),
            std::string::npos)
      << e->text;
  EXPECT_NE(e->text.find("node n1: skipped: pod ml/trainer is bound to node n2"), std::string::npos)
      << e->text;
}

TEST(DraExplain, UnknownClaimsAndAllocatedClaims) {
  Inventory inv = cluster(1, 2);
  inv.resource_claims = {held("a", "n1", {1})};
  const auto missing = explain_claim(inv, "ml/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "ResourceClaim ml/nope not found in the input (claims: ml/a)");
  const auto done = explain_claim(inv, "ml/a");
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->allocatable);
  EXPECT_EQ(done->text,
            "ResourceClaim ml/a is already allocated: request gpus: gpu-1 (driver gpu.nvidia.com, "
            "pool n1)\n");
}

}  // namespace
}  // namespace sluice::dra
