// Agreement with Kubernetes 1.35 on documented allocation behaviour (API reference of
// resource.k8s.io/v1 and the KEPs; ../shared/reference/dra-anchors.md §1-§3), one case per rule,
// on whole objects through NodeAllocator. Each asserts the yes/no answer and, where Kubernetes is
// deterministic, the result.
#include "dra/fixtures.h"
#include "dra/node_allocator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::dra {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace): the builders

struct Case {
  Inventory inv = cluster(1, 4);  // node n1: gpu-0..3, pcieRoot pci0 (0,1) and pci1 (2,3)
  AllocatedDevices in_use;

  Result<NodeOutcome> run(const ResourceClaim& c) {
    NodeAllocator allocator(inv);
    const ResourceClaim* claims[] = {&c};
    return allocator.allocate(inv.nodes[0], claims, in_use);
  }
  bool fits(const ResourceClaim& c) {
    auto out = run(c);
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out.ok() && out->allocated;
  }
};

ResourceClaim all_gpus(const std::string& selector = {}) {
  ResourceClaim c = claim("all", 1);
  c.spec.requests[0].exactly->allocation_mode = AllocationMode::kAll;
  if (!selector.empty()) c.spec.requests[0].exactly->selectors = {selector};
  return c;
}

TEST(DraAgreement, AllocationModeAllTakesEveryMatchingDeviceAndNeedsAtLeastOne) {
  Case k;
  auto out = k.run(all_gpus());
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->allocated);
  EXPECT_EQ(out->results[0].results.size(), 4u);
  // Since 1.33 (PR #129560), All with no matching device fails instead of allocating nothing.
  EXPECT_FALSE(k.fits(all_gpus("device.attributes['resource.kubernetes.io'].pcieRoot == 'x'")));
}

TEST(DraAgreement, AllocationModeAllFailsOnIncompletePoolsAndDevicesInUse) {
  Case k;
  k.inv.resource_slices[0].pool.resource_slice_count = 2;  // the pool's second slice is missing
  EXPECT_FALSE(k.fits(all_gpus()));
  EXPECT_TRUE(k.fits(claim("one", 1))) << "ExactCount may still use an incomplete pool";

  Case busy;
  busy.in_use = {device_id("gpu.nvidia.com", "n1", "gpu-2")};
  EXPECT_FALSE(busy.fits(all_gpus()));
  ResourceClaim admin = all_gpus();
  admin.spec.requests[0].exactly->admin_access = true;
  EXPECT_TRUE(busy.fits(admin)) << "adminAccess may take devices in use";
}

TEST(DraAgreement, AdminAccessIgnoresDevicesInUseAndIsRecordedInTheResult) {
  Case k;
  for (int i = 0; i < 4; ++i)
    k.in_use.insert(device_id("gpu.nvidia.com", "n1", "gpu-" + std::to_string(i)));
  ResourceClaim c = claim("monitor", 2);
  EXPECT_FALSE(k.fits(c));
  c.spec.requests[0].exactly->admin_access = true;
  auto out = k.run(c);
  ASSERT_TRUE(out.ok() && out->allocated);
  EXPECT_EQ(out->results[0].results[0].admin_access, std::optional<bool>(true));
}

TEST(DraAgreement, OnlyThePoolsHighestGenerationCounts) {
  Case k;
  ResourceSlice stale = gpu_slice("n1", 8);  // generation 1, eight devices
  stale.meta.name = "n1-stale";
  k.inv.resource_slices[0].pool.generation = 2;  // four devices, generation 2
  k.inv.resource_slices.push_back(stale);
  EXPECT_TRUE(k.fits(claim("four", 4)));
  EXPECT_FALSE(k.fits(claim("five", 5))) << "generation 1's devices are not visible";
}

TEST(DraAgreement, MatchAttributeReadsQualifiedAndDriverLocalNames) {
  Case k;
  for (int i = 0; i < 4; ++i) {
    k.inv.resource_slices[0].devices[i].attributes["productName"] =
        DeviceAttribute::of_string(i < 3 ? "H100" : "A100");
  }
  ResourceClaim c = claim("three", 3);
  c.spec.constraints.push_back({{}, std::string("gpu.nvidia.com/productName"), std::nullopt});
  auto out = k.run(c);
  ASSERT_TRUE(out.ok() && out->allocated) << (out.ok() ? out->reason : out.error().message);
  for (const auto& r : out->results[0].results) EXPECT_NE(r.device, "gpu-3");
  ResourceClaim four = claim("four", 4);
  four.spec.constraints = c.spec.constraints;
  EXPECT_FALSE(k.fits(four));
  // A device without the attribute cannot satisfy the constraint at all.
  ResourceClaim missing = claim("two", 2);
  missing.spec.constraints.push_back(
      {{}, std::string("gpu.nvidia.com/nvlinkDomain"), std::nullopt});
  EXPECT_FALSE(k.fits(missing));
}

TEST(DraAgreement, DistinctAttributeSpansRequests) {
  Case k;
  ResourceClaim c = claim("pair", 1);
  DeviceRequest second = c.spec.requests[0];
  second.name = "other";
  c.spec.requests.push_back(second);
  c.spec.constraints.push_back({{}, std::nullopt, std::string("resource.kubernetes.io/pcieRoot")});
  auto out = k.run(c);
  ASSERT_TRUE(out.ok() && out->allocated);
  const auto& r = out->results[0].results;
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0].device.back() < '2', r[1].device.back() < '2') << "one device per pcieRoot";
  DeviceRequest third = second;
  third.name = "third";
  c.spec.requests.push_back(third);
  EXPECT_FALSE(k.fits(c)) << "two pcieRoots cannot give three distinct values";
}

TEST(DraAgreement, AClaimMayNotNeedMoreThan32Devices) {
  Case k;
  k.inv = cluster(1, 40);
  EXPECT_TRUE(k.fits(claim("max", 32)));
  auto out = k.run(claim("over", 33));
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->allocated);
  EXPECT_EQ(out->reason, "claim ml/over needs 33 devices, more than the limit of 32 per claim");
  EXPECT_FALSE(k.fits(all_gpus())) << "All over 40 devices exceeds the limit too";
}

TEST(DraAgreement, ClassThenClaimConfigIsCopiedIntoTheAllocation) {
  Case k;
  k.inv.device_classes[0].config = {{{"gpu.nvidia.com", "{sharing: {strategy: TimeSlicing}}"}}};
  ResourceClaim c = claim("c", 1);
  c.spec.config = {{{}, {"gpu.nvidia.com", "{a: 1}"}},
                   {{"gpus"}, {"gpu.nvidia.com", "{b: 2}"}},
                   {{"elsewhere"}, {"gpu.nvidia.com", "{c: 3}"}}};
  auto out = k.run(c);
  ASSERT_TRUE(out.ok() && out->allocated);
  const auto& config = out->results[0].config;
  ASSERT_EQ(config.size(), 3u);
  EXPECT_EQ(config[0].source, AllocationConfigSource::kFromClass);
  EXPECT_EQ(config[0].requests, std::vector<std::string>{"gpus"});
  EXPECT_EQ(config[0].opaque.parameters, "{sharing: {strategy: TimeSlicing}}");
  EXPECT_EQ(config[1].source, AllocationConfigSource::kFromClaim);
  EXPECT_TRUE(config[1].requests.empty());
  EXPECT_EQ(config[2].opaque.parameters, "{b: 2}");
}

}  // namespace
}  // namespace sluice::dra
