// `sluice dra plan`: priority order, gangs given back whole, shared claims, stranded devices, and
// Sluice's bin-packing against the first-fit baselines on the same queue.
#include "dra/plan.h"

#include "dra/decode.h"
#include "dra/fixtures.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::dra {
namespace {

using namespace fixtures;  // NOLINT(google-build-using-namespace): the builders

ResourceClaimTemplate gpus_template(const std::string& name, std::int64_t count) {
  ResourceClaimTemplate t;
  t.meta.name = name;
  t.meta.ns = "ml";
  t.spec = gpus(count);
  return t;
}

Workload workload(const std::string& name, const std::string& tmpl, std::int64_t replicas,
                  std::int64_t priority, bool gang = false) {
  Workload w;
  w.meta.name = name;
  w.meta.ns = "ml";
  w.replicas = replicas;
  w.priority = priority;
  w.gang = gang;
  w.resource_claims.push_back({"gpus", std::nullopt, tmpl});
  return w;
}

const StrategyReport& strategy(const PlanReport& r, const std::string& name) {
  for (const StrategyReport& s : r.strategies) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no strategy " << name;
  return r.strategies.front();
}

TEST(DraPlan, BinPackingKeepsWholeNodesForTheGangWhereFirstFitBreaksThemUp) {
  // Nodes n1..n4 with 8 GPUs; 4 then 6 GPUs leave n1 with 4 free and n2 with 2. A 2-GPU pod:
  // first fit takes n1, Sluice the fuller n2. Then 4 GPUs: Sluice fits n1, first fit breaks n3,
  // and the gang of two 8-GPU pods no longer fits.
  Inventory inv = cluster(4, 8);
  inv.resource_claim_templates = {gpus_template("g2", 2), gpus_template("g4", 4),
                                  gpus_template("g6", 6), gpus_template("g8", 8)};
  inv.workloads = {workload("train", "g8", 2, 0, true), workload("a", "g4", 1, 40),
                   workload("b", "g6", 1, 30), workload("c", "g2", 1, 20),
                   workload("d", "g4", 1, 10)};
  const auto r = plan_workloads(inv);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->order.size(), 5u);
  EXPECT_EQ(r->order.front()->meta.name, "a");  // priority order
  EXPECT_EQ(r->order.back()->meta.name, "train");
  EXPECT_EQ(r->pods_total, 6);
  EXPECT_EQ(r->devices_total, 32);

  const StrategyReport& sluice = strategy(*r, "sluice");
  EXPECT_EQ(sluice.pods_placed, 6);
  EXPECT_EQ(sluice.devices_allocated, 32);
  EXPECT_EQ(sluice.workloads[2].nodes, std::vector<std::string>{"n2"});  // c: the fuller node
  EXPECT_EQ(sluice.workloads[4].nodes, (std::vector<std::string>{"n3", "n4"}));
  EXPECT_EQ(sluice.stranded[4], 0);

  const StrategyReport& first = strategy(*r, "first-fit, first node");
  EXPECT_EQ(first.pods_placed, 4);
  EXPECT_EQ(first.workloads[2].nodes, std::vector<std::string>{"n1"});
  EXPECT_EQ(first.workloads[3].nodes, std::vector<std::string>{"n3"});
  EXPECT_EQ(first.workloads[4].placed, 0);
  EXPECT_NE(first.workloads[4].reason.find("gang of 2 given back (1 fitted)"), std::string::npos)
      << first.workloads[4].reason;
  // The gang's devices were given back: 16 free, of which n1 (2), n2 (2) and n3 (4) cannot take
  // an 8-GPU pod.
  EXPECT_EQ(first.devices_free, 16);
  EXPECT_EQ(first.stranded[4], 8);

  const std::string text = format_plan(*r);
  EXPECT_NE(text.find("pods placed"), std::string::npos);
  EXPECT_NE(text.find("ml/train (priority 0, gang of 2)"), std::string::npos) << text;
  EXPECT_NE(text.find("2/2 on n3, n4"), std::string::npos) << text;
}

TEST(DraPlan, NonGangWorkloadsPlaceWhatFitsAndSharedClaimsPullReplicasTogether) {
  Inventory inv = cluster(2, 4);
  inv.resource_claim_templates = {gpus_template("g3", 3)};
  inv.resource_claims = {claim("shared", 1)};
  Workload w = workload("serve", "g3", 3, 0);
  w.resource_claims.push_back({"cache", std::string("shared"), std::nullopt});
  inv.workloads = {w};
  const auto r = plan_workloads(inv);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const StrategyReport& sluice = r->strategies.front();
  // Replica 0 takes 3 + the shared 1 on one node; the others must follow the shared claim's node,
  // which is full.
  EXPECT_EQ(sluice.workloads[0].placed, 1) << format_plan(*r);
  EXPECT_NE(sluice.workloads[0].reason.find("replica 1"), std::string::npos)
      << sluice.workloads[0].reason;
}

TEST(DraPlan, InputErrorsNameTheWorkload) {
  Inventory inv = cluster(1, 2);
  EXPECT_FALSE(plan_workloads(inv).ok());  // no workloads
  inv.workloads = {workload("w", "missing", 1, 0)};
  const auto r = plan_workloads(inv);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "Workload ml/w: spec.resourceClaims[0].resourceClaimTemplateName: "
            "ResourceClaimTemplate ml/missing not found");
}

TEST(DraPlan, WorkloadsDecodeStrictly) {
  const auto ok = decode(R"(apiVersion: sluice.dev/v1alpha1
kind: Workload
metadata: {name: w, namespace: ml}
spec:
  priority: 5
  replicas: 3
  gang: true
  resourceClaims:
  - {name: gpus, resourceClaimTemplateName: t}
)",
                         "w.yaml");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  ASSERT_EQ(ok->workloads.size(), 1u);
  EXPECT_EQ(ok->workloads[0].replicas, 3);
  EXPECT_EQ(ok->workloads[0].priority, 5);
  EXPECT_TRUE(ok->workloads[0].gang);
  const auto bad = decode(R"(apiVersion: sluice.dev/v1alpha1
kind: Workload
metadata: {name: w, namespace: ml}
spec:
  replicas: 0
  resourceClaims:
  - {name: gpus, resourceClaimTemplateName: t}
)",
                          "w.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("Workload ml/w: spec.replicas"), std::string::npos)
      << bad.error().message;
  const auto wrong_api = decode("apiVersion: v1\nkind: Workload\nmetadata: {name: w}\n", "w.yaml");
  ASSERT_FALSE(wrong_api.ok());
  EXPECT_NE(wrong_api.error().message.find("kind Workload belongs to sluice.dev/v1alpha1"),
            std::string::npos)
      << wrong_api.error().message;
}

}  // namespace
}  // namespace sluice::dra
