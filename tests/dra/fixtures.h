// Builders for DRA tests: n nodes of whole GPUs (two per PCIe root), a class "gpu", claims of
// `count` GPUs in namespace "ml", pods naming claims.
#pragma once

#include "dra/model.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace sluice::dra::fixtures {

/// A path in the repository (tests/dra/fixtures.h is three levels down).
inline std::filesystem::path repo_path(const std::string& relative) {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / relative;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline ResourceSlice gpu_slice(const std::string& node, int gpus) {
  ResourceSlice s;
  s.meta.name = node + "-gpus";
  s.driver = "gpu.nvidia.com";
  s.pool = ResourcePool{node, 1, 1};
  s.node_name = node;
  for (int i = 0; i < gpus; ++i) {
    Device d;
    d.name = "gpu-" + std::to_string(i);
    d.attributes["resource.kubernetes.io/pcieRoot"] =
        DeviceAttribute::of_string("pci" + std::to_string(i / 2));
    s.devices.push_back(std::move(d));
  }
  return s;
}

inline ResourceClaimSpec gpus(std::int64_t count) {
  ResourceClaimSpec spec;
  DeviceRequest r;
  r.name = "gpus";
  ExactDeviceRequest exact;
  exact.device_class_name = "gpu";
  exact.count = count;
  r.exactly = exact;
  spec.requests.push_back(r);
  return spec;
}

inline ResourceClaim claim(const std::string& name, std::int64_t count) {
  ResourceClaim c;
  c.meta.name = name;
  c.meta.ns = "ml";
  c.spec = gpus(count);
  return c;
}

inline Pod pod(const std::string& name, std::vector<std::string> claim_names) {
  Pod p;
  p.meta.name = name;
  p.meta.ns = "ml";
  for (const std::string& c : claim_names) {
    PodResourceClaim entry;
    entry.name = c;
    entry.resource_claim_name = c;
    p.resource_claims.push_back(entry);
  }
  return p;
}

inline Inventory cluster(int nodes, int gpus_per_node) {
  Inventory inv;
  DeviceClass gpu;
  gpu.meta.name = "gpu";
  gpu.selectors = {"device.driver == 'gpu.nvidia.com'"};
  inv.device_classes = {gpu};
  for (int n = 1; n <= nodes; ++n) {
    Node node;
    node.meta.name = "n" + std::to_string(n);
    inv.nodes.push_back(node);
    inv.resource_slices.push_back(gpu_slice(node.meta.name, gpus_per_node));
  }
  return inv;
}

}  // namespace sluice::dra::fixtures
