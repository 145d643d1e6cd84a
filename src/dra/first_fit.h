// A first-fit allocation search that behaves like Kubernetes' own allocator (1.35,
// dynamic-resource-allocation structured/internal: depth-first over devices in pool, slice and
// device order, first solution wins, no scoring, no counting pre-checks, each device slot of a
// request tried over every remaining device). It is the peer Sluice's solver is measured against
// (bench/dra_bench.cpp) and the baseline of `sluice dra plan`; it answers the same problems.
#pragma once

#include "dra/solver.h"

namespace sluice::dra {

/// Solves `problem` first-fit; `problem.hard_limit` plays the part of Kubernetes' 10 s filter
/// timeout. The score of the result is computed the same way as solve()'s, for comparison.
SolverResult first_fit(const SolverProblem& problem);

}  // namespace sluice::dra
