// The upstream-style first-fit search, and the property that matters most: on thousands of small
// random problems the solver gives the same yes/no answer as first fit, and every allocation it
// returns satisfies the requests, constraints and counters, scoring no worse than first fit's.
#include "dra/first_fit.h"

#include "dra/solver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

namespace sluice::dra {
namespace {

using Outcome = SolverResult::Outcome;

TEST(DraFirstFit, TakesTheFirstDevicesInIndexOrder) {
  SolverProblem p;
  p.device_count = 4;
  p.in_use = {true, false, false, false};
  SolverRequest r;
  r.candidates = {3, 2, 1, 0};
  r.count = 2;
  p.requests = {r};
  const SolverResult result = first_fit(p);
  ASSERT_EQ(result.outcome, Outcome::kAllocated);
  EXPECT_EQ(result.devices[0], (std::vector<std::uint32_t>{1, 2}));
}

TEST(DraFirstFit, NOfNMinusOneExploresPermutationsUntilTheLimit) {
  // Kubernetes 1.35's pathological case, which the solver rejects in 0 steps.
  SolverProblem p;
  p.device_count = 12;
  SolverRequest r;
  for (std::uint32_t d = 0; d < 11; ++d) r.candidates.push_back(d);
  r.count = 12;
  p.requests = {r};
  p.hard_limit = 200'000;
  const SolverResult ff = first_fit(p);
  EXPECT_EQ(ff.outcome, Outcome::kGaveUp);
  EXPECT_EQ(ff.steps, 200'000u);
  const SolverResult s = solve(p);
  EXPECT_EQ(s.outcome, Outcome::kInfeasible);
  EXPECT_EQ(s.steps, 0u);
}

/// Checks an allocation against the problem; empty when it is valid.
std::string violation(const SolverProblem& p, const SolverResult& r) {
  std::set<std::uint32_t> taken;
  std::vector<std::int64_t> counters = p.counter_available;
  for (std::size_t q = 0; q < p.requests.size(); ++q) {
    const SolverRequest& req = p.requests[q];
    const auto& devices = r.devices[q];
    const std::size_t want = req.all ? req.candidates.size() : req.count;
    if (devices.size() != want) return "request " + std::to_string(q) + ": wrong count";
    for (std::uint32_t d : devices) {
      if (std::find(req.candidates.begin(), req.candidates.end(), d) == req.candidates.end()) {
        return "not a candidate";
      }
      if (!taken.insert(d).second) return "device used twice";
      if (d < p.in_use.size() && p.in_use[d] && !req.admin_access) return "device in use";
      if (d < p.consumes.size()) {
        for (const CounterUse& use : p.consumes[d]) counters[use.counter] -= use.amount;
      }
    }
  }
  for (std::int64_t left : counters) {
    if (left < 0) return "counter overdrawn";
  }
  for (const SolverConstraint& c : p.constraints) {
    std::vector<std::uint32_t> values;
    for (std::uint32_t q : c.requests) {
      for (std::uint32_t d : r.devices[q]) values.push_back(c.value_of_device[d]);
    }
    if (std::count(values.begin(), values.end(), kMissingValue) > 0) return "missing attribute";
    std::set<std::uint32_t> distinct(values.begin(), values.end());
    if (c.distinct && distinct.size() != values.size()) return "distinct violated";
    if (!c.distinct && distinct.size() > 1) return "match violated";
  }
  return "";
}

SolverProblem random_problem(std::mt19937& rng) {
  auto pick = [&rng](std::uint32_t lo, std::uint32_t hi) {
    return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
  };
  SolverProblem p;
  p.device_count = pick(1, 9);
  for (std::uint32_t d = 0; d < p.device_count; ++d) p.in_use.push_back(pick(0, 4) == 0);
  const std::uint32_t requests = pick(1, 3);
  for (std::uint32_t q = 0; q < requests; ++q) {
    SolverRequest r;
    for (std::uint32_t d = 0; d < p.device_count; ++d) {
      if (pick(0, 3) != 0) r.candidates.push_back(d);
    }
    r.all = pick(0, 9) == 0;
    r.count = pick(1, 3);
    r.admin_access = pick(0, 9) == 0;
    p.requests.push_back(r);
  }
  if (pick(0, 1) == 1) {
    SolverConstraint c;
    c.distinct = pick(0, 2) == 0;
    for (std::uint32_t q = 0; q < requests; ++q) {
      if (pick(0, 1) == 1) c.requests.push_back(q);
    }
    for (std::uint32_t d = 0; d < p.device_count; ++d) {
      c.value_of_device.push_back(pick(0, 5) == 0 ? kMissingValue : pick(0, 2));
    }
    p.constraints.push_back(c);
  }
  if (pick(0, 1) == 1) {
    p.counter_available = {static_cast<std::int64_t>(pick(0, 12))};
    p.consumes.resize(p.device_count);
    for (std::uint32_t d = 0; d < p.device_count; ++d) {
      if (pick(0, 3) != 0) p.consumes[d] = {CounterUse{0, static_cast<std::int64_t>(pick(1, 5))}};
    }
  }
  if (pick(0, 1) == 1) {
    for (std::uint32_t d = 0; d < p.device_count; ++d) p.topology.push_back({pick(0, 1), d / 2});
  }
  return p;
}

TEST(DraFirstFit, TheSolverAgreesWithFirstFitOnRandomProblems) {
  std::mt19937 rng(12345);
  int allocated = 0;
  for (int i = 0; i < 4000; ++i) {
    const SolverProblem p = random_problem(rng);
    const SolverResult ff = first_fit(p);
    const SolverResult s = solve(p);
    ASSERT_NE(ff.outcome, Outcome::kGaveUp) << "case " << i;
    ASSERT_EQ(s.outcome == Outcome::kAllocated, ff.outcome == Outcome::kAllocated)
        << "case " << i << ": solver says " << s.reason << ", first fit " << ff.reason;
    if (s.outcome != Outcome::kAllocated) continue;
    ++allocated;
    EXPECT_EQ(violation(p, s), "") << "case " << i;
    EXPECT_EQ(violation(p, ff), "") << "case " << i;
    EXPECT_FALSE(ff.score < s.score) << "case " << i << ": first fit scored better";
  }
  // Both kinds of answer must be well represented for the property to mean anything.
  EXPECT_GT(allocated, 800);
  EXPECT_LT(allocated, 3200);
}

}  // namespace
}  // namespace sluice::dra
