// Allocation on one node from the objects: classes and selectors, devices in use, constraints on
// attributes, prioritized lists, taints, shared counters, pools, and the v1 result format.
#include "dra/node_allocator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::dra {
namespace {

Quantity q(const char* text) { return *Quantity::parse(text); }

/// An 8-GPU node slice in NVIDIA's style: NUMA 0 = gpu-0..3, pcieRoots in pairs.
ResourceSlice gpu_slice(const std::string& node, const std::string& product, int gpus = 8) {
  ResourceSlice s;
  s.meta.name = node + "-gpus";
  s.driver = "gpu.nvidia.com";
  s.pool = ResourcePool{node, 1, 1};
  s.node_name = node;
  for (int i = 0; i < gpus; ++i) {
    Device d;
    d.name = "gpu-" + std::to_string(i);
    d.attributes["type"] = DeviceAttribute::of_string("gpu");
    d.attributes["productName"] = DeviceAttribute::of_string(product);
    d.attributes["resource.kubernetes.io/numaNode"] = DeviceAttribute::of_int(i / 4);
    d.attributes["resource.kubernetes.io/pcieRoot"] =
        DeviceAttribute::of_string("pci0000:" + std::to_string(i / 2));
    d.capacity["memory"] = DeviceCapacity{q("80Gi"), std::nullopt};
    s.devices.push_back(std::move(d));
  }
  return s;
}

DeviceClass gpu_class() {
  DeviceClass c;
  c.meta.name = "gpu.nvidia.com";
  c.selectors = {
      "device.driver == 'gpu.nvidia.com' && "
      "device.attributes['gpu.nvidia.com'].type == 'gpu'"};
  return c;
}

Node node(const std::string& name) {
  Node n;
  n.meta.name = name;
  return n;
}

ResourceClaim claim(const std::string& name, std::int64_t count,
                    std::vector<std::string> selectors = {}) {
  ResourceClaim c;
  c.meta.name = name;
  c.meta.ns = "ml";
  DeviceRequest r;
  r.name = "gpus";
  ExactDeviceRequest exact;
  exact.device_class_name = "gpu.nvidia.com";
  exact.count = count;
  exact.selectors = std::move(selectors);
  r.exactly = exact;
  c.spec.requests.push_back(std::move(r));
  return c;
}

void match(ResourceClaim& c, const std::string& attribute) {
  DeviceConstraint k;
  k.match_attribute = attribute;
  c.spec.constraints.push_back(k);
}

std::vector<std::string> devices_of(const AllocationResult& r) {
  std::vector<std::string> out;
  for (const auto& item : r.results) out.push_back(item.request + ":" + item.device);
  return out;
}

struct Fixture {
  Inventory inventory;
  Result<NodeOutcome> run(const std::vector<const ResourceClaim*>& claims,
                          const AllocatedDevices& allocated = {}, const std::string& on = "n1") {
    NodeAllocator allocator(inventory);
    return allocator.allocate(node(on), claims, allocated);
  }
};

TEST(DraNodeAllocator, EightGpusWithAMatchedAttributeInTheV1Format) {
  Fixture f;
  f.inventory.resource_slices = {gpu_slice("n1", "H100")};
  f.inventory.device_classes = {gpu_class()};
  ResourceClaim c = claim("all8", 8);
  match(c, "gpu.nvidia.com/productName");
  const auto out = f.run({&c});
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->allocated) << out->reason;
  const AllocationResult& r = out->results[0];
  ASSERT_EQ(r.results.size(), 8u);
  EXPECT_EQ(r.results[0].driver, "gpu.nvidia.com");
  EXPECT_EQ(r.results[0].pool, "n1");
  EXPECT_EQ(r.results[0].request, "gpus");
  ASSERT_TRUE(r.node_selector.has_value());
  const auto& field = r.node_selector->node_selector_terms.at(0).match_fields.at(0);
  EXPECT_EQ(field.key, "metadata.name");
  EXPECT_EQ(field.values, std::vector<std::string>{"n1"});
}

TEST(DraNodeAllocator, PairOnOnePcieRootAvoidsDevicesInUse) {
  Fixture f;
  f.inventory.resource_slices = {gpu_slice("n1", "H100")};
  f.inventory.device_classes = {gpu_class()};
  ResourceClaim c = claim("pair", 2);
  match(c, "resource.kubernetes.io/pcieRoot");
  const AllocatedDevices in_use = {"gpu.nvidia.com/n1/gpu-0", "gpu.nvidia.com/n1/gpu-2",
                                   "gpu.nvidia.com/n1/gpu-4"};
  const auto out = f.run({&c}, in_use);
  ASSERT_TRUE(out.ok() && out->allocated);
  EXPECT_EQ(devices_of(out->results[0]), (std::vector<std::string>{"gpus:gpu-6", "gpus:gpu-7"}));
}

TEST(DraNodeAllocator, NotFittingIsAnOutcomeAndSelectorErrorsAreFatal) {
  Fixture f;
  f.inventory.resource_slices = {gpu_slice("n1", "H100", 4)};
  f.inventory.device_classes = {gpu_class()};
  ResourceClaim too_many = claim("big", 5);
  auto out = f.run({&too_many});
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->allocated);
  EXPECT_EQ(out->reason, "request gpus: 4 free candidates, needs 5");

  ResourceClaim typo = claim("typo", 1, {"device.attributes['gpu.nvidia.com'].modle == 'x'"});
  out = f.run({&typo});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("claim ml/typo: selector #0: CEL runtime error"),
            std::string::npos)
      << out.error().message;

  ResourceClaim no_class = claim("nc", 1);
  no_class.spec.requests[0].exactly->device_class_name = "missing";
  out = f.run({&no_class});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "claim ml/nc: request gpus: device class 'missing' not found");

  out = f.run({&too_many}, {}, "other-node");  // the slice belongs to n1
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->allocated);
}

TEST(DraNodeAllocator, FirstAvailableFallsBackInOrderAndNamesTheSubrequest) {
  Fixture f;
  f.inventory.resource_slices = {gpu_slice("n1", "A100")};
  f.inventory.device_classes = {gpu_class()};
  ResourceClaim c;
  c.meta.name = "h100-else-a100";
  DeviceRequest r;
  r.name = "gpu";
  DeviceSubRequest h100;
  h100.name = "h100";
  h100.device_class_name = "gpu.nvidia.com";
  h100.selectors = {"device.attributes['gpu.nvidia.com'].productName == 'H100'"};
  DeviceSubRequest a100 = h100;
  a100.name = "a100-pair";
  a100.count = 2;
  a100.selectors = {"device.attributes['gpu.nvidia.com'].productName == 'A100'"};
  r.first_available = {h100, a100};
  c.spec.requests.push_back(r);
  const auto out = f.run({&c});
  ASSERT_TRUE(out.ok() && out->allocated) << (out.ok() ? out->reason : out.error().message);
  EXPECT_EQ(devices_of(out->results[0]),
            (std::vector<std::string>{"gpu/a100-pair:gpu-0", "gpu/a100-pair:gpu-1"}));
}

TEST(DraNodeAllocator, TaintsNeedTolerations) {
  Fixture f;
  ResourceSlice s = gpu_slice("n1", "H100", 2);
  s.devices[0].taints.push_back(DeviceTaint{"maintenance", "true", TaintEffect::kNoSchedule, {}});
  s.devices[1].taints.push_back(DeviceTaint{"info", "x", TaintEffect::kNone, {}});
  f.inventory.resource_slices = {s};
  f.inventory.device_classes = {gpu_class()};
  ResourceClaim c = claim("two", 2);
  auto out = f.run({&c});
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->allocated);
  c.spec.requests[0].exactly->tolerations.push_back(
      DeviceToleration{"maintenance", TolerationOperator::kExists, "", std::nullopt, {}});
  out = f.run({&c});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->allocated) << out->reason;
  EXPECT_EQ(out->results[0].results[0].tolerations.size(), 1u);
}

TEST(DraNodeAllocator, SharedCountersKeepPartitionsWithinTheirParent) {
  // Two parents, each with 4 memory slices; 3 slices of parent 0 are in use by other claims.
  Fixture f;
  ResourceSlice counters;
  counters.meta.name = "n1-counters";
  counters.driver = "gpu.nvidia.com";
  counters.pool = ResourcePool{"n1", 1, 2};
  counters.node_name = "n1";
  ResourceSlice parts = counters;
  parts.meta.name = "n1-parts";
  for (int g = 0; g < 2; ++g) {
    CounterSet set;
    set.name = "gpu-" + std::to_string(g);
    set.counters["slices"] = Counter{q("4")};
    counters.shared_counters.push_back(set);
    for (int p = 0; p < 4; ++p) {
      Device d;
      d.name = "gpu-" + std::to_string(g) + "-mig-" + std::to_string(p);
      d.attributes["type"] = DeviceAttribute::of_string("gpu");
      d.attributes["parentUUID"] = DeviceAttribute::of_string("GPU-" + std::to_string(g));
      DeviceCounterConsumption use;
      use.counter_set = set.name;
      use.counters["slices"] = Counter{q("1")};
      d.consumes_counters.push_back(use);
      parts.devices.push_back(d);
    }
  }
  f.inventory.resource_slices = {counters, parts};
  f.inventory.device_classes = {gpu_class()};
  ResourceClaim c = claim("three", 3);
  match(c, "gpu.nvidia.com/parentUUID");
  const AllocatedDevices in_use = {"gpu.nvidia.com/n1/gpu-0-mig-0", "gpu.nvidia.com/n1/gpu-0-mig-1",
                                   "gpu.nvidia.com/n1/gpu-0-mig-2"};
  auto out = f.run({&c}, in_use);
  ASSERT_TRUE(out.ok() && out->allocated) << (out.ok() ? out->reason : out.error().message);
  EXPECT_EQ(devices_of(out->results[0]),
            (std::vector<std::string>{"gpus:gpu-1-mig-0", "gpus:gpu-1-mig-1", "gpus:gpu-1-mig-2"}));
  // Without the counters slice the pool is incomplete: ExactCount still works, All does not.
  f.inventory.resource_slices = {parts};
  out = f.run({&c}, in_use);
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->allocated) << "the devices consume counters that are not published";
}

TEST(DraNodeAllocator, ClaimsOfOnePodShareTheNodeWithoutSharingDevices) {
  Fixture f;
  f.inventory.resource_slices = {gpu_slice("n1", "H100", 4)};
  f.inventory.device_classes = {gpu_class()};
  ResourceClaim a = claim("a", 2);
  ResourceClaim b = claim("b", 2);
  auto out = f.run({&a, &b});
  ASSERT_TRUE(out.ok() && out->allocated);
  EXPECT_EQ(out->results[0].results.size() + out->results[1].results.size(), 4u);
  ResourceClaim c = claim("c", 1);
  out = f.run({&a, &b, &c});
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->allocated);
}

}  // namespace
}  // namespace sluice::dra
