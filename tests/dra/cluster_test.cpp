// Cluster-level allocation: a pod's claims on one node, standalone claims, claims allocated in the
// input, claims from templates, node choice by score, pinned pods, and input errors.
#include "dra/cluster.h"

#include "dra/fixtures.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::dra {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace): the builders

const Placement* placement_of(const ClusterResult& r, const std::string& claim) {
  for (const Placement& p : r.placements) {
    for (const std::string& c : p.claims) {
      if (c == claim) return &p;
    }
  }
  return nullptr;
}

TEST(DraCluster, APodsClaimsShareANodeAndDecisionsAreRemembered) {
  Inventory inv = cluster(2, 4);
  inv.resource_claims = {claim("a", 2), claim("b", 2), claim("c", 3), claim("d", 2)};
  inv.pods = {pod("trainer", {"a", "b"})};
  const auto r = allocate_cluster(inv);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Placement* ab = placement_of(*r, "ml/a");
  ASSERT_NE(ab, nullptr);
  EXPECT_TRUE(ab->allocated);
  EXPECT_EQ(ab->pod, "ml/trainer");
  EXPECT_EQ(ab->claims, (std::vector<std::string>{"ml/a", "ml/b"}));
  // a+b fill one node, c takes 3 of the other, d (2) no longer fits anywhere.
  const Placement* c = placement_of(*r, "ml/c");
  ASSERT_TRUE(c && c->allocated);
  EXPECT_NE(c->node, ab->node);
  const Placement* d = placement_of(*r, "ml/d");
  ASSERT_TRUE(d != nullptr);
  EXPECT_FALSE(d->allocated);
  EXPECT_EQ(d->reason, "no node has 2 free devices");
  EXPECT_EQ(r->claims.size(), 4u);
}

TEST(DraCluster, ClaimsAllocatedInTheInputKeepTheirDevices) {
  Inventory inv = cluster(1, 4);
  ResourceClaim done = claim("done", 3);
  AllocationResult a;
  for (const char* dev : {"gpu-0", "gpu-1", "gpu-2"}) {
    DeviceRequestAllocationResult item;
    item.request = "gpus";
    item.driver = "gpu.nvidia.com";
    item.pool = "n1";
    item.device = dev;
    a.results.push_back(item);
  }
  done.status.allocation = a;
  inv.resource_claims = {done, claim("new", 1)};
  const auto r = allocate_cluster(inv);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->claims.size(), 1u) << "only pending claims are reported";
  ASSERT_TRUE(r->claims[0].status.allocation.has_value());
  EXPECT_EQ(r->claims[0].status.allocation->results.at(0).device, "gpu-3");
}

TEST(DraCluster, TheBestScoringNodeWinsNotTheFirst) {
  Inventory inv = cluster(2, 4);
  // n1 has gpu-0 and gpu-2 free (two pcieRoots); n2 has a whole root free.
  ResourceClaim busy1 = claim("busy1", 2);
  ResourceClaim busy2 = claim("busy2", 2);
  auto allocated_on = [](const std::string& node, std::vector<std::string> devices) {
    AllocationResult a;
    for (const std::string& d : devices) {
      DeviceRequestAllocationResult item;
      item.request = "gpus";
      item.driver = "gpu.nvidia.com";
      item.pool = node;
      item.device = d;
      a.results.push_back(item);
    }
    return a;
  };
  busy1.status.allocation = allocated_on("n1", {"gpu-1", "gpu-3"});
  busy2.status.allocation = allocated_on("n2", {"gpu-2", "gpu-3"});
  inv.resource_claims = {busy1, busy2, claim("pair", 2)};
  const auto r = allocate_cluster(inv);
  ASSERT_TRUE(r.ok());
  const Placement* p = placement_of(*r, "ml/pair");
  ASSERT_TRUE(p && p->allocated);
  EXPECT_EQ(p->node, "n2");
}

TEST(DraCluster, TemplatesPinnedPodsAndDanglingReferences) {
  Inventory inv = cluster(2, 2);
  ResourceClaimTemplate t;
  t.meta.name = "one-gpu";
  t.meta.ns = "ml";
  t.spec = gpus(1);
  inv.resource_claim_templates = {t};
  Pod p;
  p.meta.name = "worker";
  p.meta.ns = "ml";
  p.node_name = "n2";
  PodResourceClaim entry;
  entry.name = "gpu";
  entry.resource_claim_template_name = "one-gpu";
  p.resource_claims = {entry};
  inv.pods = {p};
  auto r = allocate_cluster(inv);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->claims.size(), 1u);
  EXPECT_EQ(r->claims[0].meta.name, "worker-gpu");
  EXPECT_EQ(r->placements.at(0).node, "n2");

  inv.pods[0].resource_claims[0].resource_claim_template_name = "nope";
  r = allocate_cluster(inv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Pod ml/worker: spec.resourceClaims[0].resourceClaimTemplateName: "
            "ResourceClaimTemplate ml/nope not found");
}

}  // namespace
}  // namespace sluice::dra
