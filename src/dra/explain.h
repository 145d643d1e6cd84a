// `sluice dra explain`: why a ResourceClaim cannot be allocated, or where it would go and why
// there. Every node is tried with the allocator's trace on (node_allocator.h), so the report
// says, per node and request, which check removed each device: class selector, request selector
// (with the CEL error), taint, allocated to another claim, capacity, shared counter, constraint
// (with the values found), or node mismatch. The causes are ranked so that the first lines name
// the one that decides; the per-node detail follows.
#pragma once

#include "core/result.h"
#include "dra/model.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::dra {

struct ExplainOptions {
  std::string node;            ///< only this node (empty = all)
  std::size_t max_nodes = 20;  ///< nodes shown in detail (0 = all); the summary counts them all
};

struct Explanation {
  bool allocatable = false;
  std::string text;  ///< the report, lines ending in '\n'
};

/// Explains claim `key` ("namespace/name"; a claim a pod would generate from a template counts).
/// Errors: the claim does not exist, or the input is invalid (as allocate_cluster()).
Result<Explanation> explain_claim(const Inventory& inventory, std::string_view key,
                                  const ExplainOptions& options = {});

}  // namespace sluice::dra
