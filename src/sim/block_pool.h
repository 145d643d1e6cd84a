// The simulated GPU KV cache: a fixed pool of blocks with reference counts and automatic prefix
// caching, modelled on vLLM V1's BlockPool / KVCacheManager.
//
// - A block holds block_size tokens of one or more sequences' KV (shared blocks: refcount > 1).
// - Full prompt blocks get a content hash (a chain: hash of the parent's hash and the block's token
//   ids, computed by the engine). A hashed block is found by that hash for prefix-cache hits.
// - Blocks whose refcount drops to 0 go to a free list. Unhashed ones go to its front (nothing is
//   lost by reusing them first); hashed ones go to its back, so the free list is an LRU of cached
//   blocks. Allocation takes from the front and evicts (drops the hash of) a cached block only
//   then.
// - Usage, as vllm:kv_cache_usage_perc reports it, is blocks with refcount > 0 over all blocks.
//
// Not thread-safe; owned by one Engine. No allocation after construction except by callers'
// block tables.
#pragma once

#include "sim/index_map.h"

#include <cstdint>
#include <span>
#include <vector>

namespace sluice::sim {

class BlockPool {
 public:
  explicit BlockPool(std::int32_t num_blocks);

  std::int32_t num_blocks() const { return num_blocks_; }
  /// Blocks with refcount 0, including cached ones that can still be hit.
  std::int32_t free_count() const { return free_count_; }
  std::int32_t used_count() const { return num_blocks_ - free_count_; }
  /// used_count() / num_blocks(), 0 for an empty pool.
  double usage() const;
  /// Blocks currently findable by hash (in use or free).
  std::size_t cached_count() const { return by_hash_.size(); }
  /// Cached blocks dropped to make room since construction.
  std::uint64_t evictions() const { return evictions_; }

  /// Appends to `out` the blocks of the longest cached prefix of the hash chain `hashes`.
  /// Returns how many of them are free (refcount 0): admitting them consumes free blocks.
  std::int32_t match_prefix(std::span<const std::uint64_t> hashes,
                            std::vector<std::int32_t>& out) const;
  /// Takes a reference on each block (from match_prefix) and appends it to `table`.
  void acquire(std::span<const std::int32_t> blocks, std::vector<std::int32_t>& table);
  /// Appends `n` fresh blocks to `table`, evicting least recently freed cached blocks as needed.
  /// All or nothing: returns false and changes nothing if fewer than n blocks are free.
  bool allocate(std::int32_t n, std::vector<std::int32_t>& table);
  /// Drops one reference on every block of `table` (last block first, so that a sequence's tail
  /// is evicted before its head) and clears it.
  void release(std::vector<std::int32_t>& table);
  /// Makes a full, computed block findable by `hash`. A no-op returning false if another block
  /// already has that hash (the duplicate simply stays uncached, as in vLLM).
  bool register_hash(std::int32_t block, std::uint64_t hash);

  std::int32_t refcount(std::int32_t block) const { return refcount_[index(block)]; }
  bool is_cached(std::int32_t block) const { return hashed_[index(block)] != 0; }

 private:
  static std::size_t index(std::int32_t block) { return static_cast<std::size_t>(block); }
  void unlink(std::int32_t block);
  void push_front(std::int32_t block);
  void push_back(std::int32_t block);

  std::int32_t num_blocks_;
  std::int32_t free_count_;
  std::uint64_t evictions_ = 0;
  std::vector<std::int32_t> refcount_;
  std::vector<std::uint64_t> hash_;
  std::vector<std::uint8_t> hashed_;
  // Intrusive doubly linked free list over block ids; index num_blocks_ is the sentinel.
  std::vector<std::int32_t> prev_, next_;
  IndexMap by_hash_;
};

}  // namespace sluice::sim
