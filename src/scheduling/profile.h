// A scheduling profile: filters in order, then weighted scorers, then one picker. Immutable once
// built and shared by every worker's Scheduler (publish a new one by swapping the shared_ptr).
#pragma once

#include "scheduling/plugin.h"
#include "scheduling/prefix_hash.h"
#include "scheduling/prefix_index.h"

#include <memory>
#include <string>
#include <vector>

namespace sluice::scheduling {

/// Approximate prefix-cache settings, from the `prefix-cache-scorer` parameters.
struct PrefixConfig {
  std::size_t block_chars = kDefaultBlockChars;      ///< blockSize / hashBlockSize
  std::size_t max_blocks = kDefaultMaxPrefixBlocks;  ///< maxPrefixBlocksToMatch
  std::size_t lru_capacity = PrefixIndex::kDefaultCapacityPerEndpoint;  ///< lruCapacityPerServer
};

struct ProfileFilter {
  std::string name;
  std::string type;
  std::shared_ptr<const Filter> filter;
};

struct ProfileScorer {
  std::string name;
  std::string type;
  std::shared_ptr<const Scorer> scorer;
  double weight = 1.0;
};

struct Profile {
  std::string name;
  std::vector<ProfileFilter> filters;
  std::vector<ProfileScorer> scorers;
  std::string picker_name;
  std::string picker_type;
  std::shared_ptr<const Picker> picker;
  PrefixConfig prefix;

  /// True if some scorer reads the cold-request history (no-hit-lru-scorer).
  bool uses_cold_history() const {
    for (const ProfileScorer& s : scorers) {
      if (s.scorer->needs_cold_history()) {
        return true;
      }
    }
    return false;
  }

  /// True if some scorer reads prefix matches (so prompts should be hashed and decisions recorded).
  bool uses_prefix() const {
    for (const ProfileScorer& s : scorers) {
      if (s.scorer->needs_prefix_match()) {
        return true;
      }
    }
    return false;
  }
};

}  // namespace sluice::scheduling
