// DRA allocation search (issue #6): Sluice's solver against an upstream-style first-fit search
// (the peer: Kubernetes 1.35's depth-first allocator, permutations and all) on the same problems,
// one node at a time. Each solve is timed on its own: p50/p99 counters are per-solve latencies.
// After Google Benchmark's table it prints, per case, solver and first-fit CPU time, the ratio,
// the search steps of each and whether their answers agree.
#include "dra/cluster.h"
#include "dra/first_fit.h"
#include "dra/node_allocator.h"
#include "dra/solver.h"
#include "ratio_reporter.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

using sluice::dra::CounterUse;
using sluice::dra::SolverConstraint;
using sluice::dra::SolverProblem;
using sluice::dra::SolverRequest;
using sluice::dra::SolverResult;

/// An 8-GPU node: NUMA 0 = GPUs 0-3, NUMA 1 = 4-7, pcieRoots in pairs.
SolverProblem gpu_node(std::uint32_t gpus) {
  SolverProblem p;
  p.device_count = gpus;
  for (std::uint32_t d = 0; d < gpus; ++d) p.topology.push_back({d / 4, d / 2});
  return p;
}

SolverRequest request(std::uint32_t candidates, std::uint32_t count) {
  SolverRequest r;
  r.candidates.resize(candidates);
  std::iota(r.candidates.begin(), r.candidates.end(), 0u);
  r.count = count;
  return r;
}

/// One 8-GPU claim with a matchAttribute constraint (all the same product) on an 8-GPU node.
SolverProblem eight_of_eight_matched() {
  SolverProblem p = gpu_node(8);
  p.requests = {request(8, 8)};
  SolverConstraint same;
  same.requests = {0};
  same.value_of_device.assign(8, 0);
  p.constraints = {same};
  return p;
}

/// Two GPUs on one pcieRoot, on a node where three GPUs (one per root of NUMA 0, and 4) are in use.
SolverProblem pair_on_one_root() {
  SolverProblem p = gpu_node(8);
  p.in_use = {true, false, true, false, true, false, false, false};
  p.requests = {request(8, 2)};
  SolverConstraint root;
  root.requests = {0};
  for (std::uint32_t d = 0; d < 8; ++d) root.value_of_device.push_back(d / 2);
  p.constraints = {root};
  return p;
}

/// N devices asked of a node where N-1 match (Kubernetes' known pathological case).
SolverProblem n_of_n_minus_one(std::uint32_t n) {
  SolverProblem p = gpu_node(n);
  p.requests = {request(n - 1, n)};
  p.hard_limit = 2'000'000;  // about what Kubernetes' 10 s filter timeout allows
  return p;
}

/// Three 1g MIG slices on one parent GPU: 2 GPUs x 7 slices sharing counters; GPU 0 has 5 slices
/// in use, so only GPU 1 can host three.
SolverProblem mig_slices() {
  SolverProblem p;
  p.device_count = 14;
  p.counter_available = {2, 7};  // free memory slices per GPU
  p.consumes.resize(14);
  p.in_use.assign(14, false);
  for (std::uint32_t d = 0; d < 14; ++d) {
    p.consumes[d] = {CounterUse{d / 7, 1}};
    p.topology.push_back({0, d / 7});
  }
  for (std::uint32_t d = 0; d < 5; ++d) p.in_use[d] = true;
  p.requests = {request(14, 3)};
  SolverConstraint parent;
  parent.requests = {0};
  for (std::uint32_t d = 0; d < 14; ++d) parent.value_of_device.push_back(d / 7);
  p.constraints = {parent};
  return p;
}

struct Case {
  std::string name;
  SolverProblem problem;
};

std::vector<Case> cases() {
  std::vector<Case> out = {{"8_of_8_matchAttribute", eight_of_eight_matched()},
                           {"2_on_one_pcieRoot", pair_on_one_root()},
                           {"3_mig_slices_one_parent", mig_slices()}};
  for (std::uint32_t n : {8u, 10u, 12u, 32u}) {
    out.push_back({"N_of_N-1/" + std::to_string(n), n_of_n_minus_one(n)});
  }
  return out;
}

template <SolverResult (*kSolve)(const SolverProblem&)>
void run(benchmark::State& state, const SolverProblem& problem) {
  std::vector<double> samples_us;
  SolverResult last;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    last = kSolve(problem);
    const auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(last);
    samples_us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(samples_us.begin(), samples_us.end());
  state.counters["p50_us"] = samples_us[samples_us.size() / 2];
  state.counters["p99_us"] = samples_us[samples_us.size() * 99 / 100];
  state.counters["steps"] = static_cast<double>(last.steps);
  state.counters["allocated"] = last.outcome == SolverResult::Outcome::kAllocated ? 1 : 0;
}

/// `nodes` nodes x 8 GPUs with NVIDIA-style attributes (NUMA node, pcieRoot) and their class.
sluice::dra::Inventory gpu_nodes(int nodes) {
  using namespace sluice::dra;
  Inventory inv;
  DeviceClass gpu;
  gpu.meta.name = "gpu.nvidia.com";
  gpu.selectors = {
      "device.driver == 'gpu.nvidia.com' && "
      "device.attributes['gpu.nvidia.com'].type == 'gpu'"};
  inv.device_classes = {gpu};
  for (int n = 0; n < nodes; ++n) {
    Node node;
    node.meta.name = "node-" + std::to_string(1000 + n);
    ResourceSlice slice;
    slice.meta.name = node.meta.name + "-gpus";
    slice.driver = "gpu.nvidia.com";
    slice.pool = ResourcePool{node.meta.name, 1, 1};
    slice.node_name = node.meta.name;
    for (int i = 0; i < 8; ++i) {
      Device d;
      d.name = "gpu-" + std::to_string(i);
      d.attributes["type"] = DeviceAttribute::of_string("gpu");
      d.attributes["productName"] = DeviceAttribute::of_string("NVIDIA H100 80GB HBM3");
      d.attributes["resource.kubernetes.io/numaNode"] = DeviceAttribute::of_int(i / 4);
      d.attributes["resource.kubernetes.io/pcieRoot"] =
          DeviceAttribute::of_string("pci0000:" + std::to_string(i / 2));
      slice.devices.push_back(std::move(d));
    }
    inv.nodes.push_back(std::move(node));
    inv.resource_slices.push_back(std::move(slice));
  }
  return inv;
}

/// 1,000 nodes x 8 GPUs and 5,000 claims of 1-8 GPUs (seeded) selecting by class, a third of
/// them with a pcieRoot or NUMA constraint.
sluice::dra::Inventory big_cluster() {
  using namespace sluice::dra;
  Inventory inv = gpu_nodes(1000);
  std::mt19937 rng(7);
  for (int c = 0; c < 5000; ++c) {
    ResourceClaim claim;
    claim.meta.name = "claim-" + std::to_string(c);
    claim.meta.ns = "ml";
    DeviceRequest r;
    r.name = "gpus";
    ExactDeviceRequest exact;
    exact.device_class_name = "gpu.nvidia.com";
    exact.count = std::uniform_int_distribution<int>(1, 8)(rng);
    r.exactly = exact;
    claim.spec.requests.push_back(r);
    const int kind = c % 3;
    if (kind != 0 && exact.count <= 4) {
      DeviceConstraint k;
      k.match_attribute =
          exact.count <= 2 ? "resource.kubernetes.io/pcieRoot" : "resource.kubernetes.io/numaNode";
      claim.spec.constraints.push_back(k);
    }
    inv.resource_claims.push_back(std::move(claim));
  }
  return inv;
}

void cluster(benchmark::State& state) {
  const sluice::dra::Inventory inv = big_cluster();
  for (auto _ : state) {
    auto result = sluice::dra::allocate_cluster(inv);
    if (!result.ok()) {
      state.SkipWithError(result.error().message.c_str());
      return;
    }
    std::size_t allocated = 0;
    std::size_t gpus = 0;
    for (const auto& claim : result->claims) {
      if (!claim.status.allocation) continue;
      ++allocated;
      gpus += claim.status.allocation->results.size();
    }
    state.counters["claims_allocated"] = static_cast<double>(allocated);
    state.counters["gpus_allocated"] = static_cast<double>(gpus);
    state.counters["nodes_tried"] = static_cast<double>(result->nodes_tried);
    state.counters["claims_per_s"] =
        benchmark::Counter(5000, benchmark::Counter::kIsIterationInvariantRate);
  }
}

/// The whole allocation of one 8-GPU claim with matchAttribute productName on one 8-GPU node:
/// class selector (CEL), problem building, search and the v1 result. `first_fit` runs the same
/// path with the upstream-style search. `cold` builds a new allocator per allocation (CEL compile
/// and evaluation included); warm reuses one, as a scheduler does.
void whole_allocation(benchmark::State& state, bool first_fit, bool cold) {
  using namespace sluice::dra;
  const Inventory inv = gpu_nodes(1);
  ResourceClaim claim;
  claim.meta.name = "eight";
  claim.meta.ns = "ml";
  DeviceRequest r;
  r.name = "gpus";
  ExactDeviceRequest exact;
  exact.device_class_name = "gpu.nvidia.com";
  exact.count = 8;
  r.exactly = exact;
  claim.spec.requests.push_back(r);
  DeviceConstraint same;
  same.match_attribute = "gpu.nvidia.com/productName";
  claim.spec.constraints.push_back(same);
  const ResourceClaim* claims[] = {&claim};
  const AllocatedDevices none;
  auto warm = std::make_unique<NodeAllocator>(inv);
  warm->use_first_fit(first_fit);
  std::vector<double> samples_us;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    std::unique_ptr<NodeAllocator> fresh;
    if (cold) {
      fresh = std::make_unique<NodeAllocator>(inv);
      fresh->use_first_fit(first_fit);
    }
    auto outcome = (cold ? *fresh : *warm).allocate(inv.nodes[0], claims, none);
    const auto end = std::chrono::steady_clock::now();
    if (!outcome.ok() || !outcome->allocated) {
      state.SkipWithError("the claim did not allocate");
      return;
    }
    benchmark::DoNotOptimize(outcome);
    samples_us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(samples_us.begin(), samples_us.end());
  state.counters["p50_us"] = samples_us[samples_us.size() / 2];
  state.counters["p99_us"] = samples_us[samples_us.size() * 99 / 100];
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Case> all = cases();
  for (const Case& c : all) {
    benchmark::RegisterBenchmark(("solver/" + c.name).c_str(), run<sluice::dra::solve>, c.problem);
    benchmark::RegisterBenchmark(("first_fit/" + c.name).c_str(), run<sluice::dra::first_fit>,
                                 c.problem);
  }
  for (const bool cold : {false, true}) {
    const std::string suffix = cold ? "cold" : "warm";
    benchmark::RegisterBenchmark(("whole/solver/8_of_8_matchAttribute/" + suffix).c_str(),
                                 whole_allocation, false, cold);
    benchmark::RegisterBenchmark(("whole/first_fit/8_of_8_matchAttribute/" + suffix).c_str(),
                                 whole_allocation, true, cold);
  }
  benchmark::RegisterBenchmark("cluster/1000_nodes_x8_5000_claims", cluster)
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  sluice::bench_util::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n%-26s %12s %14s %8s %12s %12s %s\n", "case", "solver ns", "first-fit ns", "ratio",
              "solver steps", "ff steps", "answers");
  for (const Case& c : all) {
    const double solver = reporter.ns("solver/" + c.name);
    const double ff = reporter.ns("first_fit/" + c.name);
    if (solver <= 0 || ff <= 0) continue;
    const SolverResult a = sluice::dra::solve(c.problem);
    const SolverResult b = sluice::dra::first_fit(c.problem);
    const char* answers = a.outcome == b.outcome ? "same"
                          : b.outcome == SolverResult::Outcome::kGaveUp
                              ? "first fit gave up at its step limit"
                              : "DIFFERENT";
    std::printf("%-26s %12.0f %14.0f %8.2f %12llu %12llu %s\n", c.name.c_str(), solver, ff,
                ff / solver, static_cast<unsigned long long>(a.steps),
                static_cast<unsigned long long>(b.steps), answers);
  }
  benchmark::Shutdown();
  return 0;
}
