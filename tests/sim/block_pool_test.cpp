#include "sim/block_pool.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::sim {
namespace {

TEST(BlockPoolTest, AllocateIsAllOrNothingAndReleaseReturnsBlocks) {
  BlockPool pool(4);
  std::vector<std::int32_t> a, b;
  EXPECT_TRUE(pool.allocate(3, a));
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(pool.free_count(), 1);
  EXPECT_DOUBLE_EQ(pool.usage(), 0.75);
  EXPECT_FALSE(pool.allocate(2, b));
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(pool.free_count(), 1);
  pool.release(a);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(pool.free_count(), 4);
  EXPECT_DOUBLE_EQ(pool.usage(), 0.0);
}

TEST(BlockPoolTest, PrefixMatchSharesBlocksWithRefcounts) {
  BlockPool pool(8);
  std::vector<std::int32_t> first;
  ASSERT_TRUE(pool.allocate(3, first));
  const std::vector<std::uint64_t> chain{11, 22, 33};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.register_hash(first[i], chain[i]));
  EXPECT_EQ(pool.cached_count(), 3u);

  // A chain diverging at the third block matches two blocks, both in use (none free).
  std::vector<std::int32_t> hits;
  EXPECT_EQ(pool.match_prefix(std::vector<std::uint64_t>{11, 22, 99}, hits), 0);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0], first[0]);
  EXPECT_EQ(hits[1], first[1]);
  std::vector<std::int32_t> second;
  pool.acquire(hits, second);
  EXPECT_EQ(pool.refcount(first[0]), 2);
  EXPECT_EQ(pool.used_count(), 3);  // sharing costs no extra block

  // A chain that misses its first block matches nothing, even if later hashes exist.
  hits.clear();
  EXPECT_EQ(pool.match_prefix(std::vector<std::uint64_t>{99, 22}, hits), 0);
  EXPECT_TRUE(hits.empty());

  pool.release(first);
  EXPECT_EQ(pool.refcount(second[0]), 1);
  EXPECT_EQ(pool.used_count(), 2);
  pool.release(second);
  EXPECT_EQ(pool.used_count(), 0);
  EXPECT_EQ(pool.cached_count(), 3u);  // freed but still cached

  // Free cached blocks are hits too, and count as free ones being consumed.
  hits.clear();
  EXPECT_EQ(pool.match_prefix(chain, hits), 3);
  std::vector<std::int32_t> third;
  pool.acquire(hits, third);
  EXPECT_EQ(pool.free_count(), 5);
  pool.release(third);
}

TEST(BlockPoolTest, DuplicateHashStaysUncached) {
  BlockPool pool(4);
  std::vector<std::int32_t> a, b;
  ASSERT_TRUE(pool.allocate(1, a));
  ASSERT_TRUE(pool.allocate(1, b));
  EXPECT_TRUE(pool.register_hash(a[0], 5));
  EXPECT_FALSE(pool.register_hash(b[0], 5));
  EXPECT_TRUE(pool.is_cached(a[0]));
  EXPECT_FALSE(pool.is_cached(b[0]));
}

// Uncached free blocks are used before any cached one; cached ones are evicted least recently
// freed first, and within one release the sequence's tail goes before its head.
TEST(BlockPoolTest, EvictsUncachedFirstThenLeastRecentlyFreed) {
  BlockPool pool(6);
  std::vector<std::int32_t> a, b;
  ASSERT_TRUE(pool.allocate(2, a));
  ASSERT_TRUE(pool.allocate(2, b));
  pool.register_hash(a[0], 100);
  pool.register_hash(a[1], 101);
  pool.register_hash(b[0], 200);
  pool.register_hash(b[1], 201);
  const std::vector<std::int32_t> a_blocks = a, b_blocks = b;
  pool.release(a);  // freed first: least recently used
  pool.release(b);
  EXPECT_EQ(pool.free_count(), 6);

  std::vector<std::int32_t> c;
  ASSERT_TRUE(pool.allocate(2, c));  // the two never-hashed blocks
  EXPECT_EQ(pool.evictions(), 0u);
  EXPECT_EQ(pool.cached_count(), 4u);

  std::vector<std::int32_t> d;
  ASSERT_TRUE(pool.allocate(1, d));  // evicts a's tail block first
  EXPECT_EQ(d[0], a_blocks[1]);
  EXPECT_EQ(pool.evictions(), 1u);
  std::vector<std::int32_t> hits;
  pool.match_prefix(std::vector<std::uint64_t>{100, 101}, hits);
  EXPECT_EQ(hits.size(), 1u);  // head still cached, tail gone

  ASSERT_TRUE(pool.allocate(1, d));
  EXPECT_EQ(d[1], a_blocks[0]);
  hits.clear();
  pool.match_prefix(std::vector<std::uint64_t>{200, 201}, hits);
  EXPECT_EQ(hits.size(), 2u);  // b, freed later, survived
  EXPECT_EQ(pool.cached_count(), 2u);
}

TEST(BlockPoolTest, HitOnAFreeBlockProtectsItFromEviction) {
  BlockPool pool(2);
  std::vector<std::int32_t> a;
  ASSERT_TRUE(pool.allocate(1, a));
  pool.register_hash(a[0], 7);
  const std::int32_t cached = a[0];
  pool.release(a);
  std::vector<std::int32_t> hits, table;
  EXPECT_EQ(pool.match_prefix(std::vector<std::uint64_t>{7}, hits), 1);
  pool.acquire(hits, table);
  std::vector<std::int32_t> other;
  ASSERT_TRUE(pool.allocate(1, other));
  EXPECT_NE(other[0], cached);
  EXPECT_FALSE(pool.allocate(1, other));
  EXPECT_TRUE(pool.is_cached(cached));
}

}  // namespace
}  // namespace sluice::sim
