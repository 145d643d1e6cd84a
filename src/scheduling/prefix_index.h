// Approximate prefix-cache index: which prompt blocks each endpoint probably still has cached,
// learned from our own routing decisions (GIE's approximate prefix cache, not KV events).
//
// Single-threaded by contract: the gateway keeps one PrefixIndex per worker thread (inside its
// Scheduler). A shared index would need a lock or atomics on every request; per-worker indexes cost
// some hit rate (a worker only learns from its own decisions) but keep the hot path lock-free, and
// with session/prefix-keyed connection affinity most repeats land on the same worker anyway.
//
// Memory is bounded: at most `capacity_per_endpoint` blocks per endpoint (LRU eviction) and at
// most `max_endpoints` endpoints (the least recently recorded endpoint is dropped). Lookups cost
// O(blocks + endpoints holding those blocks), independent of the index size.
#pragma once

#include "scheduling/endpoint_view.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace sluice::scheduling {

class PrefixIndex {
 public:
  /// GIE's lruCapacityPerServer default: 31250 blocks of 64 characters (about 2 MB of prompt).
  static constexpr std::size_t kDefaultCapacityPerEndpoint = 31250;
  static constexpr std::size_t kDefaultMaxEndpoints = 4096;

  explicit PrefixIndex(std::size_t capacity_per_endpoint = kDefaultCapacityPerEndpoint,
                       std::size_t max_endpoints = kDefaultMaxEndpoints);

  /// Number of leading blocks of `hashes` cached on `endpoint` (0 if unknown).
  std::size_t longest_match(std::uint32_t endpoint, std::span<const std::uint64_t> hashes) const;

  /// longest_match() for every candidate at once, written to `out` (same size as `candidates`).
  /// One pass over the blocks instead of one per endpoint.
  void longest_matches(std::span<const std::uint64_t> hashes,
                       std::span<const EndpointView* const> candidates,
                       std::span<std::uint32_t> out);

  /// Records that `endpoint` now caches every block of `hashes` (call after routing to it). Block 0
  /// ends up most recently used, so when a prompt exceeds the capacity its tail is dropped first.
  void record(std::uint32_t endpoint, std::span<const std::uint64_t> hashes);

  /// Forgets an endpoint (it left the pool or restarted with an empty cache).
  void remove_endpoint(std::uint32_t endpoint);

  std::size_t blocks(std::uint32_t endpoint) const;  ///< blocks held for one endpoint
  std::size_t total_blocks() const { return live_nodes_; }
  std::size_t endpoints() const { return slot_of_.size(); }
  std::size_t capacity_per_endpoint() const { return capacity_; }

 private:
  static constexpr std::uint32_t kNil = 0xFFFFFFFFu;
  struct Node {
    std::uint64_t hash = 0;
    std::uint32_t slot = kNil;
    std::uint32_t lru_prev = kNil;    // towards most recently used
    std::uint32_t lru_next = kNil;    // towards least recently used
    std::uint32_t chain_prev = kNil;  // other endpoints holding the same hash
    std::uint32_t chain_next = kNil;
  };
  struct Slot {
    std::uint32_t endpoint = 0;
    std::uint32_t mru = kNil;
    std::uint32_t lru = kNil;
    std::uint32_t size = 0;
    std::uint64_t last_used = 0;
  };

  std::uint32_t find_node(std::uint64_t hash, std::uint32_t slot) const;
  std::uint32_t slot_for(std::uint32_t endpoint);  // creates (evicting if needed)
  std::uint32_t new_node();
  void lru_unlink(std::uint32_t n);
  void lru_push_front(std::uint32_t n);
  void chain_unlink(std::uint32_t n);
  void free_node(std::uint32_t n);
  void drop_slot(std::uint32_t slot);

  std::size_t capacity_;
  std::size_t max_endpoints_;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> free_nodes_;
  std::size_t live_nodes_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<std::uint32_t, std::uint32_t> slot_of_;   // endpoint id -> slot
  std::unordered_map<std::uint64_t, std::uint32_t> chain_of_;  // block hash -> first node
  std::uint64_t clock_ = 0;
  // longest_matches() scratch, stamped with a generation instead of cleared per call.
  std::vector<std::uint32_t> match_;
  std::vector<std::uint64_t> match_gen_;
  std::uint64_t gen_ = 0;
};

}  // namespace sluice::scheduling
