#include "sim/block_pool.h"

#include <cassert>

namespace sluice::sim {

BlockPool::BlockPool(std::int32_t num_blocks)
    : num_blocks_(num_blocks < 0 ? 0 : num_blocks),
      free_count_(num_blocks_),
      refcount_(index(num_blocks_), 0),
      hash_(index(num_blocks_), 0),
      hashed_(index(num_blocks_), 0),
      prev_(index(num_blocks_) + 1),
      next_(index(num_blocks_) + 1),
      by_hash_(index(num_blocks_)) {
  const std::int32_t sentinel = num_blocks_;
  prev_[index(sentinel)] = next_[index(sentinel)] = sentinel;
  for (std::int32_t b = 0; b < num_blocks_; ++b) push_back(b);
}

double BlockPool::usage() const {
  if (num_blocks_ == 0) return 0.0;
  return static_cast<double>(used_count()) / static_cast<double>(num_blocks_);
}

std::int32_t BlockPool::match_prefix(std::span<const std::uint64_t> hashes,
                                     std::vector<std::int32_t>& out) const {
  std::int32_t free_hits = 0;
  for (const std::uint64_t h : hashes) {
    const std::int32_t block = by_hash_.find(h);
    if (block < 0) break;
    out.push_back(block);
    if (refcount_[index(block)] == 0) ++free_hits;
  }
  return free_hits;
}

void BlockPool::acquire(std::span<const std::int32_t> blocks, std::vector<std::int32_t>& table) {
  for (const std::int32_t b : blocks) {
    if (refcount_[index(b)]++ == 0) {
      unlink(b);
      --free_count_;
    }
    table.push_back(b);
  }
}

bool BlockPool::allocate(std::int32_t n, std::vector<std::int32_t>& table) {
  if (n > free_count_) return false;
  const std::int32_t sentinel = num_blocks_;
  for (std::int32_t i = 0; i < n; ++i) {
    const std::int32_t b = next_[index(sentinel)];
    assert(b != sentinel);
    unlink(b);
    if (hashed_[index(b)] != 0) {
      by_hash_.erase(hash_[index(b)]);
      hashed_[index(b)] = 0;
      ++evictions_;
    }
    refcount_[index(b)] = 1;
    table.push_back(b);
  }
  free_count_ -= n;
  return true;
}

void BlockPool::release(std::vector<std::int32_t>& table) {
  for (auto it = table.rbegin(); it != table.rend(); ++it) {
    const std::int32_t b = *it;
    assert(refcount_[index(b)] > 0);
    if (--refcount_[index(b)] == 0) {
      if (hashed_[index(b)] != 0) {
        push_back(b);
      } else {
        push_front(b);
      }
      ++free_count_;
    }
  }
  table.clear();
}

bool BlockPool::register_hash(std::int32_t block, std::uint64_t hash) {
  if (hashed_[index(block)] != 0) return false;
  if (!by_hash_.insert(hash, block)) return false;
  hash_[index(block)] = hash;
  hashed_[index(block)] = 1;
  return true;
}

void BlockPool::unlink(std::int32_t b) {
  const std::int32_t p = prev_[index(b)];
  const std::int32_t n = next_[index(b)];
  next_[index(p)] = n;
  prev_[index(n)] = p;
}

void BlockPool::push_front(std::int32_t b) {
  const std::int32_t sentinel = num_blocks_;
  const std::int32_t first = next_[index(sentinel)];
  prev_[index(b)] = sentinel;
  next_[index(b)] = first;
  prev_[index(first)] = b;
  next_[index(sentinel)] = b;
}

void BlockPool::push_back(std::int32_t b) {
  const std::int32_t sentinel = num_blocks_;
  const std::int32_t last = prev_[index(sentinel)];
  next_[index(b)] = sentinel;
  prev_[index(b)] = last;
  next_[index(last)] = b;
  prev_[index(sentinel)] = b;
}

}  // namespace sluice::sim
