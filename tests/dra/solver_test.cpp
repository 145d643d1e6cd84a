// The allocation search: Kubernetes' feasibility answers (counts, All, devices in use, admin
// access, matchAttribute, distinctAttribute, shared counters), the counting bounds that reject
// impossible requests without searching, and the topology score.
#include "dra/solver.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace sluice::dra {
namespace {

std::vector<std::uint32_t> range(std::uint32_t n) {
  std::vector<std::uint32_t> v(n);
  std::iota(v.begin(), v.end(), 0u);
  return v;
}

SolverProblem devices(std::uint32_t n) {
  SolverProblem p;
  p.device_count = n;
  return p;
}

SolverRequest request(std::vector<std::uint32_t> candidates, std::uint32_t count) {
  SolverRequest r;
  r.candidates = std::move(candidates);
  r.count = count;
  return r;
}

using Outcome = SolverResult::Outcome;

TEST(DraSolver, CountsAndDevicesInUse) {
  SolverProblem p = devices(4);
  p.requests = {request(range(4), 3)};
  SolverResult r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated) << r.reason;
  EXPECT_EQ(r.devices[0], (std::vector<std::uint32_t>{0, 1, 2}));

  p.in_use = {true, true, false, false};
  r = solve(p);
  EXPECT_EQ(r.outcome, Outcome::kInfeasible);
  EXPECT_EQ(r.reason, "request 0: 2 free candidates, needs 3");
  EXPECT_EQ(r.steps, 0u) << "rejected by counting, before any search";

  p.requests[0].admin_access = true;  // admin access may reuse devices in use
  EXPECT_EQ(solve(p).outcome, Outcome::kAllocated);
}

TEST(DraSolver, RequestsOfOneClaimSetNeverShareADevice) {
  SolverProblem p = devices(3);
  p.requests = {request({0, 1}, 2), request({1, 2}, 1)};
  SolverResult r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated);
  EXPECT_EQ(r.devices[0], (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(r.devices[1], (std::vector<std::uint32_t>{2}));
  p.requests = {request({0, 1}, 2), request({0, 1}, 1)};
  r = solve(p);
  EXPECT_EQ(r.outcome, Outcome::kInfeasible);
  EXPECT_EQ(r.reason, "the requests need 3 devices, only 2 distinct candidates are free");
}

TEST(DraSolver, AllocationModeAllTakesEveryCandidateAndNeedsThemFree) {
  SolverProblem p = devices(4);
  SolverRequest all;
  all.all = true;
  all.candidates = {1, 3};
  p.requests = {all};
  SolverResult r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated);
  EXPECT_EQ(r.devices[0], (std::vector<std::uint32_t>{1, 3}));
  p.in_use = {false, false, false, true};
  EXPECT_EQ(solve(p).reason, "request 0: allocationMode All, but 1 matching devices are in use");
  p.requests[0].candidates.clear();
  EXPECT_EQ(solve(p).reason, "request 0: allocationMode All matches no device");
}

TEST(DraSolver, NOfNMinusOneIsRejectedByCountingWithoutSearch) {
  // The upstream allocator's pathological case: 32 devices asked of a node with 31 matching.
  SolverProblem p = devices(32);
  p.requests = {request(range(31), 32)};
  const SolverResult r = solve(p);
  EXPECT_EQ(r.outcome, Outcome::kInfeasible);
  EXPECT_EQ(r.steps, 0u);
  // Same with a constraint: 8 per NUMA node, 9 wanted on one.
  SolverProblem q = devices(16);
  q.requests = {request(range(16), 9)};
  SolverConstraint numa;
  numa.requests = {0};
  for (std::uint32_t d = 0; d < 16; ++d) numa.value_of_device.push_back(d / 8);
  q.constraints = {numa};
  const SolverResult s = solve(q);
  EXPECT_EQ(s.outcome, Outcome::kInfeasible);
  EXPECT_EQ(s.reason,
            "matchAttribute constraint 0: no single value has enough devices (needs 9, the "
            "largest group has 8)");
  EXPECT_EQ(s.steps, 0u);
}

TEST(DraSolver, MatchAttributeKeepsOneValueAcrossRequests) {
  // Devices 0-3 on pcieRoot 0, 4-7 on root 1; device 2 is in use, so 3 on root 0 is impossible
  // together with another request's device on the same root.
  SolverProblem p = devices(8);
  p.in_use = {false, false, true, false, false, false, false, false};
  SolverConstraint root;
  root.requests = {0, 1};
  for (std::uint32_t d = 0; d < 8; ++d) root.value_of_device.push_back(d / 4);
  p.constraints = {root};
  p.requests = {request(range(8), 3), request(range(8), 1)};
  const SolverResult r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated) << r.reason;
  EXPECT_EQ(r.devices[0], (std::vector<std::uint32_t>{4, 5, 6}));
  EXPECT_EQ(r.devices[1], (std::vector<std::uint32_t>{7}));
  // A device without the attribute never satisfies the constraint.
  p.constraints[0].value_of_device = {0, 0, kMissingValue, kMissingValue, 1, 1, 1, kMissingValue};
  EXPECT_EQ(solve(p).outcome, Outcome::kInfeasible);
}

TEST(DraSolver, DistinctAttributeNeedsDifferentValues) {
  SolverProblem p = devices(4);
  SolverConstraint distinct;
  distinct.distinct = true;
  distinct.requests = {0};
  distinct.value_of_device = {7, 7, 8, kMissingValue};
  p.constraints = {distinct};
  p.requests = {request(range(4), 2)};
  SolverResult r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated);
  EXPECT_EQ(r.devices[0], (std::vector<std::uint32_t>{0, 2}));
  p.requests[0].count = 3;
  r = solve(p);
  EXPECT_EQ(r.outcome, Outcome::kInfeasible);
  EXPECT_EQ(r.reason,
            "distinctAttribute constraint 0: 3 devices need distinct values, 2 values exist "
            "among the candidates");
}

TEST(DraSolver, SharedCountersBacktrackOutOfAGreedyFirstPick) {
  // Kubernetes' "PartitionableBacktracking" template: 8 devices on one 70-unit counter, device 0
  // takes 20, the others 10. Seven devices fit only without device 0.
  SolverProblem p = devices(8);
  p.counter_available = {70};
  p.consumes.resize(8);
  for (std::uint32_t d = 0; d < 8; ++d) p.consumes[d] = {CounterUse{0, d == 0 ? 20 : 10}};
  p.requests = {request(range(8), 7)};
  SolverResult r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated) << r.reason;
  EXPECT_EQ(r.devices[0], (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6, 7}));
  p.counter_available = {69};
  r = solve(p);
  EXPECT_EQ(r.outcome, Outcome::kInfeasible);
  EXPECT_LT(r.steps, 1000u);
}

TEST(DraSolver, TopologyScorePrefersCompactAllocations) {
  // 8 GPUs: NUMA 0 = 0-3, NUMA 1 = 4-7; pcieRoot pairs (0,1) (2,3) ...; devices 0 and 2 in use.
  SolverProblem p = devices(8);
  p.in_use = {true, false, true, false, false, false, false, false};
  for (std::uint32_t d = 0; d < 8; ++d) p.topology.push_back({d / 4, d / 2});
  p.requests = {request(range(8), 2)};
  SolverResult r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated);
  // NUMA 0 has only 1 and 3 free (two roots); NUMA 1 has a whole root pair: one NUMA node and
  // one root beats one NUMA node and two roots.
  EXPECT_EQ(r.devices[0], (std::vector<std::uint32_t>{4, 5}));
  EXPECT_EQ(r.score, (SolverScore{1, 1, 1}));
  // One device: the score prefers a root already in use (packing), leaving pairs whole.
  p.requests[0].count = 1;
  r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated);
  EXPECT_EQ(r.devices[0], (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(r.score, (SolverScore{1, 1, 0}));
}

TEST(DraSolver, CountersTooSmallForTheCheapestDevicesAreRejectedByCounting) {
  SolverProblem p = devices(64);
  p.counter_available = {15};
  p.consumes.resize(64);
  for (std::uint32_t d = 0; d < 64; ++d) p.consumes[d] = {CounterUse{0, 1}};
  p.requests = {request(range(64), 8), request(range(64), 8)};
  const SolverResult r = solve(p);
  EXPECT_EQ(r.outcome, Outcome::kInfeasible);
  EXPECT_EQ(r.reason, "counter 0: the requests need at least 16, 15 is available");
  EXPECT_EQ(r.steps, 0u);
}

TEST(DraSolver, TheHardLimitEndsASearchWithoutAnAnswer) {
  // Ten expensive devices first in index order, ten cheap ones that are the only solution.
  SolverProblem p = devices(20);
  p.counter_available = {100};
  p.consumes.resize(20);
  for (std::uint32_t d = 0; d < 20; ++d) p.consumes[d] = {CounterUse{0, d < 10 ? 20 : 10}};
  p.requests = {request(range(20), 10)};
  p.hard_limit = 10;
  SolverResult r = solve(p);
  EXPECT_EQ(r.outcome, Outcome::kGaveUp);
  EXPECT_EQ(r.reason, "search limit of 10 steps reached");
  EXPECT_LE(r.steps, 10u);
  p.hard_limit = 5'000'000;
  r = solve(p);
  ASSERT_EQ(r.outcome, Outcome::kAllocated);
  EXPECT_EQ(r.devices[0].front(), 10u);
}

TEST(DraSolver, NoRequestsIsTriviallyAllocated) {
  const SolverResult r = solve(devices(2));
  EXPECT_EQ(r.outcome, Outcome::kAllocated);
  EXPECT_TRUE(r.devices.empty());
}

}  // namespace
}  // namespace sluice::dra
